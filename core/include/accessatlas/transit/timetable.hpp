// Public-transport timetables for one service date, as plain arrays: stops, routes, trips and
// each trip's stop events, read from one or more GTFS feeds (zip or folder). Times are seconds
// from midnight of the service date (GTFS "noon minus 12 h"), so a trip of the day before that
// runs past midnight has times from 0 and one of the date itself may run past 86,400.
#pragma once

#include <accessatlas/geometry.hpp>
#include <accessatlas/reporter.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accessatlas::transit {

inline constexpr std::uint32_t no_index = 0xFFFFFFFFu;

struct Feed {
    std::string path;
    std::string name;        // the file or folder name, used in messages and output ids
    std::string first_date;  // YYYY-MM-DD: the first and last day any service runs
    std::string last_date;
};

struct Stop {
    std::string id;  // as in the feed
    std::string name;
    Point location;        // EPSG:27700
    bool located = false;  // false: no usable coordinate (listed in a warning)
    std::uint32_t feed = 0;
    std::uint32_t parent = no_index;  // parent station (location_type 1), when given
};

struct Route {
    std::string id;
    std::string short_name;
    std::string long_name;
    int type = 3;  // GTFS route_type (3 bus, 2 rail, 200 coach ...)
    std::uint32_t feed = 0;
    std::string label() const { return short_name.empty() ? (long_name.empty() ? id : long_name) : short_name; }
};

// One stop of one trip. A vehicle arrives, then departs; pickup/drop_off false when the
// feed forbids boarding or alighting there.
struct StopEvent {
    std::uint32_t stop = 0;
    std::int32_t arrival = 0;
    std::int32_t departure = 0;
    bool pickup = true;
    bool drop_off = true;
};

struct Trip {
    std::string id;
    std::uint32_t route = 0;
    std::uint32_t first_event = 0;  // events [first_event, first_event + event_count)
    std::uint32_t event_count = 0;
};

// A transfers.txt rule between two stops (or the same stop): a minimum time to change, or
// forbidden (transfer_type 3).
struct TransferRule {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::int32_t min_time_s = 0;
    bool forbidden = false;
};

struct Timetable {
    std::vector<Feed> feeds;
    std::vector<Stop> stops;
    std::vector<Route> routes;
    std::vector<Trip> trips;
    std::vector<StopEvent> events;
    std::vector<TransferRule> transfers;
    std::string date;  // YYYY-MM-DD

    std::size_t connection_count() const;  // consecutive event pairs over all trips
    // Adds a trip (events in order) and returns its index: for tests and synthetic benchmarks.
    std::uint32_t add_trip(std::uint32_t route, std::string id, const std::vector<StopEvent>& events);
};

// "2024-03-05" or "20240305" -> 20240305; throws InputError naming `what` when not a date.
int parse_date(const std::string& text, const std::string& what);
// "HH:MM[:SS]" with any hour (25:10 is after midnight) -> seconds; -1 when not a time.
int parse_clock(const std::string& text);
std::string format_clock(double seconds);  // 27000 -> "07:30", 27030 -> "07:30:30"

// Reads the trips that run on `date` from every feed (a .zip or a folder of .txt files):
// calendar and calendar_dates (days added and removed), frequencies (expanded into trips at
// each headway), times past 24:00 (and the previous day's trips that run past midnight),
// parent stations, transfers. Problems that lose one item (a bad time, a trip whose times go
// backwards, an unknown stop, a stop with no or impossible coordinates) are warnings naming
// feed, file, line and id; a missing file or column, or a date on which nothing runs (the
// message gives each feed's dates), is an InputError.
Timetable read_gtfs(const std::vector<std::string>& feeds, const std::string& date, Reporter& reporter);

// A what-if edit of a timetable. Routes are named by route_id or short name (every route of
// that name, in every feed), stops by stop_id. A frequency factor f keeps round(n f) of a
// route's n trips in each direction (same first and last stop), evenly spread when f < 1, and
// adds copies half-way (or evenly) between consecutive trips when f > 1. An unknown route or
// stop is an InputError naming it and `who`.
struct TimetableEdit {
    std::vector<std::string> remove_routes;
    std::vector<std::string> remove_stops;
    std::vector<std::pair<std::string, double>> route_frequency;
    bool empty() const { return remove_routes.empty() && remove_stops.empty() && route_frequency.empty(); }
};
Timetable edit_timetable(const Timetable& timetable, const TimetableEdit& edit, const std::string& who, Reporter& reporter);

}  // namespace accessatlas::transit
