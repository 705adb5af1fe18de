// Private: how a search starts from a facility snapped onto an edge, shared by the nearest-
// facility search, the per-facility reach and the catchment polygons.
#pragma once

#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/snapping/edge_index.hpp>

namespace accessatlas::access::detail {

// A search from a facility starts at both ends of its edge (over the reversed graph), with
// the time and distance from that end to the facility, the walking connector included.
struct Seed {
    std::uint32_t node;
    double time_s;
    double length_m;
};
// The seeds of a snapped facility: none, one (a one-way edge) or two, in `out`; their count.
unsigned facility_seeds(const network::RoadNetwork& network, const network::ModeGraph& graph, const snapping::Snap& s, Seed out[2]);

void seed_facility(routing::Dijkstra& search, const network::RoadNetwork& network, const network::ModeGraph& graph, const snapping::Snap& s,
                   std::uint32_t tag);

}  // namespace accessatlas::access::detail
