// Multi-source Dijkstra over a CSR graph. The caller adds any number of sources, then
// settles nodes one at a time and decides when to stop (a time limit, k facilities found).
// One object per thread, reused across searches: reset() is O(1) through timestamps.
#pragma once

#include <accessatlas/network/graph.hpp>
#include <accessatlas/util/huge_pages.hpp>

#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace accessatlas::routing {

inline constexpr double unreached = std::numeric_limits<double>::infinity();

// Addressable 4-ary min-heap over node ids with double keys.
class MinIdHeap {
public:
    explicit MinIdHeap(std::uint32_t id_count = 0);
    void resize(std::uint32_t id_count);
    bool empty() const { return m_size == 0; }
    std::uint32_t size() const { return m_size; }
    bool contains(std::uint32_t id) const { return m_position[id] != npos; }
    double key_of(std::uint32_t id) const { return m_heap[m_position[id]].key; }
    void push(std::uint32_t id, double key);
    void decrease_key(std::uint32_t id, double key);
    // Any new key, larger or smaller.
    void change_key(std::uint32_t id, double key);
    std::uint32_t peek_id() const { return m_heap[0].id; }
    double peek_key() const { return m_heap[0].key; }
    std::uint32_t pop();
    void clear();

private:
    struct Entry {
        double key;
        std::uint32_t id;
    };
    static constexpr std::uint32_t npos = 0xFFFFFFFFu;
    void sift_up(std::uint32_t pos);
    void sift_down(std::uint32_t pos);
    std::vector<Entry> m_heap;
    std::vector<std::uint32_t> m_position;
    std::uint32_t m_size = 0;
};

class Dijkstra {
public:
    explicit Dijkstra(const network::Graph& graph);

    // Forgets the previous search in O(1).
    void reset();
    // Seeds a node. `tag` travels with the label (e.g. the facility index). Labels compare by
    // time, then tag (the smaller wins), then length, so the labels a search ends with do not
    // depend on the order in which it met the paths (insertion order, threads).
    void add_source(std::uint32_t node, double time_s, double length_m, std::uint32_t tag);
    bool finished() const { return m_heap.empty(); }
    // Time of the next node to be settled (infinity when finished): the stop rule's input.
    double next_time() const { return m_heap.empty() ? unreached : m_heap.peek_key(); }
    // Settles and returns the next node, relaxing its arcs.
    std::uint32_t settle_next();
    // Settles every node with time <= limit_s.
    void run_until(double limit_s);
    // Labels every reachable node, for searches that cover the whole graph from many spread
    // sources (nearest facility). Nodes are processed in time buckets of `bucket_s` seconds
    // (0 = the mean arc time), each bucket in node order, correcting labels within a bucket
    // until none improves: the labels equal run_until(infinity)'s exactly, but memory is swept
    // in order instead of jumping between frontiers, which is about 3x faster on large graphs.
    // With `threads` > 1 on a large graph, each thread owns a range of node ids (a compact area,
    // nodes being in spatial order) and hands relaxations into another's range to its owner
    // between passes; the labels are the same. `check` is called between buckets (cancellation).
    template <class Check>
    void settle_all(Check&& check, double bucket_s = 0, unsigned threads = 1);
    void settle_all() {
        settle_all([] {});
    }
    // Below this many nodes a parallel sweep costs more in hand-offs than it saves.
    static constexpr std::uint32_t parallel_min_nodes = 50000;

    bool reached(std::uint32_t v) const { return m_label[v].stamp == m_current; }
    double time(std::uint32_t v) const { return reached(v) ? m_label[v].time : unreached; }
    double length(std::uint32_t v) const { return reached(v) ? m_label[v].length : unreached; }
    std::uint32_t tag(std::uint32_t v) const { return reached(v) ? m_label[v].tag : network::invalid_id; }
    std::uint64_t settled_count() const { return m_settled; }
    // Asks the memory system for a node's label ahead of reading it.
    void prefetch(std::uint32_t v) const { __builtin_prefetch(&m_label[v]); }

private:
    bool improve(std::uint32_t v, double t, double len, std::uint32_t tag);
    void settle_all_impl(void (*check)(void*), void* context, double bucket_s);
    void settle_all_parallel(void (*check)(void*), void* context, double bucket_s, unsigned threads);
    const network::Graph& m_graph;
    // One record per node so that a relaxation touches one cache line.
    struct Label {
        double time;
        double length;
        std::uint32_t tag;
        std::uint32_t stamp;  // == m_current when labelled in this search
    };
    std::vector<Label, HugePageAllocator<Label>> m_label;
    std::uint32_t m_current = 1;  // stamps start at 0: nothing reached
    double m_mean_arc_time = 1;
    std::vector<std::vector<std::uint32_t>> m_buckets;
    MinIdHeap m_heap;
    std::uint64_t m_settled = 0;
};

template <class Check>
void Dijkstra::settle_all(Check&& check, double bucket_s, unsigned threads) {
    auto call = [](void* c) { (*static_cast<std::remove_reference_t<Check>*>(c))(); };
    if (threads > 1 && m_graph.node_count() >= parallel_min_nodes)
        settle_all_parallel(call, &check, bucket_s, threads);
    else
        settle_all_impl(call, &check, bucket_s);
}

// Whether (t, tag, len) comes before a label: the order every search here keeps.
inline bool label_before(double t, std::uint32_t tag, double len, double lt, std::uint32_t ltag, double llen) {
    return t < lt || (t == lt && (tag < ltag || (tag == ltag && len < llen)));
}

}  // namespace accessatlas::routing
