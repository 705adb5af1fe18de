// Contraction hierarchy (CH) of a CSR graph, and PHAST one-to-all searches over it.
//
// Thousands of bounded searches (the 30-minute drive catchment of every GP in England) each
// settle hundreds of thousands of nodes in heap order, jumping across memory. A hierarchy is
// built once per graph; then each batch of `Phast::width` sources costs a short upward search
// per source plus one linear sweep over the nodes in a fixed order, computing all the batch's
// times at once with vector instructions (Delling, Goldberg, Nowatzyk, Werneck: "PHAST:
// Hardware-accelerated shortest path trees", 2011; Geisberger et al., "Contraction
// hierarchies", 2008).
//
// Times are single precision: they differ from the Dijkstra search's (double precision) by
// float rounding only, a few milliseconds at most over an hour's travel.
#pragma once

#include <accessatlas/network/graph.hpp>
#include <accessatlas/reporter.hpp>

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace accessatlas::routing {

struct HierarchyArc {
    std::uint32_t other;  // a sweep position: the head of an upward arc, the tail of a downward one
    float time_s;
};

// Nodes are numbered by sweep position: every downward arc runs from a smaller position to a
// larger one, so one pass in position order settles them all. Positions follow the hierarchy
// level (highest first) and, within a level, the graph's own node order (spatial in ours), so
// that the sweep reads memory nearly in order.
struct Hierarchy {
    std::vector<std::uint32_t> position;  // node -> sweep position
    std::vector<std::uint32_t> node_at;   // sweep position -> node
    // Arcs of the graph's direction of travel towards higher nodes, by position: the upward
    // search from a source reads these.
    std::vector<std::uint32_t> up_first;
    std::vector<HierarchyArc> up_arc;
    // Arcs into each position from higher nodes (smaller positions): the sweep reads these.
    std::vector<std::uint32_t> down_first;
    std::vector<HierarchyArc> down_arc;
    std::uint64_t shortcut_count = 0;  // arcs added by contraction (each direction counted)
    std::uint32_t level_count = 0;
    double build_seconds = 0;

    std::uint32_t node_count() const { return static_cast<std::uint32_t>(position.size()); }
    std::size_t memory_bytes() const;
};

// Contracts every node of `graph` (nodes in order of a priority: arcs added against arcs
// removed, hops, depth) with witness searches of bounded size, on `threads` threads (0 = all);
// the hierarchy is the same whatever the thread count. Reports progress and honours
// cancellation through `reporter`.
Hierarchy build_hierarchy(const network::Graph& graph, Reporter& reporter, unsigned threads = 0);

// The hierarchy of one graph, owned by whoever routes over that graph more than once: a job
// keeps one per scenario and mode, a distributed plan saves it for its workers. The first
// search that pays for a hierarchy builds it here; later searches over the same graph take it
// as it is. The graph must outlive the cache.
class HierarchyCache {
public:
    explicit HierarchyCache(const network::Graph& graph) : m_graph(&graph) {}
    HierarchyCache(const network::Graph&&) = delete;  // the graph must outlive the cache

    const network::Graph& graph() const { return *m_graph; }
    bool built() const { return m_ready.load(std::memory_order_acquire) != nullptr; }
    // The hierarchy, built on the first call (progress and cancellation through `reporter`).
    // Safe to call from several threads: a second caller waits for the first build.
    const Hierarchy& get(Reporter& reporter, unsigned threads = 0);
    // A hierarchy built before (read from a file), into an empty cache: refused (InternalError)
    // when the cache holds one already (a caller may be using it) or it does not fit the graph.
    void adopt(Hierarchy hierarchy);

private:
    const network::Graph* m_graph;
    std::unique_ptr<const Hierarchy> m_hierarchy;
    std::atomic<const Hierarchy*> m_ready{nullptr};  // m_hierarchy once set: read without the lock
    std::mutex m_building;
};

// A hierarchy saved as arrays, so a scale-out worker reads it instead of building it. save
// returns the file's checksum; load refuses a file whose checksum is not the one expected (a
// hierarchy of another plan) or whose arrays do not fit `graph`.
inline constexpr std::uint32_t hierarchy_file_version = 1;
std::uint64_t save_hierarchy(const Hierarchy& hierarchy, const std::string& path);
Hierarchy load_hierarchy(const std::string& path, std::uint64_t checksum, const network::Graph& graph);

// One-to-all times from up to `width` sources at once. One object per thread, reused: its
// label array (width floats per node) is allocated once.
class Phast {
public:
    static constexpr unsigned width = 16;
    static constexpr float unreached = std::numeric_limits<float>::infinity();

    explicit Phast(const Hierarchy& hierarchy);
    ~Phast();
    Phast(Phast&&) noexcept;
    Phast& operator=(Phast&&) = delete;

    // Starts a new batch: no sources.
    void clear();
    // Seeds `node` (a graph node id) for `slot` (0 .. width-1) at `time_s`. A slot may have
    // several seeds (both ends of an edge, every entrance of a park).
    void add_source(unsigned slot, std::uint32_t node, float time_s);
    // Computes every node's time from each slot's seeds. Times above `limit_s` may be left
    // as computed or set to unreached (the upward searches stop at the limit).
    void run(float limit_s = unreached);
    // Restricts the following runs to what the nodes at `targets` (sweep positions) need
    // (RPHAST): only their times are then right. For sources whose reach is bounded in space,
    // a sweep then covers a region instead of the whole graph.
    void restrict_to(const std::uint32_t* targets, std::size_t count);
    void restrict_to_all();
    std::size_t swept_count() const;  // nodes a run sweeps
    // The `width` times of a graph node, one per slot (unreached for empty slots).
    const float* times_of_node(std::uint32_t node) const { return times_at(m_hierarchy.position[node]); }
    const float* times_at(std::uint32_t position) const;
    std::uint64_t upward_settled() const { return m_upward_settled; }

private:
    struct Impl;
    const Hierarchy& m_hierarchy;
    std::unique_ptr<Impl> m_impl;
    std::uint64_t m_upward_settled = 0;
    bool m_restricted = false;
};

}  // namespace accessatlas::routing
