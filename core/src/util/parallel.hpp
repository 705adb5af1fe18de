// Parallel loops that report one progress and honour Cancel from the driving thread: the two
// shapes every per-facility and per-origin stage takes.
#pragma once

#include <accessatlas/reporter.hpp>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>

namespace accessatlas::detail {

inline unsigned thread_count(unsigned requested) {
    return requested > 0 ? requested : static_cast<unsigned>(tbb::this_task_arena::max_concurrency());
}

// Runs body(index) for [0, n) on the job's threads, in chunks between which the driver
// reports progress and polls Cancel (many cheap items: origins).
template <class Body>
void parallel_chunks(std::size_t n, unsigned threads, Reporter& reporter, Body&& body) {
    tbb::task_arena arena(static_cast<int>(thread_count(threads)));
    const std::size_t chunk = std::max<std::size_t>(64, n / 50);
    for (std::size_t begin = 0; begin < n; begin += chunk) {
        reporter.check_cancelled();
        reporter.progress(double(begin) / double(n));
        const std::size_t end = std::min(n, begin + chunk);
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end), [&](const tbb::blocked_range<std::size_t>& r) {
                for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
            });
        });
    }
    reporter.progress(1.0);
}

// As parallel_chunks for few slow items (a facility's searches or polygons): one parallel loop
// balanced item by item (chunks would leave threads idle at every chunk's end), in which the
// driving thread, between its own items, reports how many are done and turns Cancel into a stop.
template <class Body>
void parallel_slow_items(std::size_t n, unsigned threads, Reporter& reporter, Body&& body) {
    tbb::task_arena arena(static_cast<int>(thread_count(threads)));
    const auto driver = std::this_thread::get_id();
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    reporter.progress(0);
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t>& r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                if (stop.load(std::memory_order_relaxed)) return;
                body(i);
                done.fetch_add(1, std::memory_order_relaxed);
                if (std::this_thread::get_id() == driver) {
                    reporter.progress(double(done.load(std::memory_order_relaxed)) / double(n));
                    if (reporter.cancelled()) stop = true;
                }
            }
        });
    });
    reporter.check_cancelled();
    reporter.progress(1.0);
}

}  // namespace accessatlas::detail
