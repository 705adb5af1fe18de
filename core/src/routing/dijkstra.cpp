#include <accessatlas/routing.hpp>

namespace accessatlas::routing {

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
    : m_graph(graph),
      m_label(graph.node_count(), Label{0, 0, 0, 0}),
      m_heap(graph.node_count()) {}

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
        if (t > l.time || (t == l.time && tag >= l.tag)) return false;
        if (!m_heap.contains(v)) return false;  // already settled
        l = {t, len, tag, m_current};
        m_heap.decrease_key(v, t);
        return true;
    }
    l = {t, len, tag, m_current};
    m_heap.push(v, t);
    return true;
}

void Dijkstra::add_source(std::uint32_t node, double time_s, double length_m, std::uint32_t tag) {
    improve(node, time_s, length_m, tag);
}

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

void Dijkstra::run_until(double limit_s) {
    while (!m_heap.empty() && m_heap.peek_key() <= limit_s) settle_next();
}

} // namespace accessatlas::routing
