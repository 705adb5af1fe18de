// .aach: a contraction hierarchy as arrays, saved by a distributed plan for its workers.
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/routing/hierarchy.hpp>

#include <utility>

namespace accessatlas::routing {

namespace {
constexpr char magic[8] = {'A', 'A', 'H', 'I', 'E', 'R', '\0', '\0'};
}  // namespace

std::uint64_t save_hierarchy(const Hierarchy& h, const std::string& path) {
    static_assert(sizeof(HierarchyArc) == 8, "HierarchyArc must have no padding to be written as a memory image");
    detail::BinaryWriter w;
    w.put_array(h.position);
    w.put_array(h.node_at);
    w.put_array(h.up_first);
    w.put_records(h.up_arc);
    w.put_array(h.down_first);
    w.put_records(h.down_arc);
    w.put(h.shortcut_count);
    w.put(h.level_count);
    w.put(h.build_seconds);
    return detail::write_binary_file(path, magic, hierarchy_file_version, 0, w.bytes());
}

Hierarchy load_hierarchy(const std::string& path, std::uint64_t checksum, const network::Graph& graph) {
    const auto file =
        detail::open_binary_file(path, magic, hierarchy_file_version, "an Access Atlas contraction hierarchy file", "plan again");
    if (file.header.payload_hash != checksum)
        throw InputError("the contraction hierarchy file belongs to another plan", {path, {}, {}, {}}, "plan again");
    auto r = file.payload();
    Hierarchy h;
    h.position = r.get_array<std::uint32_t>();
    h.node_at = r.get_array<std::uint32_t>();
    h.up_first = r.get_array<std::uint32_t>();
    h.up_arc = r.get_records<HierarchyArc>();
    h.down_first = r.get_array<std::uint32_t>();
    h.down_arc = r.get_records<HierarchyArc>();
    h.shortcut_count = r.get<std::uint64_t>();
    h.level_count = r.get<std::uint32_t>();
    h.build_seconds = r.get<double>();
    // Sizes or positions that would send a sweep out of its arrays mean a damaged file, or
    // the hierarchy of another graph.
    const std::uint32_t n = graph.node_count();
    bool fits = h.position.size() == n && h.node_at.size() == n && h.up_first.size() == n + 1u && h.down_first.size() == n + 1u &&
                h.up_first.back() == h.up_arc.size() && h.down_first.back() == h.down_arc.size();
    for (std::size_t v = 0; fits && v < n; ++v) fits = h.position[v] < n && h.node_at[h.position[v]] == v;
    // Every arc of a position joins a higher node, at a smaller position: the one-pass sweep
    // reads a tail's times only after writing them.
    for (const auto* first : {&h.up_first, &h.down_first}) {
        fits = fits && first->front() == 0;
        for (std::uint32_t p = 0; fits && p < n; ++p) fits = (*first)[p] <= (*first)[p + 1];  // then none passes back()
    }
    for (const auto& [first, arcs] : {std::pair{&h.up_first, &h.up_arc}, std::pair{&h.down_first, &h.down_arc}})
        for (std::uint32_t p = 0; fits && p < n; ++p)
            for (std::uint32_t a = (*first)[p]; fits && a < (*first)[p + 1]; ++a) fits = (*arcs)[a].other < p;
    if (!fits) r.fail("a contraction hierarchy that does not fit its graph");
    return h;
}

}  // namespace accessatlas::routing
