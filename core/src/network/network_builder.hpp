// Private: accumulates nodes and edges from a reader, then compacts and orders them.
#pragma once

#include <accessatlas/network/network.hpp>

namespace accessatlas::network {

struct EdgeAttributes {
    RoadClass road_class = RoadClass::residential;
    std::uint8_t forward_modes = 0;
    std::uint8_t backward_modes = 0;
    std::uint8_t explicit_modes = 0;
    float maxspeed_kmh = 0;
    bool dual_carriageway = false;
    std::int64_t source_id = 0;
};

class NetworkBuilder {
public:
    explicit NetworkBuilder(std::size_t node_capacity);
    std::uint32_t add_node(Point p);
    void set_node(std::uint32_t node, Point p);
    // `points` runs from node `from` to node `to` inclusive.
    void add_edge(std::uint32_t from, std::uint32_t to, const std::vector<Point>& points, const EdgeAttributes& a);
    std::size_t zero_length_dropped() const { return m_zero_length; }
    // Drops nodes no edge uses, orders nodes along a Hilbert curve.
    RoadNetwork finish(const std::string& source, std::vector<std::string> node_refs = {});

private:
    RoadNetwork m_network;
    std::size_t m_zero_length = 0;
};

double polyline_length(const Point* begin, const Point* end);

}  // namespace accessatlas::network
