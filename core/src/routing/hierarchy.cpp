// Node contraction: the hierarchy's order and shortcuts.
//
// Contraction runs in rounds. Each round takes every node whose priority is smaller than all
// its neighbours' (an independent set), contracts them in parallel and recomputes the
// priorities of their neighbours. Witness paths may not pass through any node of the round,
// so each node's shortcuts are right whatever the others do, and the result does not depend
// on the thread count.
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/error.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>

namespace accessatlas::routing {

namespace {

constexpr float no_arc = std::numeric_limits<float>::infinity();

// One neighbour of a node in the graph being contracted, both directions in one record so
// that parallel arcs merge and a node's list is its whole neighbourhood.
struct Neighbour {
    std::uint32_t other;
    float out;               // this -> other (no_arc when absent)
    float in;                // other -> this
    std::uint16_t out_hops;  // original arcs an arc stands for (saturating: a priority term only)
    std::uint16_t in_hops;
};
static_assert(sizeof(Neighbour) == 16);

struct Shortcut {
    std::uint32_t from, to;
    float time;
    std::uint16_t hops;
};

std::uint16_t add_hops(std::uint16_t a, std::uint16_t b) {
    return static_cast<std::uint16_t>(std::min<std::uint32_t>(0xFFFFu, std::uint32_t{a} + b));
}

// The graph being contracted: every node's neighbour list in one array, in node order (so
// nearby nodes' lists are near in memory). A list that outgrows its room moves to the end
// with twice the room.
class Adjacency {
public:
    explicit Adjacency(std::uint32_t n) : m_begin(n, 0), m_size(n, 0), m_room(n, 0) {}
    // Room for `degree[v]` neighbours plus slack for shortcuts, laid out in node order.
    void reserve(const std::vector<std::uint32_t>& degree) {
        std::uint64_t total = 0;
        for (std::size_t v = 0; v < degree.size(); ++v) {
            m_begin[v] = total;
            m_room[v] = degree[v] + 2;
            total += m_room[v];
        }
        m_store.resize(total);
    }
    const Neighbour* begin(std::uint32_t v) const { return m_store.data() + m_begin[v]; }
    const Neighbour* end(std::uint32_t v) const { return begin(v) + m_size[v]; }
    Neighbour* begin(std::uint32_t v) { return m_store.data() + m_begin[v]; }
    Neighbour* end(std::uint32_t v) { return begin(v) + m_size[v]; }
    std::uint32_t size(std::uint32_t v) const { return m_size[v]; }
    void push_back(std::uint32_t v, const Neighbour& x) {
        if (m_size[v] == m_room[v]) {
            const std::uint64_t at = m_store.size();
            m_room[v] = std::max<std::uint32_t>(4, 2 * m_room[v]);
            m_store.resize(at + m_room[v]);
            std::copy(m_store.begin() + static_cast<std::ptrdiff_t>(m_begin[v]),
                      m_store.begin() + static_cast<std::ptrdiff_t>(m_begin[v] + m_size[v]),
                      m_store.begin() + static_cast<std::ptrdiff_t>(at));
            m_begin[v] = at;
        }
        m_store[m_begin[v] + m_size[v]++] = x;
    }
    void erase(std::uint32_t v, std::uint32_t other) {
        for (Neighbour* x = begin(v); x != end(v); ++x)
            if (x->other == other) {
                *x = *(end(v) - 1);
                --m_size[v];
                return;
            }
    }

private:
    std::vector<Neighbour> m_store;
    std::vector<std::uint64_t> m_begin;
    std::vector<std::uint32_t> m_size, m_room;
};

// A node's list as a range.
struct Neighbours {
    const Neighbour* first;
    const Neighbour* last;
    const Neighbour* begin() const { return first; }
    const Neighbour* end() const { return last; }
};

// A witness search settles at most this many nodes: a larger search finds a few more
// witnesses (fewer shortcuts) but costs more than the shortcuts it saves.
constexpr std::uint32_t witness_settle_limit = 100;

// Per-thread state of the witness searches. They touch a few hundred nodes at most, so
// distances live in a small open-addressed table that stays in cache, not in arrays over all
// nodes (which would also cost every thread the graph's size in memory).
class Witness {
public:
    Witness() : m_slots(table_size) {}

    // Forgets everything. `small`: a few dozen entries at most (the two-arc checks), kept in
    // the table's first slots, which then stay in the first-level cache.
    void clear(bool small = false) {
        if (++m_stamp == 0) {
            for (auto& s : m_slots) s.stamp = 0;
            m_stamp = 1;
        }
        m_used = 0;
        m_bits = small ? small_bits : table_bits;
        m_heap.clear();
    }
    float distance(std::uint32_t node) const {
        const Slot* s = find(node);
        return s ? s->dist : no_arc;
    }
    // Lowers a node's distance; false when the table is full (the search then stops).
    bool offer(std::uint32_t node, float d, bool push) {
        Slot* s = find_or_add(node);
        if (!s) return false;
        if (d < s->dist) {
            s->dist = d;
            if (push) {
                m_heap.push_back({d, node});
                std::push_heap(m_heap.begin(), m_heap.end(), std::greater<>());
            }
        }
        return true;
    }
    void mark_target(std::uint32_t node) {
        if (Slot* s = find_or_add(node)) s->target = true;
    }

    // Forward search from `source` over the remaining graph without the nodes of the round,
    // up to `bound`, until every marked target is settled.
    void run(const Adjacency& adj, const std::vector<char>& in_round, std::uint32_t source, float bound, std::uint32_t targets) {
        offer(source, 0, true);
        std::uint32_t settled = 0;
        while (!m_heap.empty() && settled < witness_settle_limit) {
            std::pop_heap(m_heap.begin(), m_heap.end(), std::greater<>());
            const auto [d, u] = m_heap.back();
            m_heap.pop_back();
            if (d > bound) break;
            Slot* su = find(u);
            if (su->settled || d > su->dist) continue;  // a stale heap entry
            su->settled = true;
            ++settled;
            if (su->target && --targets == 0) break;
            for (const Neighbour* x = adj.begin(u); x != adj.end(u); ++x) {
                if (x->out == no_arc || in_round[x->other]) continue;
                const float dx = d + x->out;
                if (dx <= bound && !offer(x->other, dx, true)) return;
            }
        }
    }

private:
    static constexpr std::uint32_t table_bits = 12, small_bits = 7;
    static constexpr std::uint32_t table_size = 1u << table_bits;
    struct Slot {
        std::uint32_t node = 0;
        std::uint32_t stamp = 0;
        float dist = no_arc;
        bool target = false;
        bool settled = false;
    };
    std::uint32_t mask() const { return (1u << m_bits) - 1; }
    std::uint32_t hash(std::uint32_t node) const { return (node * 2654435761u) >> (32 - m_bits); }
    const Slot* find(std::uint32_t node) const {
        for (std::uint32_t i = hash(node);; i = (i + 1) & mask()) {
            const Slot& s = m_slots[i];
            if (s.stamp != m_stamp) return nullptr;
            if (s.node == node) return &s;
        }
    }
    Slot* find(std::uint32_t node) { return const_cast<Slot*>(static_cast<const Witness*>(this)->find(node)); }
    Slot* find_or_add(std::uint32_t node) {
        for (std::uint32_t i = hash(node);; i = (i + 1) & mask()) {
            Slot& s = m_slots[i];
            if (s.stamp != m_stamp) {
                if (m_used == (mask() + 1) / 2) return nullptr;
                ++m_used;
                s = Slot{node, m_stamp, no_arc, false, false};
                return &s;
            }
            if (s.node == node) return &s;
        }
    }
    std::vector<Slot> m_slots;
    std::uint32_t m_stamp = 0;
    std::uint32_t m_used = 0;
    std::uint32_t m_bits = table_bits;
    std::vector<std::pair<float, std::uint32_t>> m_heap;
};

class Contractor {
public:
    explicit Contractor(const network::Graph& g) : m_adj(g.node_count()), m_level(g.node_count(), 0), m_in_round(g.node_count(), 0) {
        const std::uint32_t n = g.node_count();
        std::vector<std::uint32_t> degree(n, 0);
        for (std::uint32_t u = 0; u < n; ++u)
            for (std::uint32_t a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
                ++degree[u];
                ++degree[g.arc[a].head];
            }
        m_adj.reserve(degree);
        for (std::uint32_t u = 0; u < n; ++u)
            for (std::uint32_t a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
                const std::uint32_t v = g.arc[a].head;
                if (v == u) continue;  // a loop never shortens a path
                add_arc(u, v, g.arc[a].time_s, 1);
            }
    }

    // The shortcuts contraction of v needs. Pairs with a witness of at most two arcs are found
    // from the neighbour lists alone (most of them on road networks); the rest are checked by
    // a bounded search from each source.
    void shortcuts_for(std::uint32_t v, Witness& w, std::vector<Shortcut>& candidates, std::vector<Shortcut>& out, bool search) const {
        two_hop_shortcuts_for(v, w, candidates);
        out.clear();
        if (!search) {
            out.swap(candidates);
            return;
        }
        for (std::size_t first = 0; first < candidates.size();) {
            const std::uint32_t u = candidates[first].from;
            std::size_t last = first;
            float bound = 0;
            w.clear();
            for (; last < candidates.size() && candidates[last].from == u; ++last) {
                bound = std::max(bound, candidates[last].time);
                w.mark_target(candidates[last].to);
            }
            w.run(m_adj, m_in_round, u, bound, static_cast<std::uint32_t>(last - first));
            for (; first < last; ++first)
                if (!(w.distance(candidates[first].to) <= candidates[first].time)) out.push_back(candidates[first]);
        }
    }

    // Twice the edge difference (arcs added less arcs removed), hops added over hops removed,
    // and the depth: contract first what adds little, evenly over the graph (of the weightings
    // tried on the synthetic 500,000-node grid, the fastest to build, with the fewest
    // shortcuts). The shortcuts are estimated with two-arc witnesses only.
    double priority(std::uint32_t v, Witness& w, std::vector<Shortcut>& scratch) const {
        two_hop_shortcuts_for(v, w, scratch);
        std::uint32_t removed = 0, removed_hops = 0;
        for (const Neighbour& x : neighbours(v)) {
            if (x.out != no_arc) {
                ++removed;
                removed_hops += x.out_hops;
            }
            if (x.in != no_arc) {
                ++removed;
                removed_hops += x.in_hops;
            }
        }
        std::uint32_t added_hops = 0;
        for (const Shortcut& s : scratch) added_hops += s.hops;
        double p = m_level[v];
        if (removed > 0) p += 2.0 * (static_cast<double>(scratch.size()) - removed) + static_cast<double>(added_hops) / removed_hops;
        return p;
    }

    // Takes v out of its neighbours' lists. Its own list stays as it is: the arcs between v
    // and higher nodes, the hierarchy's arcs of v.
    void remove(std::uint32_t v) {
        for (const Neighbour& x : neighbours(v)) {
            m_adj.erase(x.other, v);
            m_level[x.other] = std::max(m_level[x.other], m_level[v] + 1);
        }
        m_in_round[v] = 0;
    }

    void add_arc(std::uint32_t u, std::uint32_t v, float t, std::uint16_t hops) {
        auto upsert = [this](std::uint32_t node, std::uint32_t other, float out, float in, std::uint16_t h) {
            for (Neighbour* x = m_adj.begin(node); x != m_adj.end(node); ++x)
                if (x->other == other) {
                    if (out < x->out) {
                        x->out = out;
                        x->out_hops = h;
                    }
                    if (in < x->in) {
                        x->in = in;
                        x->in_hops = h;
                    }
                    return;
                }
            m_adj.push_back(node, {other, out, in, out != no_arc ? h : std::uint16_t{0}, in != no_arc ? h : std::uint16_t{0}});
        };
        upsert(u, v, t, no_arc, hops);
        upsert(v, u, no_arc, t, hops);
    }

    void set_in_round(std::uint32_t v) { m_in_round[v] = 1; }
    Neighbours neighbours(std::uint32_t v) const { return {m_adj.begin(v), m_adj.end(v)}; }
    std::uint32_t level(std::uint32_t v) const { return m_level[v]; }

private:
    // The pairs (u, w) around v without a witness u -> w or u -> y -> w avoiding the round.
    void two_hop_shortcuts_for(std::uint32_t v, Witness& w, std::vector<Shortcut>& out) const {
        out.clear();
        const Neighbours nv = neighbours(v);
        for (const Neighbour& from : nv) {
            if (from.in == no_arc) continue;
            const std::uint32_t u = from.other;
            // A table too small for u's neighbours only misses witnesses: the searches after
            // (or a shortcut too many) make up for it.
            w.clear(true);
            for (const Neighbour& x : neighbours(u))
                if (x.out != no_arc && x.other != v && !m_in_round[x.other]) w.offer(x.other, x.out, false);
            for (const Neighbour& to : nv) {
                if (to.out == no_arc || to.other == u) continue;
                const float via = from.in + to.out;
                bool witness = w.distance(to.other) <= via;
                for (const Neighbour& y : neighbours(to.other)) {  // u -> y -> w
                    if (witness) break;
                    if (y.in != no_arc && y.other != v && !m_in_round[y.other]) witness = w.distance(y.other) + y.in <= via;
                }
                if (!witness) out.push_back({u, to.other, via, add_hops(from.in_hops, to.out_hops)});
            }
        }
    }

    Adjacency m_adj;
    std::vector<std::uint32_t> m_level;
    std::vector<char> m_in_round;
};

// A fixed pseudo-random order for equal priorities, so that ties do not favour one corner.
std::uint32_t tie_break(std::uint32_t v) { return v * 2654435761u; }

}  // namespace

std::size_t Hierarchy::memory_bytes() const {
    return (position.size() + node_at.size() + up_first.size() + down_first.size()) * sizeof(std::uint32_t) +
           (up_arc.size() + down_arc.size()) * sizeof(HierarchyArc);
}

Hierarchy build_hierarchy(const network::Graph& graph, Reporter& reporter, unsigned threads) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint32_t n = graph.node_count();
    Contractor c(graph);
    struct Scratch {
        Witness witness;
        std::vector<Shortcut> candidates, shortcuts;
    };
    tbb::enumerable_thread_specific<Scratch> scratch;
    tbb::task_arena arena(threads > 0 ? static_cast<int>(threads) : tbb::task_arena::automatic);
    auto parallel = [&](std::size_t count, auto&& body) {
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 256), [&](const tbb::blocked_range<std::size_t>& r) {
                Scratch& s = scratch.local();
                for (std::size_t i = r.begin(); i != r.end(); ++i) body(i, s);
            });
        });
    };

    std::vector<double> priority(n);
    parallel(n, [&](std::size_t v, Scratch& s) { priority[v] = c.priority(static_cast<std::uint32_t>(v), s.witness, s.shortcuts); });
    auto before = [&](std::uint32_t a, std::uint32_t b) {
        return priority[a] < priority[b] ||
               (priority[a] == priority[b] && (tie_break(a) < tie_break(b) || (tie_break(a) == tie_break(b) && a < b)));
    };

    Hierarchy h;
    std::vector<std::uint32_t> remaining(n);
    std::iota(remaining.begin(), remaining.end(), 0u);
    std::vector<char> chosen(n, 0), touched(n, 0);
    std::vector<std::uint32_t> round, neighbours;
    std::vector<std::vector<Shortcut>> added;
    while (!remaining.empty()) {
        reporter.check_cancelled();
        reporter.progress(1.0 - static_cast<double>(remaining.size()) / n);
        // The round: nodes that come before every neighbour.
        parallel(remaining.size(), [&](std::size_t i, Scratch&) {
            const std::uint32_t v = remaining[i];
            bool smallest = true;
            for (const auto& x : c.neighbours(v))
                if (!before(v, x.other)) {
                    smallest = false;
                    break;
                }
            chosen[v] = smallest;
        });
        round.clear();
        for (const std::uint32_t v : remaining)
            if (chosen[v]) {
                round.push_back(v);
                c.set_in_round(v);
            }
        added.resize(round.size());
        parallel(round.size(), [&](std::size_t i, Scratch& s) { c.shortcuts_for(round[i], s.witness, s.candidates, added[i], true); });
        neighbours.clear();
        for (std::size_t i = 0; i < round.size(); ++i) {
            const std::uint32_t v = round[i];
            c.remove(v);
            for (const Shortcut& sc : added[i]) c.add_arc(sc.from, sc.to, sc.time, sc.hops);
            h.shortcut_count += added[i].size();
            for (const auto& x : c.neighbours(v))
                if (!touched[x.other]) {
                    touched[x.other] = 1;
                    neighbours.push_back(x.other);
                }
        }
        parallel(neighbours.size(),
                 [&](std::size_t i, Scratch& s) { priority[neighbours[i]] = c.priority(neighbours[i], s.witness, s.shortcuts); });
        for (const std::uint32_t x : neighbours) touched[x] = 0;
        remaining.erase(std::remove_if(remaining.begin(), remaining.end(), [&](std::uint32_t v) { return chosen[v] != 0; }),
                        remaining.end());
    }

    // Sweep positions: highest level first; within a level, the graph's node order.
    h.node_at.resize(n);
    std::iota(h.node_at.begin(), h.node_at.end(), 0u);
    std::stable_sort(h.node_at.begin(), h.node_at.end(), [&](std::uint32_t a, std::uint32_t b) { return c.level(a) > c.level(b); });
    h.position.resize(n);
    for (std::uint32_t p = 0; p < n; ++p) h.position[h.node_at[p]] = p;
    h.level_count = n > 0 ? c.level(h.node_at[0]) + 1 : 0;

    h.up_first.assign(n + 1, 0);
    h.down_first.assign(n + 1, 0);
    for (std::uint32_t p = 0; p < n; ++p) {
        for (const auto& x : c.neighbours(h.node_at[p])) {
            if (x.out != no_arc) h.up_arc.push_back({h.position[x.other], x.out});
            if (x.in != no_arc) h.down_arc.push_back({h.position[x.other], x.in});
        }
        h.up_first[p + 1] = static_cast<std::uint32_t>(h.up_arc.size());
        h.down_first[p + 1] = static_cast<std::uint32_t>(h.down_arc.size());
        // The sweep reads the tails of a position's arcs in memory order.
        std::sort(h.down_arc.begin() + h.down_first[p], h.down_arc.end(),
                  [](const HierarchyArc& a, const HierarchyArc& b) { return a.other < b.other; });
    }
    h.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    reporter.progress(1.0);
    return h;
}

const Hierarchy& HierarchyCache::get(Reporter& reporter, unsigned threads) {
    if (const Hierarchy* ready = m_ready.load(std::memory_order_acquire)) return *ready;
    // A build is parallel already: a second caller waits for it rather than repeat it.
    std::lock_guard<std::mutex> lock(m_building);
    if (!m_hierarchy) {
        m_hierarchy = std::make_unique<const Hierarchy>(build_hierarchy(*m_graph, reporter, threads));
        m_ready.store(m_hierarchy.get(), std::memory_order_release);
    }
    return *m_hierarchy;
}

void HierarchyCache::adopt(Hierarchy hierarchy) {
    if (hierarchy.node_count() != m_graph->node_count())
        throw InternalError("a contraction hierarchy of " + std::to_string(hierarchy.node_count()) + " nodes given for a graph of " +
                            std::to_string(m_graph->node_count()));
    std::lock_guard<std::mutex> lock(m_building);
    if (m_hierarchy) throw InternalError("a contraction hierarchy given to a cache that holds one already");
    m_hierarchy = std::make_unique<const Hierarchy>(std::move(hierarchy));
    m_ready.store(m_hierarchy.get(), std::memory_order_release);
}

}  // namespace accessatlas::routing
