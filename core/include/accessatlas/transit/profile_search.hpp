// One backward profile search (profile Connection Scan, Dibbelt et al. 2013/2018) answers, for
// every stop and every departure time at once, the earliest arrival at a target set (any
// facility, or one facility) reached by walking from the last stop. Connections are scanned
// once, latest departure first; each stop keeps the Pareto set of (latest departure on foot
// from the stop, earliest arrival at a target). Walking between stops is given as footpaths
// (street-network times); boarding again after alighting takes a minimum change time.
// Plain arrays throughout; no allocation per connection.
#pragma once

#include <accessatlas/transit/timetable.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace accessatlas::transit {

inline constexpr double never = std::numeric_limits<double>::infinity();

// Riding one trip from one stop event to the next.
struct Connection {
    std::uint32_t dep_stop = 0;
    std::uint32_t arr_stop = 0;
    std::int32_t dep = 0;  // seconds from the service date's midnight
    std::int32_t arr = 0;
    std::uint32_t trip = 0;
    bool pickup = true;    // boarding allowed at dep_stop
    bool drop_off = true;  // alighting allowed at arr_stop
};

// The connections of trips running at `routes_open` (empty = all) that depart at or after
// `from_s` and arrive at or before `until_s`, in scan order: latest departure first; ties by
// later arrival first, then later in the trip first, so that a trip's later connections and
// zero-length rides are seen before the ones they feed.
std::vector<Connection> scan_order_connections(const Timetable& timetable, double from_s, double until_s);

// Walking from stop to stop, as edges into each stop (CSR): incoming[y] = { (x, seconds) }.
struct Footpaths {
    std::vector<std::uint32_t> first;  // stop count + 1
    std::vector<std::uint32_t> from;
    std::vector<double> time_s;
    std::size_t size() const { return from.size(); }
};

// Labels of a profile search: per stop, ascending departure (and so ascending arrival).
struct ProfileEntry {
    double departure;      // the latest time one may be at the stop on foot
    double arrival;        // the earliest arrival at a target
    std::uint32_t target;  // which target (e.g. facility) that journey reaches
};
struct Profiles {
    std::vector<std::uint64_t> first;  // stop count + 1
    std::vector<ProfileEntry> entries;
    // The earliest arrival at a target for someone at `stop` at time t; never when none.
    const ProfileEntry* at(std::uint32_t stop, double t) const;
};

struct ProfileInput {
    std::uint32_t stop_count = 0;
    std::uint32_t trip_count = 0;
    const std::vector<Connection>* connections = nullptr;  // in scan order
    // Per stop: walking time from the stop to a target, never when none; the target reached.
    const std::vector<double>* egress_s = nullptr;
    const std::vector<std::uint32_t>* egress_target = nullptr;
    const Footpaths* footpaths = nullptr;           // may be null: no walking between stops
    const std::vector<double>* change_s = nullptr;  // per stop: minimum time to board after alighting
};

// Polled every few thousand connections; throws to cancel.
using CheckCancel = std::function<void()>;

Profiles profile_search(const ProfileInput& input, const CheckCancel& check = {});

}  // namespace accessatlas::transit
