// Road networks from any OGR line layer. Ordnance Survey Open Roads (the 2020 schema with
// class/function/startNode/endNode and the current one with roadFunction/road_function ...)
// is recognised by its field names; other layers may name a class field holding OSM highway
// values. Lines are noded by node identifier fields when present, else where end points
// coincide within a tolerance.
#include "crs/to_bng.hpp"
#include "network/network_builder.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/network/network.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

namespace accessatlas::network {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Index of the first field whose name matches one of `names` (case-insensitive), or -1.
int find_field(OGRFeatureDefn* defn, const std::string& explicit_name, std::initializer_list<const char*> names, const std::string& path,
               const std::string& layer) {
    if (!explicit_name.empty()) {
        const int i = defn->GetFieldIndex(explicit_name.c_str());
        if (i < 0)
            throw InputError("no such field", {path, layer, {}, explicit_name},
                             "check the field name in the job file (names are case-sensitive)");
        return i;
    }
    for (const char* n : names)
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (lower(defn->GetFieldDefn(i)->GetNameRef()) == lower(n)) return i;
    return -1;
}

std::string text(OGRFeature& f, int field) {
    if (field < 0 || !f.IsFieldSetAndNotNull(field)) return {};
    return f.GetFieldAsString(field);
}

RoadClass as_link(RoadClass c) {
    switch (c) {
    case RoadClass::motorway: return RoadClass::motorway_link;
    case RoadClass::trunk: return RoadClass::trunk_link;
    case RoadClass::primary: return RoadClass::primary_link;
    case RoadClass::secondary: return RoadClass::secondary_link;
    case RoadClass::tertiary: return RoadClass::tertiary_link;
    default: return c;
    }
}

struct GridKey {
    std::int64_t x, y;
    bool operator==(const GridKey& o) const { return x == o.x && y == o.y; }
};
struct GridHash {
    std::size_t operator()(const GridKey& k) const {
        return std::hash<std::int64_t>()(k.x * 73856093LL) ^ std::hash<std::int64_t>()(k.y * 19349663LL);
    }
};

}  // namespace

RoadNetwork read_ogr_network(const std::string& path, const OgrNetworkOptions& options, Reporter& reporter, ReadStats* stats) {
    reporter.stage("Reading road network layer");
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throw InputError("cannot open as a vector dataset", {path, {}, {}, {}}, "check the path and format");
    OGRLayer* layer = options.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(options.layer.c_str());
    if (!layer) throw InputError("no such layer", {path, options.layer, {}, {}}, "list the layers with ogrinfo");
    const std::string layer_name = layer->GetName();
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!srs)
        throw InputError("the layer has no coordinate reference system", {path, layer_name, {}, {}},
                         "assign one (e.g. add a .prj file or use ogr2ogr -a_srs EPSG:27700)");
    const crs::ToBng to_bng(*srs, path);

    OGRFeatureDefn* defn = layer->GetLayerDefn();
    const int f_function = find_field(defn, {}, {"roadFunction", "road_function", "function"}, path, layer_name);
    const int f_class =
        find_field(defn, options.class_field, {"roadClassification", "road_classification", "class", "highway"}, path, layer_name);
    const int f_trunk = find_field(defn, {}, {"trunkRoad", "trunk_road"}, path, layer_name);
    const int f_form = find_field(defn, {}, {"formOfWay", "form_of_way"}, path, layer_name);
    const int f_oneway = find_field(defn, options.oneway_field, {"oneway"}, path, layer_name);
    const int f_maxspeed = find_field(defn, options.maxspeed_field, {"maxspeed"}, path, layer_name);
    const int f_start = find_field(defn, options.start_node_field, {"startNode", "start_node"}, path, layer_name);
    const int f_end = find_field(defn, options.end_node_field, {"endNode", "end_node"}, path, layer_name);
    const bool os_schema = f_function >= 0 || (f_class >= 0 && f_form >= 0);
    const bool node_fields = f_start >= 0 && f_end >= 0;
    if (f_class < 0 && f_function < 0)
        reporter.warning(fmt::format("{} layer '{}': no road class field found; every line is treated as a "
                                     "residential road open to all modes",
                                     path, layer_name));

    NetworkBuilder builder(0);
    std::unordered_map<std::string, std::uint32_t> node_by_ref;
    std::unordered_map<GridKey, std::uint32_t, GridHash> node_by_cell;
    std::vector<std::string> refs;
    const double tol = options.snap_tolerance_m > 0 ? options.snap_tolerance_m : 0.5;
    auto node_at = [&](Point p, const std::string& ref) {
        if (node_fields && !ref.empty()) {
            auto [it, inserted] = node_by_ref.emplace(ref, 0);
            if (inserted) {
                it->second = builder.add_node(p);
                refs.push_back(ref);
            }
            return it->second;
        }
        const GridKey k{static_cast<std::int64_t>(std::llround(p.x / tol)), static_cast<std::int64_t>(std::llround(p.y / tol))};
        auto [it, inserted] = node_by_cell.emplace(k, 0);
        if (inserted) {
            it->second = builder.add_node(p);
            refs.emplace_back();
        }
        return it->second;
    };

    ReadStats local;
    std::size_t null_geometry = 0, unknown_class = 0;
    std::vector<Point> points;
    const GIntBig total = layer->GetFeatureCount(FALSE);
    layer->ResetReading();
    for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        ++local.features_read;
        if (local.features_read % 4096 == 0) {
            reporter.check_cancelled();
            if (total > 0) reporter.progress(static_cast<double>(local.features_read) / static_cast<double>(total));
        }
        OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            ++null_geometry;
            continue;
        }
        const auto type = wkbFlatten(g->getGeometryType());
        if (type != wkbLineString && type != wkbMultiLineString)
            throw InputError(fmt::format("geometry is {}, expected lines", OGRGeometryTypeToName(g->getGeometryType())),
                             {path, layer_name, std::to_string(f->GetFID()), {}}, "give a line layer as the network");
        if (!to_bng.transform(*g))
            throw InputError("coordinates cannot be transformed to EPSG:27700", {path, layer_name, std::to_string(f->GetFID()), {}},
                             "check the layer's CRS");

        EdgeAttributes a;
        a.source_id = f->GetFID();
        a.forward_modes = a.backward_modes = mode_bit(Mode::walk) | mode_bit(Mode::cycle) | mode_bit(Mode::drive);
        if (os_schema) {
            const std::string trunk = lower(text(*f, f_trunk));
            const auto c = os_open_roads_class(text(*f, f_function), text(*f, f_class), trunk == "true" || trunk == "1");
            if (!c) {
                ++unknown_class;
                a.road_class = RoadClass::residential;
            } else {
                a.road_class = *c;
            }
            const std::string form = text(*f, f_form);
            if (form == "Slip Road") a.road_class = as_link(a.road_class);
            a.dual_carriageway = form == "Dual Carriageway" || form == "Collapsed Dual Carriageway";
        } else if (f_class >= 0) {
            const auto c = road_class_from_string(lower(text(*f, f_class)));
            if (!c) {
                ++unknown_class;
                ++local.features_skipped;
                continue;
            }
            a.road_class = *c;
        }
        if (f_oneway >= 0) {
            const std::string ow = lower(text(*f, f_oneway));
            const std::uint8_t directed = mode_bit(Mode::cycle) | mode_bit(Mode::drive);
            if (ow == "yes" || ow == "true" || ow == "1" || ow == "ft") a.backward_modes &= static_cast<std::uint8_t>(~directed);
            if (ow == "-1" || ow == "reverse" || ow == "tf") a.forward_modes &= static_cast<std::uint8_t>(~directed);
        }
        if (f_maxspeed >= 0 && f->IsFieldSetAndNotNull(f_maxspeed)) {
            const double v = f->GetFieldAsDouble(f_maxspeed);
            if (v > 0 && std::isfinite(v)) a.maxspeed_kmh = static_cast<float>(v);
        }

        auto add_line = [&](const OGRLineString& line, bool whole_feature) {
            points.clear();
            for (int i = 0; i < line.getNumPoints(); ++i) points.push_back({line.getX(i), line.getY(i)});
            if (points.size() < 2) return;
            const std::uint32_t from = node_at(points.front(), whole_feature ? text(*f, f_start) : std::string());
            const std::uint32_t to = node_at(points.back(), whole_feature ? text(*f, f_end) : std::string());
            builder.add_edge(from, to, points, a);
        };
        if (type == wkbLineString) {
            add_line(*g->toLineString(), true);
        } else {
            const auto* multi = g->toMultiLineString();
            for (const auto* part : *multi) add_line(*part, multi->getNumGeometries() == 1);
        }
        ++local.features_used;
    }
    if (null_geometry > 0)
        reporter.warning(fmt::format("{} layer '{}': {} features without geometry were skipped", path, layer_name, null_geometry));
    if (unknown_class > 0)
        reporter.warning(fmt::format("{} layer '{}': {} features have an unknown road class{}", path, layer_name, unknown_class,
                                     os_schema ? " (treated as residential)" : " (skipped)"));
    local.features_skipped += null_geometry;
    local.zero_length_dropped = builder.zero_length_dropped();
    if (local.features_used == 0)
        throw InputError("no usable line features", {path, layer_name, {}, {}}, "give a layer of road centre lines");
    if (stats) *stats = local;
    return builder.finish(path, node_fields ? std::move(refs) : std::vector<std::string>{});
}

RoadNetwork read_network(const std::string& path, const OgrNetworkOptions& options, Reporter& reporter, ReadStats* stats) {
    VSIStatBufL st;
    if (VSIStatL(path.c_str(), &st) != 0)
        throw InputError("file not found", {path, {}, {}, {}}, "check the path (relative paths are resolved from the job file's folder)");
    const auto ends_with = [&](const char* suffix) {
        const std::string s = suffix;
        return path.size() >= s.size() && lower(path.substr(path.size() - s.size())) == s;
    };
    if (is_graph_file(path)) {
        RoadNetwork net = load_graph_file(path);
        if (stats) *stats = ReadStats{net.edge_count(), net.edge_count(), 0, 0};
        return net;
    }
    if (ends_with(".pbf") || ends_with(".osm") || ends_with(".osm.bz2") || ends_with(".osm.gz") || ends_with(".o5m")) {
        // A file saved under an OSM name that is something else (a web page, a zip, JSON) is
        // named for what it is, not reported as a corrupt extract.
        const auto sniff = io::sniff_file(path, 4096);
        const bool pbf_like = ends_with(".pbf") && sniff.kind.empty();
        const bool xml_like = ends_with(".osm") && sniff.kind == "XML";
        if (sniff.empty) throw InputError("the network file is empty", {path, {}, {}, {}}, "download the extract again");
        if (!sniff.kind.empty() && !pbf_like && !xml_like && !ends_with(".bz2") && !ends_with(".gz"))
            throw InputError(
                fmt::format("this is not an OpenStreetMap {} file: it looks like {}", ends_with(".pbf") ? "PBF" : "XML", sniff.kind),
                {path, {}, {}, {}},
                "download the extract again (e.g. from Geofabrik, as .osm.pbf), or give a road layer in its own format (GeoPackage, "
                "shapefile)");
        return read_osm(path, reporter, stats);
    }
    return read_ogr_network(path, options, reporter, stats);
}

}  // namespace accessatlas::network
