// OpenStreetMap input with libosmium: pass 1 finds junctions (nodes shared by routable ways,
// and way ends); pass 2 reads node locations and cuts ways into edges at junctions.
#include "crs/to_bng.hpp"
#include "network/network_builder.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/network.hpp>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

namespace accessatlas::network {

namespace {

bool is(const char* value, std::initializer_list<const char*> options) {
    if (!value) return false;
    for (const char* o : options)
        if (std::strcmp(value, o) == 0) return true;
    return false;
}

std::optional<RoadClass> routable_class(const osmium::Way& way) {
    const char* highway = way.tags()["highway"];
    if (!highway) return std::nullopt;
    if (is(way.tags()["area"], {"yes"})) return std::nullopt;
    std::optional<RoadClass> c = road_class_from_string(highway);
    if (!c && std::strcmp(highway, "road") == 0) c = RoadClass::unclassified;
    if (!c && std::strcmp(highway, "corridor") == 0) c = RoadClass::footway;
    return c;
}

// Parses "30 mph", "50", "GB:nsl_single"...: km/h, or 0 when unknown.
float parse_maxspeed(const char* value) {
    if (!value) return 0;
    if (is(value, {"GB:nsl_single", "national"})) return static_cast<float>(60 * 1.609344);
    if (is(value, {"GB:nsl_dual", "GB:motorway"})) return static_cast<float>(70 * 1.609344);
    char* end = nullptr;
    const double v = std::strtod(value, &end);
    if (end == value || !(v > 0) || !std::isfinite(v)) return 0;
    const bool mph = std::strstr(end, "mph") != nullptr;
    return static_cast<float>(mph ? v * 1.609344 : v);
}

struct Access {
    std::uint8_t allowed = 0;
    std::uint8_t explicit_yes = 0;
};

// access=no/private closes a way to every mode unless a mode tag reopens it.
Access access_of(const osmium::TagList& tags) {
    Access a;
    a.allowed = mode_bit(Mode::walk) | mode_bit(Mode::cycle) | mode_bit(Mode::drive);
    auto closed = [](const char* v) { return is(v, {"no", "private"}); };
    auto open = [](const char* v) { return is(v, {"yes", "permissive", "designated", "destination"}); };
    if (closed(tags["access"])) a.allowed = 0;
    auto apply = [&](std::uint8_t bits, const char* value) {
        if (closed(value)) a.allowed &= static_cast<std::uint8_t>(~bits);
        if (open(value)) {
            a.allowed |= bits;
            a.explicit_yes |= bits;
        }
    };
    apply(mode_bit(Mode::cycle) | mode_bit(Mode::drive), tags["vehicle"]);
    apply(mode_bit(Mode::drive), tags["motor_vehicle"]);
    apply(mode_bit(Mode::drive), tags["motorcar"]);
    apply(mode_bit(Mode::cycle), tags["bicycle"]);
    apply(mode_bit(Mode::walk), tags["foot"]);
    return a;
}

class JunctionCounter : public osmium::handler::Handler {
public:
    std::vector<osmium::object_id_type> refs;
    void way(const osmium::Way& way) {
        if (!routable_class(way) || way.nodes().size() < 2) return;
        const auto& nodes = way.nodes();
        // Ends count twice so that they always become junctions.
        refs.push_back(nodes.front().ref());
        refs.push_back(nodes.front().ref());
        refs.push_back(nodes.back().ref());
        refs.push_back(nodes.back().ref());
        for (std::size_t i = 1; i + 1 < nodes.size(); ++i) refs.push_back(nodes[i].ref());
    }
    // Keeps the ids seen at least twice, sorted: a junction's index is its graph node id.
    std::vector<osmium::object_id_type> junctions() {
        std::sort(refs.begin(), refs.end());
        std::vector<osmium::object_id_type> out;
        for (std::size_t i = 0; i < refs.size();) {
            std::size_t j = i;
            while (j < refs.size() && refs[j] == refs[i]) ++j;
            if (j - i >= 2) out.push_back(refs[i]);
            i = j;
        }
        refs.clear();
        refs.shrink_to_fit();
        return out;
    }
};

class EdgeCutter : public osmium::handler::Handler {
public:
    EdgeCutter(const std::vector<osmium::object_id_type>& junctions, NetworkBuilder& builder, const crs::ToBng& to_bng)
        : m_junctions(junctions), m_builder(builder), m_to_bng(to_bng) {}

    std::size_t ways_used = 0;
    std::size_t ways_skipped = 0;
    std::size_t missing_locations = 0;

    void way(const osmium::Way& way) {
        const auto cls = routable_class(way);
        if (!cls || way.nodes().size() < 2) return;
        const auto& tags = way.tags();
        const Access access = access_of(tags);
        if (access.allowed == 0) {
            ++ways_skipped;
            return;
        }
        // Direction: walking ignores oneway; cycling may be exempt.
        int oneway = 0;
        const char* ow = tags["oneway"];
        if (is(ow, {"yes", "true", "1"}))
            oneway = 1;
        else if (is(ow, {"-1", "reverse"}))
            oneway = -1;
        else if (!is(ow, {"no", "false", "0"}) && (is(tags["junction"], {"roundabout", "circular"}) || *cls == RoadClass::motorway))
            oneway = 1;
        std::uint8_t directed = mode_bit(Mode::drive) | mode_bit(Mode::cycle);
        if (is(tags["oneway:bicycle"], {"no"}) || is(tags["cycleway"], {"opposite", "opposite_lane", "opposite_track"}))
            directed &= static_cast<std::uint8_t>(~mode_bit(Mode::cycle));
        std::uint8_t fwd = access.allowed;
        std::uint8_t bwd = access.allowed;
        if (oneway == 1) bwd &= static_cast<std::uint8_t>(~directed);
        if (oneway == -1) fwd &= static_cast<std::uint8_t>(~directed);

        EdgeAttributes attributes;
        attributes.road_class = *cls;
        attributes.forward_modes = fwd;
        attributes.backward_modes = bwd;
        attributes.explicit_modes = access.explicit_yes;
        attributes.maxspeed_kmh = parse_maxspeed(tags["maxspeed"]);
        attributes.dual_carriageway = (oneway != 0 && (*cls == RoadClass::trunk || *cls == RoadClass::primary)) ||
                                      is(tags["dual_carriageway"], {"yes"}) || is(tags["maxspeed"], {"GB:nsl_dual"});
        attributes.source_id = way.id();

        m_points.clear();
        std::uint32_t start = invalid_id;
        for (const auto& nr : way.nodes()) {
            if (!nr.location().valid()) {
                ++missing_locations;
                m_points.clear();
                start = invalid_id;
                continue;
            }
            Point p{nr.location().lon(), nr.location().lat()};
            m_to_bng.transform(&p.x, &p.y, 1);
            m_points.push_back(p);
            const auto it = std::lower_bound(m_junctions.begin(), m_junctions.end(), nr.ref());
            if (it == m_junctions.end() || *it != nr.ref()) continue;
            const auto node = static_cast<std::uint32_t>(it - m_junctions.begin());
            m_builder.set_node(node, p);
            if (start != invalid_id && m_points.size() >= 2) m_builder.add_edge(start, node, m_points, attributes);
            start = node;
            m_points.clear();
            m_points.push_back(p);
        }
        ++ways_used;
    }

private:
    const std::vector<osmium::object_id_type>& m_junctions;
    NetworkBuilder& m_builder;
    const crs::ToBng& m_to_bng;
    std::vector<Point> m_points;
};

// The OSM file as libosmium should read it. Files up to 512 MB are read into memory first:
// libosmium 2.19 leaks the file descriptor of a PBF whose parsing fails (found by fuzzing),
// which matters in long-lived processes (the QGIS plugin, a cluster worker).
struct OsmSource {
    std::string bytes;
    std::string format;
    osmium::io::File file(const std::string& path) const {
        return bytes.empty() ? osmium::io::File{path} : osmium::io::File{bytes.data(), bytes.size(), format};
    }
};

OsmSource load_source(const std::string& path) {
    OsmSource source;
    auto ends = [&](const char* suffix) {
        const std::string s = suffix;
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".pbf"))
        source.format = "pbf";
    else if (ends(".osm"))
        source.format = "xml";
    else if (ends(".osm.bz2"))
        source.format = "xml.bz2";
    else if (ends(".osm.gz"))
        source.format = "xml.gz";
    else if (ends(".o5m"))
        source.format = "o5m";
    else
        return source;  // let libosmium work the format out from the name
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return source;
    const std::streamoff size = in.tellg();
    if (size <= 0 || size > (std::streamoff{512} << 20)) return source;
    source.bytes.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(source.bytes.data(), size);
    if (!in) source.bytes.clear();
    return source;
}

}  // namespace

RoadNetwork read_osm(const std::string& path, Reporter& reporter, ReadStats* stats) {
    try {
        reporter.stage("Reading OpenStreetMap ways");
        const OsmSource source = load_source(path);
        JunctionCounter counter;
        {
            osmium::io::Reader reader{source.file(path), osmium::osm_entity_bits::way};
            osmium::apply(reader, counter);
            reader.close();
        }
        reporter.check_cancelled();
        const auto junctions = counter.junctions();
        if (junctions.empty())
            throw InputError("no routable ways (highway=*) found", {path, {}, {}, {}},
                             "check that the file is an OpenStreetMap extract with roads");

        reporter.stage("Cutting ways into edges at junctions");
        NetworkBuilder builder(junctions.size());
        const crs::ToBng to_bng = crs::ToBng::from_wgs84();
        EdgeCutter cutter(junctions, builder, to_bng);
        using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
        Index index;
        osmium::handler::NodeLocationsForWays<Index> locations{index};
        locations.ignore_errors();
        {
            osmium::io::Reader reader{source.file(path), osmium::osm_entity_bits::node | osmium::osm_entity_bits::way};
            osmium::apply(reader, locations, cutter);
            reader.close();
        }
        if (cutter.missing_locations > 0)
            reporter.warning(fmt::format("{}: {} way nodes have no location (cut at the extract's edge); "
                                         "ways were split there",
                                         path, cutter.missing_locations));
        RoadNetwork network = builder.finish(path);
        if (stats) {
            stats->features_used = cutter.ways_used;
            stats->features_skipped = cutter.ways_skipped;
            stats->features_read = cutter.ways_used + cutter.ways_skipped;
            stats->zero_length_dropped = builder.zero_length_dropped();
        }
        return network;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(std::string("cannot read the OpenStreetMap file: ") + e.what(), {path, {}, {}, {}},
                         "the file may be truncated or corrupt; download the extract again");
    }
}

}  // namespace accessatlas::network
