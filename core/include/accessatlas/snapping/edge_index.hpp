// Snapping points to the nearest usable edge (not node) of a mode's graph with a
// Boost.Geometry R-tree over edge segments.
#pragma once

#include <accessatlas/network/graph.hpp>

#include <memory>

namespace accessatlas::snapping {

struct Snap {
    std::uint32_t edge = network::invalid_id;  // invalid_id when nothing within the limit
    double offset_m = 0;                       // distance along the edge geometry from edge.from to the snap point
    double distance_m = 0;                     // straight connector length from the point to the snap point
    Point point;
    bool ok() const { return edge != network::invalid_id; }
};

class EdgeIndex {
public:
    // Indexes the edges usable by the mode; with `largest_component_only`, only those in its
    // largest connected component, so that a point is never stranded on an island.
    EdgeIndex(const network::RoadNetwork& network, const network::ModeGraph& graph, bool largest_component_only = true);
    ~EdgeIndex();
    EdgeIndex(const EdgeIndex&) = delete;
    EdgeIndex& operator=(const EdgeIndex&) = delete;

    Snap snap(Point p, double max_distance_m) const;
    std::size_t indexed_segments() const;

private:
    struct Impl;
    const network::RoadNetwork& m_network;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace accessatlas::snapping
