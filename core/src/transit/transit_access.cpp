// Transit access: walking legs on the street graph, profile searches, window statistics.
#include <accessatlas/error.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include "access/seeding.hpp"
#include "util/parallel.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace accessatlas::transit {

namespace {

using detail::parallel_chunks;
using detail::parallel_slow_items;

// The profile search's input over this network, towards targets reached from each stop by
// walking egress_s (never: none) to egress_target.
ProfileInput search_input(const TransitNetwork& tn, const std::vector<double>& egress_s, const std::vector<std::uint32_t>& egress_target) {
    ProfileInput in;
    in.stop_count = static_cast<std::uint32_t>(tn.stop_snaps.size());
    in.trip_count = static_cast<std::uint32_t>(tn.timetable->trips.size());
    in.connections = &tn.connections;
    in.egress_s = &egress_s;
    in.egress_target = &egress_target;
    in.footpaths = &tn.footpaths;
    in.change_s = &tn.change_s;
    return in;
}

}  // namespace

std::vector<double> WindowOptions::departures() const {
    std::vector<double> out;
    if (step_s <= 0) return out;
    for (std::size_t i = 0;; ++i) {
        const double t = start_s + double(i) * step_s;
        if (t >= end_s) break;
        out.push_back(t);
    }
    return out;
}

double nearest_rank(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return never;
    const double rank = std::ceil(p / 100.0 * double(sorted.size()));
    const std::size_t i = static_cast<std::size_t>(std::clamp(rank, 1.0, double(sorted.size()))) - 1;
    return sorted[i];
}

TransitNetwork prepare_transit(const network::RoadNetwork& network, const network::ModeGraph& walk, const Timetable& tt,
                               std::vector<snapping::Snap> stop_snaps, const std::vector<snapping::Snap>& origin_snaps,
                               const WindowOptions& options, Reporter& reporter) {
    TransitNetwork tn;
    tn.timetable = &tt;
    tn.stop_snaps = std::move(stop_snaps);
    const auto n_stops = static_cast<std::uint32_t>(tt.stops.size());
    CancelOnly quiet(reporter);

    // Access: each stop's reach over the origins, turned into each origin's stops.
    reporter.stage("Transit: walking from origins to stops");
    const auto access = access::reach_origins(network, walk, tn.stop_snaps, origin_snaps, options.max_walk_s, options.threads, quiet,
                                              access::ReachMethod::dijkstra);
    tn.access_first.assign(origin_snaps.size() + 1, 0);
    for (auto o : access.origin) ++tn.access_first[o + 1];
    for (std::size_t o = 0; o < origin_snaps.size(); ++o) tn.access_first[o + 1] += tn.access_first[o];
    tn.access_stop.resize(access.origin.size());
    tn.access_time_s.resize(access.origin.size());
    {
        std::vector<std::uint32_t> fill(tn.access_first.begin(), tn.access_first.end() - 1);
        for (std::uint32_t s = 0; s < access.facility_count(); ++s)
            for (std::uint64_t i = access.first[s]; i < access.first[s + 1]; ++i) {
                const auto k = fill[access.origin[i]]++;
                tn.access_stop[k] = s;
                tn.access_time_s[k] = access.time_s[i];
            }
    }
    reporter.check_cancelled();

    // Footpaths: each stop's reach over the other stops is exactly the walks into it.
    reporter.stage("Transit: walking between stops");
    const auto walks = access::reach_origins(network, walk, tn.stop_snaps, tn.stop_snaps, options.max_transfer_walk_s, options.threads,
                                             quiet, access::ReachMethod::dijkstra);
    std::map<std::pair<std::uint32_t, std::uint32_t>, const TransferRule*> rules;
    tn.change_s.assign(n_stops, options.change_s);
    for (const auto& r : tt.transfers) {
        if (r.from == r.to) {
            if (!r.forbidden) tn.change_s[r.from] = r.min_time_s;
            ++tn.transfer_rules_applied;
        } else {
            rules[{r.from, r.to}] = &r;
        }
    }
    std::vector<std::vector<std::pair<std::uint32_t, double>>> into(n_stops);
    for (std::uint32_t y = 0; y < walks.facility_count(); ++y)
        for (std::uint64_t i = walks.first[y]; i < walks.first[y + 1]; ++i)
            if (walks.origin[i] != y) into[y].emplace_back(walks.origin[i], walks.time_s[i]);
    for (const auto& [pair, rule] : rules) {
        auto& list = into[pair.second];
        auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == pair.first; });
        ++tn.transfer_rules_applied;
        if (rule->forbidden) {
            if (it != list.end()) list.erase(it);
        } else if (it != list.end()) {
            it->second = std::max(it->second, double(rule->min_time_s));
        } else {
            list.emplace_back(pair.first, double(rule->min_time_s));
        }
    }
    tn.footpaths.first.assign(n_stops + 1, 0);
    for (std::uint32_t y = 0; y < n_stops; ++y)
        tn.footpaths.first[y + 1] = tn.footpaths.first[y] + static_cast<std::uint32_t>(into[y].size());
    for (auto& list : into)
        for (const auto& [x, t] : list) {
            tn.footpaths.from.push_back(x);
            tn.footpaths.time_s.push_back(t);
        }

    tn.connections = scan_order_connections(tt, options.start_s, options.end_s + options.max_time_s);
    reporter.info(
        fmt::format("transit: {} connections in the window, {} origin-to-stop walks, {} stop-to-stop walks, {} transfers.txt rules",
                    tn.connections.size(), tn.access_stop.size(), tn.footpaths.size(), tn.transfer_rules_applied));
    return tn;
}

namespace {

// Scratch space of one thread for evaluating origins; the departures computed once.
struct Evaluator {
    std::vector<double> departures;
    std::vector<double> times;
    std::vector<std::uint32_t> target;
    std::vector<const ProfileEntry*> cursor, last;
    explicit Evaluator(const WindowOptions& options) : departures(options.departures()) {}

    WindowStats run(const TransitNetwork& tn, const Profiles& profiles, std::uint32_t o, double walk_only_s, std::uint32_t walk_facility,
                    const WindowOptions& options) {
        const std::size_t n = departures.size();
        times.assign(n, never);
        target.assign(n, no_index);
        // One cursor per stop walked to: departures only grow, so each moves forward only (no
        // search per minute).
        const std::uint32_t a0 = tn.access_first[o], a1 = tn.access_first[o + 1];
        cursor.resize(a1 - a0);
        last.resize(a1 - a0);
        for (std::uint32_t i = a0; i < a1; ++i) {
            const auto s = tn.access_stop[i];
            cursor[i - a0] = profiles.entries.data() + profiles.first[s];
            last[i - a0] = profiles.entries.data() + profiles.first[s + 1];
        }
        for (std::size_t m = 0; m < n; ++m) {
            const double t = departures[m];
            double best = walk_only_s;
            std::uint32_t f = walk_facility;
            for (std::uint32_t i = a0; i < a1; ++i) {
                const double at = t + tn.access_time_s[i];
                auto& c = cursor[i - a0];
                const auto* e = last[i - a0];
                while (c != e && c->departure < at) ++c;
                if (c != e && c->arrival - t < best) {
                    best = c->arrival - t;
                    f = c->target;
                }
            }
            if (best <= options.max_time_s) {
                times[m] = best;
                target[m] = f;
            }
        }
        WindowStats s;
        if (n == 0) return s;
        // The facility reached at most departure minutes (the lower index on ties).
        std::vector<std::uint32_t> reached;
        reached.reserve(n);
        for (auto f : target)
            if (f != no_index) reached.push_back(f);
        std::sort(reached.begin(), reached.end());
        std::size_t most = 0;
        for (std::size_t i = 0; i < reached.size();) {
            std::size_t j = i;
            while (j < reached.size() && reached[j] == reached[i]) ++j;
            if (j - i > most) most = j - i, s.facility = reached[i];
            i = j;
        }
        double sum = 0;
        for (double v : times) sum += v;
        s.mean = std::isfinite(sum) ? sum / double(n) : never;
        sorted = times;
        std::sort(sorted.begin(), sorted.end());
        s.best = sorted.front();
        s.p25 = nearest_rank(sorted, 25);
        s.p50 = nearest_rank(sorted, 50);
        s.p75 = nearest_rank(sorted, 75);
        return s;
    }
    std::vector<double> sorted;
};

}  // namespace

WindowStats window_stats(const TransitNetwork& tn, const Profiles& profiles, std::uint32_t o, double walk_only_s,
                         std::uint32_t walk_facility, const WindowOptions& options, std::vector<double>* minute_times) {
    Evaluator ev(options);
    const auto s = ev.run(tn, profiles, o, walk_only_s, walk_facility, options);
    if (minute_times) *minute_times = ev.times;
    return s;
}

NearestProfiles nearest_profiles(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                 const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                                 const WindowOptions& options, Reporter& reporter) {
    CancelOnly quiet(reporter);
    access::NearestOptions plain;
    plain.count_within_thresholds = false;
    plain.threads = options.threads;
    // Walking the whole way, and from every stop to the nearest facility.
    NearestProfiles out;
    out.walk_only = access::nearest_facility(network, walk, facility_snaps, origin_snaps, plain, quiet);
    const auto egress = access::nearest_facility(network, walk, facility_snaps, tn.stop_snaps, plain, quiet);
    std::vector<double> egress_s(tn.stop_snaps.size(), never);
    for (std::size_t s = 0; s < egress_s.size(); ++s)
        if (egress.time_s[s] <= options.max_walk_s) egress_s[s] = egress.time_s[s];
    out.profiles = profile_search(search_input(tn, egress_s, egress.facility), [&reporter] { reporter.check_cancelled(); });
    out.walk_only.nodes_settled += egress.nodes_settled;
    return out;
}

access::NearestResult transit_nearest(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                      const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                                      const access::NearestOptions& nearest_options, const WindowOptions& options, Reporter& reporter) {
    // The profiles, every origin's window, then (when asked) one search per facility for the
    // counts: each its share of the stage's progress.
    const bool counts = nearest_options.count_within_thresholds && !nearest_options.thresholds_min.empty();
    ProgressSpan profiles_part(reporter, 0, counts ? 0.2 : 0.5), window_part(reporter, counts ? 0.2 : 0.5, counts ? 0.35 : 1.0),
        counts_part(reporter, 0.35, 1.0);
    const auto np = nearest_profiles(network, walk, tn, facility_snaps, origin_snaps, options, profiles_part);
    const auto& walk_only = np.walk_only;
    const auto& profiles = np.profiles;
    access::NearestResult r;
    const std::size_t n = origin_snaps.size();
    r.time_s.assign(n, never);
    r.length_m.assign(n, std::nan(""));
    r.facility.assign(n, no_index);
    r.p25_s.assign(n, never);
    r.p50_s.assign(n, never);
    r.p75_s.assign(n, never);
    r.best_s.assign(n, never);
    tbb::enumerable_thread_specific<Evaluator> evaluators([&] { return Evaluator(options); });
    parallel_chunks(n, options.threads, window_part, [&](std::size_t o) {
        const auto s =
            evaluators.local().run(tn, profiles, static_cast<std::uint32_t>(o), walk_only.time_s[o], walk_only.facility[o], options);
        r.time_s[o] = s.mean;
        r.facility[o] = s.facility;
        r.p25_s[o] = s.p25;
        r.p50_s[o] = s.p50;
        r.p75_s[o] = s.p75;
        r.best_s[o] = s.best;
    });
    r.nodes_settled = walk_only.nodes_settled;
    if (counts) {
        const auto& th = nearest_options.thresholds_min;
        const double limit = *std::max_element(th.begin(), th.end()) * 60.0;
        const auto reach = transit_reach(network, walk, tn, facility_snaps, origin_snaps, limit, Statistic::mean, options, counts_part);
        r.threshold_count = th.size();
        r.counts.assign(n * th.size(), 0);
        for (std::size_t f = 0; f < reach.facility_count(); ++f)
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i)
                for (std::size_t k = 0; k < th.size(); ++k)
                    if (reach.time_s[i] <= th[k] * 60.0) ++r.counts[reach.origin[i] * th.size() + k];
    }
    return r;
}

access::Reach transit_reach(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                            const std::vector<snapping::Snap>& facility_snaps, const std::vector<snapping::Snap>& origin_snaps,
                            double limit_s, Statistic statistic, const WindowOptions& options, Reporter& reporter) {
    CancelOnly quiet(reporter);
    const auto n_fac = static_cast<std::uint32_t>(facility_snaps.size());
    const std::size_t n_orig = origin_snaps.size();
    // Walking the whole way to each facility (no minute can do better than max_time_s), and
    // from each stop to each facility.
    const auto walk_pairs = access::reach_origins(network, walk, facility_snaps, origin_snaps, options.max_time_s, options.threads, quiet,
                                                  access::ReachMethod::dijkstra);
    const auto egress_pairs = access::reach_origins(network, walk, facility_snaps, tn.stop_snaps, options.max_walk_s, options.threads,
                                                    quiet, access::ReachMethod::dijkstra);
    std::vector<std::vector<std::pair<std::uint32_t, float>>> rows(n_fac);
    struct Buffers {
        std::vector<double> egress;
        std::vector<std::uint32_t> target;
        std::vector<double> walk_only;
        Evaluator evaluator;
    };
    tbb::enumerable_thread_specific<Buffers> buffers([&] {
        return Buffers{std::vector<double>(tn.stop_snaps.size(), never), std::vector<std::uint32_t>(tn.stop_snaps.size(), 0),
                       std::vector<double>(n_orig, never), Evaluator(options)};
    });
    const double percentile = options.reach_percentile;
    parallel_slow_items(n_fac, options.threads, reporter, [&](std::size_t fi) {
        const auto f = static_cast<std::uint32_t>(fi);
        if (!facility_snaps[f].ok()) return;
        auto& b = buffers.local();
        for (std::uint64_t i = egress_pairs.first[f]; i < egress_pairs.first[f + 1]; ++i) {
            b.egress[egress_pairs.origin[i]] = egress_pairs.time_s[i];
            b.target[egress_pairs.origin[i]] = f;
        }
        for (std::uint64_t i = walk_pairs.first[f]; i < walk_pairs.first[f + 1]; ++i)
            b.walk_only[walk_pairs.origin[i]] = walk_pairs.time_s[i];
        const auto profiles = profile_search(search_input(tn, b.egress, b.target));
        auto& row = rows[f];
        for (std::uint32_t o = 0; o < n_orig; ++o) {
            const bool by_stop = [&] {
                for (std::uint32_t i = tn.access_first[o]; i < tn.access_first[o + 1]; ++i)
                    if (profiles.first[tn.access_stop[i]] != profiles.first[tn.access_stop[i] + 1]) return true;
                return false;
            }();
            if (!by_stop && !std::isfinite(b.walk_only[o])) continue;
            auto& ev = b.evaluator;
            const auto s = ev.run(tn, profiles, o, b.walk_only[o], f, options);
            const double value = statistic == Statistic::mean ? s.mean : nearest_rank(ev.sorted, percentile);
            if (value <= limit_s) row.emplace_back(o, static_cast<float>(value));
        }
        for (std::uint64_t i = egress_pairs.first[f]; i < egress_pairs.first[f + 1]; ++i) b.egress[egress_pairs.origin[i]] = never;
        for (std::uint64_t i = walk_pairs.first[f]; i < walk_pairs.first[f + 1]; ++i) b.walk_only[walk_pairs.origin[i]] = never;
    });
    access::Reach reach;
    reach.first.assign(1, 0);
    for (auto& row : rows) {
        for (const auto& [o, t] : row) {
            reach.origin.push_back(o);
            reach.time_s.push_back(t);
        }
        reach.first.push_back(reach.origin.size());
    }
    return reach;
}

namespace {

// Per stop: the percentile over the window of the time from being at the stop to a target.
std::vector<double> stop_percentiles(const Profiles& profiles, const WindowOptions& options) {
    const auto departures = options.departures();
    const std::size_t n = profiles.first.size() - 1;
    std::vector<double> out(n, never), times;
    for (std::uint32_t s = 0; s < n; ++s) {
        if (profiles.first[s] == profiles.first[s + 1]) continue;
        times.clear();
        for (double t : departures) {
            const auto* e = profiles.at(s, t);
            const double v = e ? e->arrival - t : never;
            times.push_back(v <= options.max_time_s ? v : never);
        }
        std::sort(times.begin(), times.end());
        out[s] = nearest_rank(times, options.reach_percentile);
    }
    return out;
}

// Node times of a walk from anywhere to the targets (the facilities at 0, and each stop at its
// percentile time), bounded by limit_s.
std::vector<double> node_times(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                               const std::vector<snapping::Snap>& targets, const std::vector<double>& stop_time, double limit_s) {
    routing::Dijkstra search(walk.backward);
    search.reset();
    access::detail::Seed seeds[2];
    auto seed = [&](const snapping::Snap& snap, double offset, std::uint32_t tag) {
        const unsigned k = access::detail::facility_seeds(network, walk, snap, seeds);
        for (unsigned i = 0; i < k; ++i) search.add_source(seeds[i].node, offset + seeds[i].time_s, 0, tag);
    };
    for (std::uint32_t f = 0; f < targets.size(); ++f)
        if (targets[f].ok()) seed(targets[f], 0, f);
    for (std::uint32_t s = 0; s < stop_time.size(); ++s)
        if (stop_time[s] < limit_s && tn.stop_snaps[s].ok()) seed(tn.stop_snaps[s], stop_time[s], 0);
    search.run_until(limit_s);
    std::vector<double> t(network.node_count());
    for (std::uint32_t v = 0; v < network.node_count(); ++v) t[v] = search.time(v);
    return t;
}

}  // namespace

access::CatchmentPolygons transit_polygons(const network::RoadNetwork& network, const network::ModeGraph& walk, const TransitNetwork& tn,
                                           const std::vector<snapping::Snap>& facility_snaps, const access::CatchmentOptions& popt,
                                           const WindowOptions& options, Reporter& reporter) {
    CancelOnly quiet(reporter);
    std::vector<double> limits;
    for (double m : popt.thresholds_min) limits.push_back(m * 60.0);
    const double max_limit = limits.empty() ? 0 : *std::max_element(limits.begin(), limits.end());
    access::CatchmentPolygons out;
    const auto n_fac = static_cast<std::uint32_t>(facility_snaps.size());
    out.facility.assign(n_fac, std::vector<std::vector<unsigned char>>(limits.size()));
    if (popt.facility_polygons) {
        const auto egress_pairs = access::reach_origins(network, walk, facility_snaps, tn.stop_snaps, options.max_walk_s, options.threads,
                                                        quiet, access::ReachMethod::dijkstra);
        parallel_slow_items(n_fac, options.threads, reporter, [&](std::size_t fi) {
            const auto f = static_cast<std::uint32_t>(fi);
            if (!facility_snaps[f].ok()) return;
            std::vector<double> egress(tn.stop_snaps.size(), never);
            const std::vector<std::uint32_t> target(tn.stop_snaps.size(), f);
            for (std::uint64_t i = egress_pairs.first[f]; i < egress_pairs.first[f + 1]; ++i)
                egress[egress_pairs.origin[i]] = egress_pairs.time_s[i];
            const auto profiles = profile_search(search_input(tn, egress, target));
            std::vector<snapping::Snap> only(facility_snaps.size());
            only[f] = facility_snaps[f];
            const auto t = node_times(network, walk, tn, only, stop_percentiles(profiles, options), max_limit);
            for (std::size_t k = 0; k < limits.size(); ++k)
                out.facility[f][k] = access::reachable_polygon(network, walk, t, only, limits[k], popt.walk_off_m);
        });
    }
    if (popt.coverage) {
        access::NearestOptions plain;
        plain.count_within_thresholds = false;
        const auto egress = access::nearest_facility(network, walk, facility_snaps, tn.stop_snaps, plain, quiet);
        std::vector<double> egress_s(tn.stop_snaps.size(), never);
        for (std::size_t s = 0; s < egress_s.size(); ++s)
            if (egress.time_s[s] <= options.max_walk_s) egress_s[s] = egress.time_s[s];
        const auto profiles = profile_search(search_input(tn, egress_s, egress.facility), [&reporter] { reporter.check_cancelled(); });
        const auto t = node_times(network, walk, tn, facility_snaps, stop_percentiles(profiles, options), max_limit);
        // The search is about a third of the work, the polygons (one per threshold, each
        // independent) the rest: in parallel, the longest threshold first.
        reporter.progress(0.3);
        ProgressSpan polygons(reporter, 0.3, 1.0);
        out.coverage.resize(limits.size());
        parallel_slow_items(limits.size(), options.threads, polygons, [&](std::size_t i) {
            const std::size_t k = limits.size() - 1 - i;
            out.coverage[k] = access::reachable_polygon(network, walk, t, facility_snaps, limits[k], popt.walk_off_m);
        });
    }
    return out;
}

}  // namespace accessatlas::transit
