// Road network input: OpenStreetMap PBF/XML (libosmium) and OGR line layers (Ordnance
// Survey Open Roads understood out of the box), mode profiles, and the network model from
// which each mode's routing graph is built.
#pragma once

#include <accessatlas/geometry.hpp>
#include <accessatlas/reporter.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accessatlas::network {

// Road classes, named after OSM highway values. OS Open Roads classes map onto these.
enum class RoadClass : std::uint8_t {
    motorway,
    motorway_link,
    trunk,
    trunk_link,
    primary,
    primary_link,
    secondary,
    secondary_link,
    tertiary,
    tertiary_link,
    unclassified,
    residential,
    living_street,
    service,
    pedestrian,
    track,
    footway,
    path,
    cycleway,
    bridleway,
    steps,
};
inline constexpr std::size_t road_class_count = 21;
std::string_view to_string(RoadClass c);
std::optional<RoadClass> road_class_from_string(std::string_view name);

// transit: public transport with walking at each end and between stops. It has no road class
// of its own: its street legs are walked (default_profile(transit) is the walk profile), and
// its timetable comes from GTFS (accessatlas/transit/).
enum class Mode : std::uint8_t { walk, cycle, drive, transit };
inline constexpr std::size_t mode_count = 4;
std::string_view to_string(Mode m);
std::optional<Mode> mode_from_string(std::string_view name);
// How the mode reads in a title: "on foot", "by bike", "by car", "by public transport".
std::string_view travel_phrase(Mode m);
inline constexpr std::uint8_t mode_bit(Mode m) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(m)); }

// Which classes a mode may use and how fast. Speeds in km/h; 0 means the class is closed to
// the mode. Tagged maxspeed only ever lowers the class speed ("capped by class").
struct Profile {
    Mode mode = Mode::walk;
    std::array<double, road_class_count> speed_kmh{};
    double dual_carriageway_kmh = 0;  // trunk/primary when dual carriageway; 0 = class speed
    bool use_maxspeed = false;
    bool obey_oneway = false;
    double connector_kmh = 4.8;  // off-network walk from a point to its snap point
};
Profile default_profile(Mode mode);

inline constexpr std::uint32_t invalid_id = 0xFFFFFFFFu;

// One undirected piece of road between two junctions (or dead ends). Direction rules are
// kept per mode as bit masks (bit = mode_bit(mode)) from the tags; class rules and speeds
// are applied later by the profile.
struct Edge {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    float length_m = 0;
    float maxspeed_kmh = 0;  // 0 when not tagged
    RoadClass road_class = RoadClass::residential;
    std::uint8_t forward_modes = 0;   // modes that may travel from -> to
    std::uint8_t backward_modes = 0;  // modes that may travel to -> from
    std::uint8_t explicit_modes = 0;  // modes explicitly allowed by a tag (overrides the class)
    bool dual_carriageway = false;
    std::int64_t source_id = 0;  // OSM way id or OGR feature id
};

struct RoadNetwork {
    std::vector<Point> nodes;            // EPSG:27700
    std::vector<std::string> node_refs;  // external node identifiers (OGR node fields), may be empty
    std::vector<Edge> edges;
    std::vector<std::uint32_t> geometry_offset;  // edges.size()+1 offsets into geometry
    std::vector<Point> geometry;                 // every edge's polyline, from -> to
    std::string source;                          // the file it came from

    std::size_t node_count() const { return nodes.size(); }
    std::size_t edge_count() const { return edges.size(); }
    const Point* edge_geometry_begin(std::size_t e) const { return geometry.data() + geometry_offset[e]; }
    const Point* edge_geometry_end(std::size_t e) const { return geometry.data() + geometry_offset[e + 1]; }
    Box extent() const;
};

struct ReadStats {
    std::size_t features_read = 0;
    std::size_t features_used = 0;
    std::size_t features_skipped = 0;  // not a road, no geometry, closed to every mode
    std::size_t zero_length_dropped = 0;
};

// Reads an OpenStreetMap file (.osm.pbf, .osm, .osm.bz2). Ways are split at every node
// shared with another routable way. Throws InputError naming the file on a corrupt file.
RoadNetwork read_osm(const std::string& path, Reporter& reporter, ReadStats* stats = nullptr);

// Field names to read an OGR line layer. Empty names are looked up among the known schemas
// (OS Open Roads 2020 and current, OSM-like "highway"); nodes come from the node identifier
// fields when present, otherwise lines are noded where their end points coincide within
// `snap_tolerance_m`.
struct OgrNetworkOptions {
    std::string layer;
    std::string class_field;
    std::string oneway_field;
    std::string maxspeed_field;
    std::string start_node_field;
    std::string end_node_field;
    double snap_tolerance_m = 0.5;
};
RoadNetwork read_ogr_network(const std::string& path, const OgrNetworkOptions& options, Reporter& reporter, ReadStats* stats = nullptr);

// Chooses read_osm or read_ogr_network by file name.
RoadNetwork read_network(const std::string& path, const OgrNetworkOptions& options, Reporter& reporter, ReadStats* stats = nullptr);

// ---- Preprocessed network file (.aagraph) ----------------------------------------------
// The network saved once in a compact binary file (format version, checksum, and the source
// file's size, time and reading options), loaded through a memory map: a worker starts from it
// without parsing OSM. A file of another version, byte order or source is refused.
inline constexpr std::uint32_t graph_file_version = 2;
struct GraphFileSource {
    std::string path;  // the network it was built from
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t options_hash = 0;  // layer and field names used to read it
};
GraphFileSource describe_source(const std::string& network_path, const OgrNetworkOptions& options);
void save_graph_file(const RoadNetwork& network, const GraphFileSource& source, const std::string& path);
RoadNetwork load_graph_file(const std::string& path, GraphFileSource* source = nullptr);
// Loads `graph_path` and refuses it (InputError saying how to rebuild) unless it was built from
// `network_path` as it is now, with the same options.
RoadNetwork load_graph_file_for(const std::string& graph_path, const std::string& network_path, const OgrNetworkOptions& options);
bool is_graph_file(const std::string& path);

// ---- Road closures (what-if scenarios) ---------------------------------------------------
// The edges cut from ways by their source id (OSM way id, OGR feature id): sorted, unique.
// Ids with no edge are returned in `not_found`.
std::vector<std::uint32_t> edges_of_ways(const RoadNetwork& network, const std::vector<std::int64_t>& way_ids,
                                         std::vector<std::int64_t>* not_found = nullptr);
// The edges whose geometry meets any of the polygons (ISO WKB, EPSG:27700): sorted, unique.
std::vector<std::uint32_t> edges_meeting(const RoadNetwork& network, const std::vector<std::vector<unsigned char>>& polygons_wkb);

// Renumbers nodes along a Hilbert curve so that nearby nodes sit near in memory.
void sort_nodes_spatially(RoadNetwork& network);

// Maps OS Open Roads attribute values (either schema) to a class; nullopt when unknown.
std::optional<RoadClass> os_open_roads_class(std::string_view road_function, std::string_view road_class, bool trunk);

}  // namespace accessatlas::network
