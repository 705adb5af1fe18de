#include <accessatlas/snapping/edge_index.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>

namespace accessatlas::snapping {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSegment = bg::model::segment<BPoint>;
using Entry = std::pair<BSegment, std::pair<std::uint32_t, std::uint32_t>>;  // (edge, first point index)

struct EdgeIndex::Impl {
    bgi::rtree<Entry, bgi::rstar<16>> tree;
};

EdgeIndex::EdgeIndex(const network::RoadNetwork& network, const network::ModeGraph& graph, bool largest_component_only)
    : m_network(network), m_impl(std::make_unique<Impl>()) {
    std::vector<Entry> entries;
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        const bool usable = largest_component_only ? graph.edge_in_largest_component(e, network) : graph.edge_usable(e);
        if (!usable) continue;
        for (std::uint32_t i = network.geometry_offset[e]; i + 1 < network.geometry_offset[e + 1]; ++i) {
            const Point a = network.geometry[i], b = network.geometry[i + 1];
            entries.emplace_back(BSegment(BPoint(a.x, a.y), BPoint(b.x, b.y)), std::make_pair(e, i));
        }
    }
    m_impl->tree = bgi::rtree<Entry, bgi::rstar<16>>(entries.begin(), entries.end());  // bulk load (packing)
}

EdgeIndex::~EdgeIndex() = default;

std::size_t EdgeIndex::indexed_segments() const { return m_impl->tree.size(); }

Snap EdgeIndex::snap(Point p, double max_distance_m) const {
    Snap s;
    if (m_impl->tree.empty()) return s;
    const BPoint q(p.x, p.y);
    const Entry* best = nullptr;
    for (auto it = m_impl->tree.qbegin(bgi::nearest(q, 1)); it != m_impl->tree.qend(); ++it) best = &*it;
    if (!best) return s;
    const std::uint32_t edge = best->second.first;
    const std::uint32_t i = best->second.second;
    const Point a = m_network.geometry[i], b = m_network.geometry[i + 1];
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
    const Point on{a.x + t * dx, a.y + t * dy};
    const double d = distance(p, on);
    if (d > max_distance_m) return s;
    double offset = 0;
    for (std::uint32_t j = m_network.geometry_offset[edge]; j < i; ++j)
        offset += distance(m_network.geometry[j], m_network.geometry[j + 1]);
    offset += t * std::sqrt(len2);
    s.edge = edge;
    s.offset_m = std::min(offset, static_cast<double>(m_network.edges[edge].length_m));
    s.distance_m = d;
    s.point = on;
    return s;
}

}  // namespace accessatlas::snapping
