#include <accessatlas/network/network.hpp>

#include <array>

namespace accessatlas::network {

namespace {
constexpr std::array<std::string_view, road_class_count> class_names{
    "motorway",       "motorway_link", "trunk",         "trunk_link",   "primary",     "primary_link",  "secondary",
    "secondary_link", "tertiary",      "tertiary_link", "unclassified", "residential", "living_street", "service",
    "pedestrian",     "track",         "footway",       "path",         "cycleway",    "bridleway",     "steps"};
constexpr std::array<std::string_view, mode_count> mode_names{"walk", "cycle", "drive", "transit"};
constexpr double mph = 1.609344;

void set(Profile& p, RoadClass c, double kmh) { p.speed_kmh[static_cast<std::size_t>(c)] = kmh; }
}  // namespace

std::string_view to_string(RoadClass c) { return class_names[static_cast<std::size_t>(c)]; }

std::optional<RoadClass> road_class_from_string(std::string_view name) {
    for (std::size_t i = 0; i < class_names.size(); ++i)
        if (class_names[i] == name) return static_cast<RoadClass>(i);
    return std::nullopt;
}

std::string_view to_string(Mode m) { return mode_names[static_cast<std::size_t>(m)]; }

std::optional<Mode> mode_from_string(std::string_view name) {
    for (std::size_t i = 0; i < mode_names.size(); ++i)
        if (mode_names[i] == name) return static_cast<Mode>(i);
    return std::nullopt;
}

std::string_view travel_phrase(Mode m) {
    switch (m) {
    case Mode::walk: return "on foot";
    case Mode::cycle: return "by bike";
    case Mode::drive: return "by car";
    case Mode::transit: break;
    }
    return "by public transport";
}

Profile default_profile(Mode mode) {
    Profile p;
    p.mode = mode;
    using C = RoadClass;
    switch (mode) {
    case Mode::transit:
        // Walked legs: the graph is the walk graph (edges carry walk permissions).
        p = default_profile(Mode::walk);
        break;
    case Mode::walk:
        // Everything but motorways: in the UK pedestrians may use trunk roads.
        p.speed_kmh.fill(4.8);
        set(p, C::motorway, 0);
        set(p, C::motorway_link, 0);
        break;
    case Mode::cycle:
        p.speed_kmh.fill(15.0);
        set(p, C::motorway, 0);
        set(p, C::motorway_link, 0);
        set(p, C::footway, 0);  // UK default: no cycling on footways unless tagged
        set(p, C::pedestrian, 0);
        set(p, C::steps, 0);
        p.obey_oneway = true;
        break;
    case Mode::drive:
        // Average speeds by class in the spirit of DfT Journey Time Statistics: motorway
        // 67 mph, dual A road 57, single A/B 25, minor 24. Tagged maxspeed caps these.
        p.speed_kmh.fill(0.0);
        set(p, C::motorway, 67 * mph);
        set(p, C::motorway_link, 40 * mph);
        set(p, C::trunk, 25 * mph);
        set(p, C::trunk_link, 25 * mph);
        set(p, C::primary, 25 * mph);
        set(p, C::primary_link, 25 * mph);
        set(p, C::secondary, 25 * mph);
        set(p, C::secondary_link, 25 * mph);
        set(p, C::tertiary, 24 * mph);
        set(p, C::tertiary_link, 24 * mph);
        set(p, C::unclassified, 24 * mph);
        set(p, C::residential, 24 * mph);
        set(p, C::living_street, 10 * mph);
        set(p, C::service, 10 * mph);
        p.dual_carriageway_kmh = 57 * mph;
        p.use_maxspeed = true;
        p.obey_oneway = true;
        break;
    }
    return p;
}

std::optional<RoadClass> os_open_roads_class(std::string_view road_function, std::string_view road_class, bool trunk) {
    // roadFunction / function carries the routing meaning; class is the fallback.
    const std::string_view f = road_function;
    if (f == "Motorway") return RoadClass::motorway;
    if (f == "A Road") return trunk ? RoadClass::trunk : RoadClass::primary;
    if (f == "B Road") return RoadClass::secondary;
    if (f == "Minor Road") return RoadClass::tertiary;
    if (f == "Local Road") return RoadClass::residential;
    if (f == "Local Access Road") return RoadClass::residential;
    if (f == "Restricted Local Access Road" || f == "Secondary Access Road") return RoadClass::service;
    const std::string_view c = road_class;
    if (c == "Motorway") return RoadClass::motorway;
    if (c == "A Road") return trunk ? RoadClass::trunk : RoadClass::primary;
    if (c == "B Road") return RoadClass::secondary;
    if (c == "Classified Unnumbered") return RoadClass::tertiary;
    if (c == "Unclassified" || c == "Not Classified" || c == "Unknown") return RoadClass::residential;
    return std::nullopt;
}

Box RoadNetwork::extent() const {
    Box b;
    for (const auto& p : nodes) b.expand(p);
    return b;
}

}  // namespace accessatlas::network
