#include <accessatlas/routing/dijkstra.hpp>

#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>

namespace accessatlas::routing {

namespace {

// The bucket sweeps' relaxation, one rule for the one-thread and the parallel sweep: a label
// (t, tag, len) replaces v's when it comes first; v is queued again unless it already waits
// in the same bucket. `clean` stamps a label scanned in this search, `marked` one changed
// since it was last scanned.
template <class Label, class BucketOf, class Queue>
void relax(Label& lv, std::uint32_t v, double t, std::uint32_t tag, double len, std::uint32_t clean, std::uint32_t marked,
           std::uint32_t dirty, BucketOf&& bucket_of, Queue&& queue) {
    const bool seen = (lv.stamp & ~dirty) == clean;
    if (seen && !label_before(t, tag, len, lv.time, lv.tag, lv.length)) return;
    const bool was_marked = lv.stamp == marked;
    const std::size_t old_bucket = seen ? bucket_of(lv.time) : static_cast<std::size_t>(-1);
    lv = {t, len, tag, marked};
    if (!was_marked || bucket_of(t) != old_bucket) queue(v);
}

}  // namespace

MinIdHeap::MinIdHeap(std::uint32_t id_count) { resize(id_count); }

void MinIdHeap::resize(std::uint32_t id_count) {
    m_heap.resize(id_count);
    m_position.assign(id_count, npos);
    m_size = 0;
}

void MinIdHeap::clear() {
    for (std::uint32_t i = 0; i < m_size; ++i) m_position[m_heap[i].id] = npos;
    m_size = 0;
}

void MinIdHeap::push(std::uint32_t id, double key) {
    m_heap[m_size] = {key, id};
    m_position[id] = m_size;
    sift_up(m_size++);
}

void MinIdHeap::decrease_key(std::uint32_t id, double key) {
    const std::uint32_t pos = m_position[id];
    m_heap[pos].key = key;
    sift_up(pos);
}

void MinIdHeap::change_key(std::uint32_t id, double key) {
    const std::uint32_t pos = m_position[id];
    const double old = m_heap[pos].key;
    m_heap[pos].key = key;
    if (key < old)
        sift_up(pos);
    else
        sift_down(pos);
}

std::uint32_t MinIdHeap::pop() {
    const std::uint32_t id = m_heap[0].id;
    m_position[id] = npos;
    if (--m_size > 0) {
        m_heap[0] = m_heap[m_size];
        m_position[m_heap[0].id] = 0;
        sift_down(0);
    }
    return id;
}

void MinIdHeap::sift_up(std::uint32_t pos) {
    const Entry e = m_heap[pos];
    while (pos > 0) {
        const std::uint32_t parent = (pos - 1) / 4;
        if (!(e.key < m_heap[parent].key)) break;
        m_heap[pos] = m_heap[parent];
        m_position[m_heap[pos].id] = pos;
        pos = parent;
    }
    m_heap[pos] = e;
    m_position[e.id] = pos;
}

void MinIdHeap::sift_down(std::uint32_t pos) {
    const Entry e = m_heap[pos];
    for (;;) {
        const std::uint32_t first = 4 * pos + 1;
        if (first >= m_size) break;
        const std::uint32_t last = first + 4 < m_size ? first + 4 : m_size;
        std::uint32_t best = first;
        for (std::uint32_t c = first + 1; c < last; ++c)
            if (m_heap[c].key < m_heap[best].key) best = c;
        if (!(m_heap[best].key < e.key)) break;
        m_heap[pos] = m_heap[best];
        m_position[m_heap[pos].id] = pos;
        pos = best;
    }
    m_heap[pos] = e;
    m_position[e.id] = pos;
}

Dijkstra::Dijkstra(const network::Graph& graph)
    : m_graph(graph), m_label(graph.node_count(), Label{0, 0, 0, 0}), m_heap(graph.node_count()) {
    double sum = 0;
    for (const auto& a : graph.arc) sum += a.time_s;
    if (!graph.arc.empty() && sum > 0) m_mean_arc_time = sum / static_cast<double>(graph.arc.size());
}

void Dijkstra::reset() {
    m_heap.clear();
    if (++m_current == 0) {  // the stamp wrapped: clear once every 2^32 searches
        for (auto& l : m_label) l.stamp = 0;
        m_current = 1;
    }
    m_settled = 0;
}

inline bool Dijkstra::improve(std::uint32_t v, double t, double len, std::uint32_t tag) {
    Label& l = m_label[v];
    if (l.stamp == m_current) {
        if (!label_before(t, tag, len, l.time, l.tag, l.length)) return false;
        if (!m_heap.contains(v)) return false;  // already settled
        const bool sooner = t < l.time;
        l = {t, len, tag, m_current};
        if (sooner) m_heap.decrease_key(v, t);
        return true;
    }
    l = {t, len, tag, m_current};
    m_heap.push(v, t);
    return true;
}

void Dijkstra::add_source(std::uint32_t node, double time_s, double length_m, std::uint32_t tag) { improve(node, time_s, length_m, tag); }

std::uint32_t Dijkstra::settle_next() {
    const std::uint32_t u = m_heap.pop();
    ++m_settled;
    const Label lu_label = m_label[u];
    const double tu = lu_label.time;
    const double lu = lu_label.length;
    const std::uint32_t tag = lu_label.tag;
    // A local pointer: the compiler cannot prove the label writes leave the graph alone.
    const network::Arc* arcs = m_graph.arc.data();
    for (std::uint32_t a = m_graph.first_out[u], end = m_graph.first_out[u + 1]; a < end; ++a)
        improve(arcs[a].head, tu + arcs[a].time_s, lu + arcs[a].length_m, tag);
    return u;
}

void Dijkstra::settle_all_impl(void (*check)(void*), void* context, double bucket_s) {
    const double width = bucket_s > 0 ? bucket_s : m_mean_arc_time;
    for (auto& b : m_buckets) b.clear();
    // A node is queued at most once per bucket pass: the top stamp bit marks "label changed
    // since last scanned".
    constexpr std::uint32_t dirty = 0x80000000u;
    auto bucket_of = [width](double t) { return static_cast<std::size_t>(t / width); };
    auto queue = [&](std::uint32_t v) {
        const std::size_t k = bucket_of(m_label[v].time);
        if (k >= m_buckets.size()) m_buckets.resize(k + 1);
        m_buckets[k].push_back(v);
    };
    while (!m_heap.empty()) {  // the sources
        const std::uint32_t v = m_heap.pop();
        m_label[v].stamp = m_current | dirty;
        queue(v);
    }
    const std::uint32_t clean = m_current, marked = m_current | dirty;
    const network::Arc* arcs = m_graph.arc.data();
    const std::uint32_t* first_out = m_graph.first_out.data();
    std::vector<std::uint32_t> current;
    for (std::size_t k = 0; k < m_buckets.size(); ++k) {
        check(context);
        while (!m_buckets[k].empty()) {
            current.swap(m_buckets[k]);
            m_buckets[k].clear();
            std::sort(current.begin(), current.end());
            for (const std::uint32_t u : current) {
                Label& lu = m_label[u];
                if (lu.stamp != marked) continue;  // already scanned with this label
                lu.stamp = clean;
                ++m_settled;
                const double tu = lu.time, len = lu.length;
                const std::uint32_t tag = lu.tag;
                for (std::uint32_t a = first_out[u], end = first_out[u + 1]; a < end; ++a) {
                    const std::uint32_t v = arcs[a].head;
                    relax(m_label[v], v, tu + arcs[a].time_s, tag, len + arcs[a].length_m, clean, marked, dirty, bucket_of, queue);
                }
            }
            current.clear();
        }
    }
    for (auto& b : m_buckets) b.clear();
}

void Dijkstra::settle_all_parallel(void (*check)(void*), void* context, double bucket_s, unsigned threads) {
    const double width = bucket_s > 0 ? bucket_s : m_mean_arc_time;
    const std::uint32_t n = m_graph.node_count();
    const unsigned parts = threads;
    std::vector<std::uint32_t> bound(parts + 1);
    for (unsigned i = 0; i <= parts; ++i) bound[i] = static_cast<std::uint32_t>(std::uint64_t{n} * i / parts);
    auto owner_of = [&](std::uint32_t v) {
        unsigned i = static_cast<unsigned>(std::uint64_t{v} * parts / n);
        while (v < bound[i]) --i;
        while (v >= bound[i + 1]) ++i;
        return i;
    };
    // A relaxation into another part's range, applied by that part's owner.
    struct Offer {
        std::uint32_t node, tag;
        double time, length;
    };
    struct Part {
        std::vector<std::vector<std::uint32_t>> buckets;
        std::vector<std::uint32_t> current;
        std::vector<std::vector<Offer>> outbox;
        std::uint64_t settled = 0;
    };
    std::vector<Part> part(parts);
    for (auto& p : part) p.outbox.resize(parts);
    constexpr std::uint32_t dirty = 0x80000000u;
    const std::uint32_t clean = m_current, marked = m_current | dirty;
    auto bucket_of = [width](double t) { return static_cast<std::size_t>(t / width); };
    auto queue = [&](Part& p, std::uint32_t v) {
        const std::size_t k = bucket_of(m_label[v].time);
        if (k >= p.buckets.size()) p.buckets.resize(k + 1);
        p.buckets[k].push_back(v);
    };
    // A label offered to v by its owner: the same rule as the one-thread sweep.
    auto offer = [&](Part& p, std::uint32_t v, double t, std::uint32_t tag, double len) {
        relax(m_label[v], v, t, tag, len, clean, marked, dirty, bucket_of, [&](std::uint32_t w) { queue(p, w); });
    };
    while (!m_heap.empty()) {  // the sources
        const std::uint32_t v = m_heap.pop();
        m_label[v].stamp = marked;
        queue(part[owner_of(v)], v);
    }
    const network::Arc* arcs = m_graph.arc.data();
    const std::uint32_t* first_out = m_graph.first_out.data();
    // More parts than processors is allowed (the result is the same); the arena is not larger.
    tbb::task_arena arena(std::min(static_cast<int>(threads), tbb::info::default_concurrency()));
    auto each_part = [&](auto&& body) { arena.execute([&] { tbb::parallel_for(0u, parts, [&](unsigned i) { body(i, part[i]); }); }); };
    for (std::size_t k = 0;; ++k) {
        // The next bucket any part holds.
        std::size_t next = static_cast<std::size_t>(-1);
        for (const auto& p : part)
            for (std::size_t b = k; b < p.buckets.size() && b < next; ++b)
                if (!p.buckets[b].empty()) {
                    next = b;
                    break;
                }
        if (next == static_cast<std::size_t>(-1)) break;
        k = next;
        check(context);
        for (;;) {
            each_part([&](unsigned self, Part& p) {
                if (k >= p.buckets.size()) return;
                p.current.swap(p.buckets[k]);
                p.buckets[k].clear();
                std::sort(p.current.begin(), p.current.end());
                const std::size_t count = p.current.size();
                for (std::size_t i = 0; i < count; ++i) {
                    // Staged prefetches: the label and offsets well ahead, the arcs nearer.
                    if (i + 16 < count) {
                        __builtin_prefetch(&m_label[p.current[i + 16]]);
                        __builtin_prefetch(&first_out[p.current[i + 16]]);
                    }
                    if (i + 8 < count) __builtin_prefetch(&arcs[first_out[p.current[i + 8]]]);
                    const std::uint32_t u = p.current[i];
                    Label& lu = m_label[u];
                    if (lu.stamp != marked) continue;  // already scanned with this label
                    lu.stamp = clean;
                    ++p.settled;
                    const double tu = lu.time, len = lu.length;
                    const std::uint32_t tag = lu.tag;
                    for (std::uint32_t a = first_out[u], end = first_out[u + 1]; a < end; ++a) {
                        const std::uint32_t v = arcs[a].head;
                        const double t = tu + arcs[a].time_s, lv = len + arcs[a].length_m;
                        if (v >= bound[self] && v < bound[self + 1])
                            offer(p, v, t, tag, lv);
                        else
                            p.outbox[owner_of(v)].push_back({v, tag, t, lv});
                    }
                }
                p.current.clear();
            });
            each_part([&](unsigned self, Part& p) {
                for (auto& from : part)
                    for (const Offer& o : from.outbox[self]) offer(p, o.node, o.time, o.tag, o.length);
            });
            bool more = false;
            for (auto& p : part) {
                for (auto& box : p.outbox) box.clear();
                more = more || (k < p.buckets.size() && !p.buckets[k].empty());
            }
            if (!more) break;
        }
    }
    for (const auto& p : part) m_settled += p.settled;
}

void Dijkstra::run_until(double limit_s) {
    while (!m_heap.empty() && m_heap.peek_key() <= limit_s) settle_next();
}

}  // namespace accessatlas::routing
