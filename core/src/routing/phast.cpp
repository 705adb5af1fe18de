// PHAST: upward searches from each slot's seeds, then one downward sweep for all slots.
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/routing/dijkstra.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace accessatlas::routing {

namespace {

// Phast::width floats (16: one cache line), the unit the sweep reads and writes, as 8-wide
// vectors (one AVX2 register each; the compiler splits them for older processors). 32 wide
// was tried: 15% slower on the 2 M-node synthetic network, its label array twice the size.
typedef float Eight __attribute__((vector_size(32)));
constexpr unsigned parts = Phast::width / 8;
struct alignas(64) Times {
    Eight part[parts];
};
static_assert(sizeof(Times) == Phast::width * sizeof(float));

struct Seed {
    std::uint32_t position;
    std::uint32_t slot;
    float time;
};

// The sweep in position order: every tail is at a smaller position, so it is final when read.
// Labels are written before they are read within the sweep, so none need clearing between
// batches. Built twice: for AVX2 and for the base x86-64.
__attribute__((target_clones("avx2", "default"))) void sweep(const std::uint32_t* down_first, const HierarchyArc* down_arc, std::uint32_t n,
                                                             const Seed* seeds, std::size_t seed_count, float* labels) {
    Times* label = reinterpret_cast<Times*>(labels);
    const HierarchyArc* arc_end = down_arc + down_first[n];
    // The tails a few dozen arcs ahead are fetched early: the sweep waits on memory otherwise.
    constexpr std::ptrdiff_t prefetch_distance = 32;
    Eight none;
    for (unsigned i = 0; i < 8; ++i) none[i] = Phast::unreached;
    std::size_t s = 0;
    const HierarchyArc* a = down_arc;
    for (std::uint32_t p = 0; p < n; ++p) {
        Times best;
        for (unsigned k = 0; k < parts; ++k) best.part[k] = none;
        for (const HierarchyArc* end = down_arc + down_first[p + 1]; a != end; ++a) {
            if (a + prefetch_distance < arc_end) __builtin_prefetch(label + a[prefetch_distance].other);
            const Times& tail = label[a->other];
            for (unsigned k = 0; k < parts; ++k) {
                const Eight t = tail.part[k] + a->time_s;
                best.part[k] = t < best.part[k] ? t : best.part[k];
            }
        }
        label[p] = best;
        for (; s < seed_count && seeds[s].position == p; ++s) {
            float& t = labels[std::size_t{p} * Phast::width + seeds[s].slot];
            t = std::min(t, seeds[s].time);
        }
    }
}

// The same over a subset of positions (ascending), closed under "tail of a downward arc":
// positions outside it keep whatever they held.
__attribute__((target_clones("avx2", "default"))) void sweep_some(const std::uint32_t* down_first, const HierarchyArc* down_arc,
                                                                  const std::uint32_t* positions, std::size_t count, const Seed* seeds,
                                                                  std::size_t seed_count, float* labels) {
    Times* label = reinterpret_cast<Times*>(labels);
    constexpr std::size_t prefetch_distance = 8;  // positions ahead
    Eight none;
    for (unsigned i = 0; i < 8; ++i) none[i] = Phast::unreached;
    std::size_t s = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (i + prefetch_distance < count) {
            const std::uint32_t q = positions[i + prefetch_distance];
            for (std::uint32_t k = down_first[q]; k < down_first[q + 1]; ++k) __builtin_prefetch(label + down_arc[k].other);
        }
        const std::uint32_t p = positions[i];
        Times best;
        for (unsigned k = 0; k < parts; ++k) best.part[k] = none;
        for (const HierarchyArc *a = down_arc + down_first[p], *end = down_arc + down_first[p + 1]; a != end; ++a) {
            const Times& tail = label[a->other];
            for (unsigned k = 0; k < parts; ++k) {
                const Eight t = tail.part[k] + a->time_s;
                best.part[k] = t < best.part[k] ? t : best.part[k];
            }
        }
        label[p] = best;
        for (; s < seed_count && seeds[s].position < p; ++s) {}
        for (; s < seed_count && seeds[s].position == p; ++s) {
            float& t = labels[std::size_t{p} * Phast::width + seeds[s].slot];
            t = std::min(t, seeds[s].time);
        }
    }
}

struct AlignedFree {
    void operator()(float* p) const { std::free(p); }
};

}  // namespace

struct Phast::Impl {
    std::unique_ptr<float[], AlignedFree> labels;
    std::vector<Seed> seeds;
    // Upward search, over positions.
    MinIdHeap heap;
    std::vector<float> dist;
    std::vector<std::uint32_t> stamp;
    std::uint32_t current = 0;
    std::vector<std::pair<std::uint32_t, float>> sources[Phast::width];
    // Restriction (RPHAST): the positions swept, ascending; empty = all.
    std::vector<std::uint32_t> positions;
    std::vector<std::uint64_t> marked;  // a bit per position: small enough to stay in cache
};

Phast::Phast(const Hierarchy& hierarchy) : m_hierarchy(hierarchy), m_impl(std::make_unique<Impl>()) {
    const std::size_t n = hierarchy.node_count();
    const std::size_t bytes = std::max<std::size_t>(64, n * sizeof(Times));
    auto* p = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!p) throw std::bad_alloc();
    m_impl->labels.reset(p);
    m_impl->heap.resize(static_cast<std::uint32_t>(n));
    m_impl->dist.assign(n, unreached);
    m_impl->stamp.assign(n, 0);
    m_impl->marked.assign(n / 64 + 1, 0);
}

Phast::~Phast() = default;
Phast::Phast(Phast&&) noexcept = default;

void Phast::clear() {
    for (auto& s : m_impl->sources) s.clear();
    m_upward_settled = 0;
}

void Phast::add_source(unsigned slot, std::uint32_t node, float time_s) {
    m_impl->sources[slot].push_back({m_hierarchy.position[node], time_s});
}

void Phast::restrict_to(const std::uint32_t* targets, std::size_t count) {
    Impl& m = *m_impl;
    const Hierarchy& h = m_hierarchy;
    std::uint64_t* marked = m.marked.data();
    auto mark = [marked](std::uint32_t p) { marked[p >> 6] |= std::uint64_t{1} << (p & 63); };
    for (std::size_t i = 0; i < count; ++i) mark(targets[i]);
    // Every tail of a marked position's downward arcs is marked too: tails have smaller
    // positions, so one pass downwards, word by word, closes the set.
    m.positions.clear();
    for (std::size_t word = m.marked.size(); word-- > 0;) {
        while (marked[word] != 0) {
            const unsigned bit = 63 - static_cast<unsigned>(__builtin_clzll(marked[word]));
            marked[word] &= ~(std::uint64_t{1} << bit);
            const auto p = static_cast<std::uint32_t>(word * 64 + bit);
            m.positions.push_back(p);
            for (std::uint32_t a = h.down_first[p]; a < h.down_first[p + 1]; ++a) mark(h.down_arc[a].other);
        }
    }
    std::reverse(m.positions.begin(), m.positions.end());
    // Most of the graph: the plain sweep, which reads memory in order, is faster.
    m_restricted = m.positions.size() < h.node_count() / 4 * 3;
}

void Phast::restrict_to_all() {
    m_impl->positions.clear();
    m_restricted = false;
}

std::size_t Phast::swept_count() const { return m_restricted ? m_impl->positions.size() : m_hierarchy.node_count(); }

const float* Phast::times_at(std::uint32_t position) const { return m_impl->labels.get() + std::size_t{position} * width; }

void Phast::run(float limit_s) {
    Impl& m = *m_impl;
    const Hierarchy& h = m_hierarchy;
    m.seeds.clear();
    for (unsigned slot = 0; slot < width; ++slot) {
        if (m.sources[slot].empty()) continue;
        // Upward search: every node above the seeds, with its time, up to the limit.
        m.heap.clear();
        if (++m.current == 0) {
            std::fill(m.stamp.begin(), m.stamp.end(), 0);
            m.current = 1;
        }
        for (const auto& [p, t] : m.sources[slot]) {
            if (!(t <= limit_s)) continue;
            if (m.stamp[p] != m.current) {
                m.stamp[p] = m.current;
                m.dist[p] = t;
                m.heap.push(p, t);
            } else if (t < m.dist[p]) {
                m.dist[p] = t;
                m.heap.decrease_key(p, t);
            }
        }
        while (!m.heap.empty()) {
            const std::uint32_t u = m.heap.pop();
            const float du = m.dist[u];
            m.seeds.push_back({u, slot, du});
            ++m_upward_settled;
            for (std::uint32_t a = h.up_first[u]; a < h.up_first[u + 1]; ++a) {
                const std::uint32_t v = h.up_arc[a].other;
                const float d = du + h.up_arc[a].time_s;
                if (!(d <= limit_s)) continue;
                if (m.stamp[v] != m.current) {
                    m.stamp[v] = m.current;
                    m.dist[v] = d;
                    m.heap.push(v, d);
                } else if (d < m.dist[v] && m.heap.contains(v)) {
                    m.dist[v] = d;
                    m.heap.decrease_key(v, d);
                }
            }
        }
    }
    std::sort(m.seeds.begin(), m.seeds.end(), [](const Seed& a, const Seed& b) { return a.position < b.position; });
    if (m_restricted)
        sweep_some(h.down_first.data(), h.down_arc.data(), m.positions.data(), m.positions.size(), m.seeds.data(), m.seeds.size(),
                   m.labels.get());
    else
        sweep(h.down_first.data(), h.down_arc.data(), h.node_count(), m.seeds.data(), m.seeds.size(), m.labels.get());
}

}  // namespace accessatlas::routing
