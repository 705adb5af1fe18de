// Brute force: on many random small timetables over random street grids, every origin's time
// at every departure minute equals a plain time-dependent Dijkstra's over street nodes and
// on-board states (walk, board when the vehicle leaves, ride, alight then change), exactly up
// to the single-precision walking times the street searches keep.
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include "support/test_network.hpp"

#include <gtest/gtest.h>

#include <queue>
#include <random>

using namespace accessatlas;
using namespace accessatlas::transit;

namespace {

struct Case {
    network::RoadNetwork net;
    network::ModeGraph walk;
    Timetable tt;
    std::vector<std::uint32_t> stop_node, origin_node, facility_node;
    double change_s = 0;
};

Case make_case(std::uint32_t seed) {
    std::mt19937 rng(seed);
    Case c;
    c.net = test::grid_network(5 + seed % 3, seed, 0.0, 0.0);
    c.walk = network::build_mode_graph(c.net, test::uniform_profile(network::Mode::walk, 1.2, false));  // 5 min a block: the buses matter
    const auto nodes = static_cast<std::uint32_t>(c.net.node_count());
    std::uniform_int_distribution<std::uint32_t> node(0, nodes - 1);
    const std::uint32_t n_stops = 6 + seed % 5;
    for (std::uint32_t s = 0; s < n_stops; ++s) {
        c.stop_node.push_back(node(rng));
        Stop st;
        st.id = "s" + std::to_string(s);
        st.location = c.net.nodes[c.stop_node.back()];
        st.located = true;
        c.tt.stops.push_back(st);
    }
    for (int i = 0; i < 6; ++i) c.origin_node.push_back(node(rng));
    for (int i = 0; i < 1 + int(seed % 3); ++i) c.facility_node.push_back(node(rng));
    std::uniform_int_distribution<int> start(6 * 120 + 100, 7 * 120 + 80);  // half minutes, 06:50-07:40
    std::uniform_int_distribution<int> hop(2, 10), dwell(0, 1), length(2, 5), trips(2, 6);
    std::bernoulli_distribution rare(0.1);
    const int routes = 3 + int(seed % 4);
    c.tt.routes.resize(static_cast<std::size_t>(routes));
    for (int r = 0; r < routes; ++r) {
        std::vector<std::uint32_t> seq;
        const int n = length(rng);
        while (int(seq.size()) < n) {
            const auto s = std::uniform_int_distribution<std::uint32_t>(0, n_stops - 1)(rng);
            if (std::find(seq.begin(), seq.end(), s) == seq.end()) seq.push_back(s);
        }
        std::vector<int> hops;
        for (int i = 0; i + 1 < n; ++i) hops.push_back(hop(rng) * 30);
        const int k = trips(rng);
        for (int t = 0; t < k; ++t) {
            int clock = start(rng) * 30;
            std::vector<StopEvent> ev;
            for (int i = 0; i < n; ++i) {
                StopEvent e;
                e.stop = seq[static_cast<std::size_t>(i)];
                e.arrival = clock;
                e.departure = clock + dwell(rng) * 30;
                e.pickup = !rare(rng);
                e.drop_off = !rare(rng);
                ev.push_back(e);
                if (i + 1 < n) clock = e.departure + hops[static_cast<std::size_t>(i)] + (rare(rng) ? 90 : 0);  // some overtake
            }
            c.tt.add_trip(static_cast<std::uint32_t>(r), "r" + std::to_string(r) + "t" + std::to_string(t), ev);
        }
    }
    c.change_s = seed % 2 == 0 ? 0.0 : 60.0;
    return c;
}

// Earliest arrival at any of `targets` leaving `origin` at t0: Dijkstra over street nodes and
// on-board states, times absolute.
double reference(const Case& c, std::uint32_t origin, double t0, const std::vector<std::uint32_t>& targets) {
    const std::uint32_t n = static_cast<std::uint32_t>(c.net.node_count());
    const std::uint32_t n_events = static_cast<std::uint32_t>(c.tt.events.size());
    std::vector<double> label(n + n_events, never);
    std::vector<std::uint32_t> trip_of(n_events), last_of(n_events);
    for (std::uint32_t t = 0; t < c.tt.trips.size(); ++t)
        for (std::uint32_t i = 0; i < c.tt.trips[t].event_count; ++i) {
            trip_of[c.tt.trips[t].first_event + i] = t;
            last_of[c.tt.trips[t].first_event + i] = c.tt.trips[t].first_event + c.tt.trips[t].event_count - 1;
        }
    // Walking time from each node to the nearest target (for alighting).
    routing::Dijkstra to_target(c.walk.backward);
    to_target.reset();
    for (auto f : targets) to_target.add_source(f, 0, 0, 0);
    to_target.run_until(never);
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    auto push = [&](std::uint32_t v, double t) {
        if (t < label[v]) {
            label[v] = t;
            heap.push({t, v});
        }
    };
    push(origin, t0);
    double best = never;
    while (!heap.empty()) {
        const auto [t, v] = heap.top();
        heap.pop();
        if (t > label[v]) continue;
        if (v < n) {
            best = std::min(best, t + to_target.time(v));  // walk on to a target
            const auto& g = c.walk.forward;
            for (std::uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) push(g.arc[a].head, t + g.arc[a].time_s);
            for (std::uint32_t e = 0; e < n_events; ++e)
                if (c.stop_node[c.tt.events[e].stop] == v && c.tt.events[e].pickup && c.tt.events[e].departure >= t && e != last_of[e])
                    push(n + e, c.tt.events[e].departure);
        } else {
            const std::uint32_t e = v - n;
            if (e == last_of[e]) continue;
            const auto& next = c.tt.events[e + 1];
            // Ride to the next stop: alight there (egress at once, or change and go on), or stay.
            if (next.drop_off) {
                const std::uint32_t node = c.stop_node[next.stop];
                best = std::min(best, next.arrival + to_target.time(node));
                push(node, next.arrival + c.change_s);
            }
            if (e + 1 != last_of[e]) push(n + e + 1, next.departure);
        }
    }
    return best;
}

std::vector<snapping::Snap> snaps_at(const Case& c, const snapping::EdgeIndex& index, const std::vector<std::uint32_t>& nodes) {
    std::vector<snapping::Snap> out;
    for (auto v : nodes) out.push_back(index.snap(c.net.nodes[v], 1));
    return out;
}

}  // namespace

TEST(TransitBruteForce, EveryOriginAndMinuteEqualsTimeDependentDijkstra) {
    test::NullReporter quiet;
    std::size_t compared = 0, by_transit = 0;
    for (std::uint32_t seed = 1; seed <= 60; ++seed) {
        const Case c = make_case(seed);
        const snapping::EdgeIndex index(c.net, c.walk, false);
        auto stop_snaps = snaps_at(c, index, c.stop_node);
        const auto origin_snaps = snaps_at(c, index, c.origin_node);
        const auto facility_snaps = snaps_at(c, index, c.facility_node);
        WindowOptions w;
        w.start_s = 7 * 3600;
        w.end_s = 7 * 3600 + 30 * 60;
        w.max_time_s = w.max_walk_s = w.max_transfer_walk_s = 1e7;
        w.change_s = c.change_s;
        w.threads = 1;
        const auto tn = prepare_transit(c.net, c.walk, c.tt, stop_snaps, origin_snaps, w, quiet);
        const auto np = nearest_profiles(c.net, c.walk, tn, facility_snaps, origin_snaps, w, quiet);
        access::NearestOptions no;
        no.count_within_thresholds = false;
        const auto nearest = transit_nearest(c.net, c.walk, tn, facility_snaps, origin_snaps, no, w, quiet);
        for (std::uint32_t o = 0; o < c.origin_node.size(); ++o) {
            std::vector<double> minutes;
            const auto stats = window_stats(tn, np.profiles, o, np.walk_only.time_s[o], np.walk_only.facility[o], w, &minutes);
            const auto departures = w.departures();
            double sum = 0;
            for (std::size_t m = 0; m < departures.size(); ++m) {
                const double expect = reference(c, c.origin_node[o], departures[m], c.facility_node) - departures[m];
                ASSERT_NEAR(minutes[m], expect, 0.01) << "seed " << seed << " origin " << o << " minute " << m;
                sum += expect;
                ++compared;
                if (expect < np.walk_only.time_s[o] - 0.01) ++by_transit;
            }
            EXPECT_NEAR(nearest.time_s[o], sum / double(departures.size()), 0.01);
            EXPECT_LE(nearest.p25_s[o], nearest.p50_s[o]);
            EXPECT_LE(nearest.p50_s[o], nearest.p75_s[o]);
            EXPECT_LE(nearest.best_s[o], nearest.p25_s[o]);
            EXPECT_LE(stats.mean, np.walk_only.time_s[o] + 1e-9);  // never worse than walking
        }
        // Per facility: the median over the window equals the reference to that facility alone.
        const auto reach = transit_reach(c.net, c.walk, tn, facility_snaps, origin_snaps, 1e7, Statistic::percentile, w, quiet);
        for (std::uint32_t f = 0; f < c.facility_node.size(); ++f) {
            std::vector<double> p50(c.origin_node.size(), never);
            for (auto i = reach.first[f]; i < reach.first[f + 1]; ++i) p50[reach.origin[i]] = reach.time_s[i];
            for (std::uint32_t o = 0; o < c.origin_node.size(); ++o) {
                std::vector<double> times;
                for (double t : w.departures()) times.push_back(reference(c, c.origin_node[o], t, {c.facility_node[f]}) - t);
                std::sort(times.begin(), times.end());
                EXPECT_NEAR(p50[o], nearest_rank(times, 50), 0.02) << "seed " << seed << " facility " << f << " origin " << o;
            }
        }
    }
    // The comparison must have exercised the timetable, not only walking.
    EXPECT_GT(compared, 10000u);
    EXPECT_GT(by_transit, compared / 10);
}
