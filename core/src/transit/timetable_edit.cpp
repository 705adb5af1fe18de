// What-if edits of a timetable: routes withdrawn, stops closed, frequencies scaled.
#include <accessatlas/error.hpp>
#include <accessatlas/transit/timetable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace accessatlas::transit {

namespace {

std::set<std::uint32_t> routes_named(const Timetable& tt, const std::string& name, const std::string& who) {
    std::set<std::uint32_t> out;
    for (std::uint32_t r = 0; r < tt.routes.size(); ++r)
        if (tt.routes[r].id == name || tt.routes[r].short_name == name) out.insert(r);
    if (out.empty())
        throw InputError(fmt::format("{}: no route has the id or short name '{}'", who, name), {{}, {}, {}, "remove_routes"},
                         "route names are the feed's route_id or route_short_name (routes.txt)");
    return out;
}

}  // namespace

Timetable edit_timetable(const Timetable& tt, const TimetableEdit& edit, const std::string& who, Reporter& reporter) {
    std::set<std::uint32_t> removed_routes;
    for (const auto& name : edit.remove_routes) {
        const auto r = routes_named(tt, name, who);
        removed_routes.insert(r.begin(), r.end());
    }
    std::set<std::uint32_t> closed_stops;
    for (const auto& id : edit.remove_stops) {
        bool found = false;
        for (std::uint32_t s = 0; s < tt.stops.size(); ++s)
            if (tt.stops[s].id == id) closed_stops.insert(s), found = true;
        if (!found)
            throw InputError(fmt::format("{}: no stop has the id '{}'", who, id), {{}, {}, {}, "remove_stops"},
                             "stop ids are the feed's stop_id (stops.txt)");
    }
    std::map<std::uint32_t, double> factor;
    for (const auto& [name, f] : edit.route_frequency)
        for (auto r : routes_named(tt, name, who)) factor[r] = f;

    Timetable out;
    out.feeds = tt.feeds;
    out.stops = tt.stops;
    out.routes = tt.routes;
    out.transfers = tt.transfers;
    out.date = tt.date;
    std::size_t dropped_trips = 0, skipped_calls = 0, added_trips = 0;
    auto events_of = [&](const Trip& t) {
        std::vector<StopEvent> ev;
        for (std::uint32_t i = 0; i < t.event_count; ++i) {
            const auto& e = tt.events[t.first_event + i];
            if (closed_stops.count(e.stop))
                ++skipped_calls;
            else
                ev.push_back(e);
        }
        return ev;
    };
    // Trips grouped by route and direction (first and last stop), in departure order.
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::vector<std::uint32_t>> groups;
    for (std::uint32_t t = 0; t < tt.trips.size(); ++t) {
        const auto& trip = tt.trips[t];
        if (removed_routes.count(trip.route)) {
            ++dropped_trips;
            continue;
        }
        if (!factor.count(trip.route)) {
            auto ev = events_of(trip);
            if (ev.size() >= 2)
                out.add_trip(trip.route, trip.id, ev);
            else
                ++dropped_trips;
            continue;
        }
        groups[{trip.route, tt.events[trip.first_event].stop, tt.events[trip.first_event + trip.event_count - 1].stop}].push_back(t);
    }
    for (auto& [key, trips] : groups) {
        const double f = factor.at(std::get<0>(key));
        std::sort(trips.begin(), trips.end(), [&](auto a, auto b) {
            return tt.events[tt.trips[a].first_event].departure < tt.events[tt.trips[b].first_event].departure;
        });
        const std::size_t n = trips.size();
        const auto target = static_cast<std::size_t>(std::llround(double(n) * f));
        if (target <= n) {
            // Keep `target` of them, evenly spread.
            for (std::size_t i = 0; i < n; ++i) {
                const bool keep = target > 0 && (i * target) / n != ((i + 1) * target) / n;
                const auto& trip = tt.trips[trips[i]];
                auto ev = events_of(trip);
                if (keep && ev.size() >= 2)
                    out.add_trip(trip.route, trip.id, ev);
                else
                    ++dropped_trips;
            }
            continue;
        }
        // More trips: each gap between consecutive trips gets its share of copies, evenly placed.
        const std::size_t extra = target - n, gaps = n > 1 ? n - 1 : 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& trip = tt.trips[trips[i]];
            const auto ev = events_of(trip);
            if (ev.size() < 2) continue;
            out.add_trip(trip.route, trip.id, ev);
            if (i + 1 >= n || gaps == 0) continue;
            const std::size_t copies = ((i + 1) * extra) / gaps - (i * extra) / gaps;
            const int gap = tt.events[tt.trips[trips[i + 1]].first_event].departure - tt.events[trip.first_event].departure;
            for (std::size_t k = 1; k <= copies; ++k) {
                const int shift = static_cast<int>(std::lround(double(gap) * double(k) / double(copies + 1)));
                auto copy = ev;
                for (auto& e : copy) e.arrival += shift, e.departure += shift;
                out.add_trip(trip.route, trip.id + "+" + std::to_string(k), copy);
                ++added_trips;
            }
        }
    }
    reporter.info(fmt::format("{}: timetable edited: {} trips withdrawn, {} added, {} calls at closed stops skipped", who, dropped_trips,
                              added_trips, skipped_calls));
    return out;
}

}  // namespace accessatlas::transit
