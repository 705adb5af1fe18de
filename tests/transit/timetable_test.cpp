// The GTFS reader and the profile search on a hand-made feed whose every answer is worked out
// below: an overtaking express, a route that does not run that day, a frequency-based route,
// a trip of the day before running past midnight, days added and removed by calendar_dates.
#include <accessatlas/error.hpp>
#include <accessatlas/transit/profile_search.hpp>
#include <accessatlas/transit/timetable.hpp>
#include <accessatlas/transit/transit_access.hpp>

#include "support/test_network.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

using namespace accessatlas;
using namespace accessatlas::transit;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path root;
    explicit TempDir(const std::string& name) : root(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~TempDir() { fs::remove_all(root); }
    const fs::path& path() const { return root; }
};

struct CollectWarnings : Reporter {
    std::vector<std::string> warnings;
    void warning(std::string_view m) override { warnings.emplace_back(m); }
};

void write(const fs::path& dir, const std::string& name, const std::string& text) {
    fs::create_directories(dir);
    std::ofstream(dir / name) << text;
}

// Stops A, B, C, D in Newport (real coordinates, about 300 m apart); the times are below.
fs::path hand_feed(const fs::path& dir) {
    write(dir, "stops.txt",
          "stop_id,stop_name,stop_lat,stop_lon,parent_station\n"
          "A,Stop A,51.5880,-2.9970,\n"
          "B,Stop B,51.5880,-2.9930,\n"
          "C,Stop C,51.5880,-2.9890,\n"
          "D,Stop D,51.5880,-2.9850,\n");
    write(dir, "routes.txt",
          "route_id,route_short_name,route_long_name,route_type\n"
          "SLOW,1,,3\nEXPRESS,X1,,3\nSUNDAY,S,,3\nFREQ,F,,3\nNIGHT,N,,3\nGONE,G,,3\nEXTRA,E,,3\n");
    // 2024-03-05 is a Tuesday.
    write(dir, "calendar.txt",
          "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
          "WEEKDAY,1,1,1,1,1,0,0,20240101,20241231\n"
          "SUN,0,0,0,0,0,0,1,20240101,20241231\n"
          "MON,1,0,0,0,0,0,0,20240101,20241231\n");
    write(dir, "calendar_dates.txt",
          "service_id,date,exception_type\n"
          "WEEKDAY_BUT_NOT_5TH,20240305,2\n"
          "ONLY_5TH,20240305,1\n");
    write(dir, "trips.txt",
          "route_id,service_id,trip_id\n"
          "SLOW,WEEKDAY,slow_0700\nSLOW,WEEKDAY,slow_0720\nEXPRESS,WEEKDAY,express_0706\nSUNDAY,SUN,sunday_0701\n"
          "FREQ,WEEKDAY,freq\nNIGHT,MON,night\nGONE,WEEKDAY_BUT_NOT_5TH,gone\nEXTRA,ONLY_5TH,extra\n");
    write(dir, "stop_times.txt",
          "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
          "slow_0700,07:00:00,07:00:00,A,1\nslow_0700,07:10:00,07:10:00,B,2\nslow_0700,07:20:00,07:20:00,C,3\nslow_0700,07:30:00,07:30:00,"
          "D,4\n"
          "slow_0720,07:20:00,07:20:00,A,1\nslow_0720,07:30:00,07:30:00,B,2\nslow_0720,,,C,3\nslow_0720,07:50:00,07:50:00,D,4\n"
          "express_0706,07:06:00,07:06:00,A,1\nexpress_0706,07:16:00,07:16:00,D,2\n"
          "sunday_0701,07:01:00,07:01:00,A,1\nsunday_0701,07:03:00,07:03:00,D,2\n"
          "freq,00:00:00,00:00:00,B,1\nfreq,00:08:00,00:08:00,D,2\n"
          "night,31:02:00,31:02:00,A,1\nnight,31:12:00,31:12:00,D,2\n"
          "gone,07:01:00,07:01:00,A,1\ngone,07:02:00,07:02:00,D,2\n"
          "extra,08:00:00,08:00:00,A,1\nextra,08:05:00,08:05:00,B,2\n");
    write(dir, "frequencies.txt", "trip_id,start_time,end_time,headway_secs\nfreq,07:00:00,07:30:00,600\n");
    return dir;
}

std::map<std::string, const Trip*> by_id(const Timetable& tt) {
    std::map<std::string, const Trip*> m;
    for (const auto& t : tt.trips) m[t.id] = &t;
    return m;
}

}  // namespace

TEST(GtfsReader, ReadsOneServiceDateWithFrequenciesCalendarDatesAndTripsPastMidnight) {
    TempDir tmp("gtfs_hand");
    const auto feed = hand_feed(tmp.path() / "hand");
    CollectWarnings rep;
    const auto tt = read_gtfs({feed.string()}, "2024-03-05", rep);
    EXPECT_TRUE(rep.warnings.empty()) << rep.warnings.front();
    ASSERT_EQ(tt.stops.size(), 4u);
    for (const auto& s : tt.stops) {
        EXPECT_TRUE(s.located);
        EXPECT_NEAR(s.location.y, 187700, 1500);  // Newport's northing
    }
    const auto trips = by_id(tt);
    // slow x2, express, 3 from the frequency, the Monday night trip, the added day; not the
    // Sunday trip nor the removed day.
    EXPECT_EQ(tt.trips.size(), 8u);
    EXPECT_EQ(trips.count("sunday_0701"), 0u);
    EXPECT_EQ(trips.count("gone"), 0u);
    ASSERT_EQ(trips.count("extra"), 1u);
    for (const char* id : {"freq@07:00", "freq@07:10", "freq@07:20"}) ASSERT_EQ(trips.count(id), 1u) << id;
    const auto* f = trips.at("freq@07:10");
    EXPECT_EQ(tt.events[f->first_event].departure, 7 * 3600 + 600);
    EXPECT_EQ(tt.events[f->first_event + 1].arrival, 7 * 3600 + 600 + 480);
    // Monday's 31:02 is Tuesday's 07:02.
    ASSERT_EQ(trips.count("night (2024-03-04)"), 1u);
    EXPECT_EQ(tt.events[trips.at("night (2024-03-04)")->first_event].departure, 7 * 3600 + 120);
    // The stop between timepoints takes the time halfway (07:30 -> 07:50).
    EXPECT_EQ(tt.events[trips.at("slow_0720")->first_event + 2].arrival, 7 * 3600 + 40 * 60);
}

// Two origins, no walking between stops, facility reached by walking 2 min from D or 10 min
// from C. Worked by hand for departures 07:00 and 07:05 (change time 0):
//  O1 reaches A in 1 min, walks the whole way in 60 min.
//   07:00: at A 07:01, the Monday night bus 07:02 -> D 07:12, walk -> 07:14: 14 min (the
//          Sunday bus at 07:01 would give 5 min, but does not run; the express leaves 07:06).
//   07:05: at A 07:06, the express 07:06 -> D 07:16 (overtaking slow_0700, at D 07:30) -> 07:18: 13.
//  O2 reaches B in 2 min, walks the whole way in 25 min.
//   07:00: at B 07:02; freq@07:10 -> D 07:18 -> 07:20: 20 min (slow_0700 leaves B 07:10 too but
//          reaches D at 07:30 and C at 07:20 + 10 min walk).
//   07:05: at B 07:07, freq@07:10 -> 07:20: 15 min.
TEST(ProfileSearch, HandWorkedEarliestArrivalsAndWindowStatistics) {
    TempDir tmp("gtfs_hand_profile");
    const auto feed = hand_feed(tmp.path() / "hand");
    test::NullReporter quiet;
    const auto tt = read_gtfs({feed.string()}, "20240305", quiet);
    auto stop = [&](const std::string& id) {
        for (std::uint32_t s = 0; s < tt.stops.size(); ++s)
            if (tt.stops[s].id == id) return s;
        return no_index;
    };
    WindowOptions w;
    w.start_s = 7 * 3600;
    w.end_s = 7 * 3600 + 600;
    w.step_s = 300;
    w.change_s = 0;
    TransitNetwork tn;
    tn.timetable = &tt;
    tn.stop_snaps.resize(tt.stops.size());
    tn.access_first = {0, 1, 2};
    tn.access_stop = {stop("A"), stop("B")};
    tn.access_time_s = {60, 120};
    tn.footpaths.first.assign(tt.stops.size() + 1, 0);
    tn.change_s.assign(tt.stops.size(), 0);
    tn.connections = scan_order_connections(tt, w.start_s, w.end_s + w.max_time_s);
    std::vector<double> egress(tt.stops.size(), never);
    std::vector<std::uint32_t> target(tt.stops.size(), 0);
    egress[stop("D")] = 120;
    egress[stop("C")] = 600;
    ProfileInput in;
    in.stop_count = static_cast<std::uint32_t>(tt.stops.size());
    in.trip_count = static_cast<std::uint32_t>(tt.trips.size());
    in.connections = &tn.connections;
    in.egress_s = &egress;
    in.egress_target = &target;
    in.footpaths = &tn.footpaths;
    in.change_s = &tn.change_s;
    const auto profiles = profile_search(in);
    // At A at 07:01 the best is the night bus (arrive 07:14); at 07:03 the express (07:18).
    ASSERT_NE(profiles.at(stop("A"), 7 * 3600 + 60), nullptr);
    EXPECT_EQ(profiles.at(stop("A"), 7 * 3600 + 60)->arrival, 7 * 3600 + 14 * 60);
    EXPECT_EQ(profiles.at(stop("A"), 7 * 3600 + 180)->arrival, 7 * 3600 + 18 * 60);
    // slow_0720 to C (07:40, halfway between its timepoints) and a 10 min walk.
    EXPECT_EQ(profiles.at(stop("A"), 7 * 3600 + 7 * 60)->arrival, 7 * 3600 + 50 * 60);
    EXPECT_EQ(profiles.at(stop("A"), 7 * 3600 + 21 * 60), nullptr);

    std::vector<double> minutes;
    const auto o1 = window_stats(tn, profiles, 0, 3600, 0, w, &minutes);
    EXPECT_EQ(minutes, (std::vector<double>{14 * 60, 13 * 60}));
    EXPECT_DOUBLE_EQ(o1.mean, 13.5 * 60);
    EXPECT_DOUBLE_EQ(o1.best, 13 * 60);
    EXPECT_DOUBLE_EQ(o1.p25, 13 * 60);
    EXPECT_DOUBLE_EQ(o1.p50, 13 * 60);
    EXPECT_DOUBLE_EQ(o1.p75, 14 * 60);
    const auto o2 = window_stats(tn, profiles, 1, 1500, 0, w, &minutes);
    EXPECT_EQ(minutes, (std::vector<double>{20 * 60, 15 * 60}));
    EXPECT_DOUBLE_EQ(o2.mean, 17.5 * 60);
    EXPECT_DOUBLE_EQ(o2.p75, 20 * 60);
    // A journey longer than max_time counts as not reached at that minute: the mean is then
    // not defined, the percentiles below it are.
    w.max_time_s = 14 * 60;
    const auto capped = window_stats(tn, profiles, 0, 3600, 0, w, &minutes);
    EXPECT_EQ(minutes, (std::vector<double>{14 * 60, 13 * 60}));
    w.max_time_s = 13.5 * 60;
    const auto capped2 = window_stats(tn, profiles, 0, 3600, 0, w, &minutes);
    EXPECT_EQ(capped2.mean, never);
    EXPECT_EQ(capped2.p25, 13 * 60);
    EXPECT_EQ(capped2.p75, never);
    (void)capped;
}

TEST(ProfileSearch, ChangeTimeAndFootpathsAreHonoured) {
    // Trip 1: P -> Q arriving 08:10; trip 2 leaves Q at 08:11 to R; trip 3 leaves S (a 3 min
    // walk from Q) at 08:15 to R. Target: R (egress 0).
    Timetable tt;
    tt.stops.resize(4);  // P Q R S
    tt.routes.resize(1);
    tt.add_trip(0, "t1", {{0, 0, 8 * 3600, true, true}, {1, 8 * 3600 + 600, 8 * 3600 + 600, true, true}});
    tt.add_trip(0, "t2", {{1, 0, 8 * 3600 + 660, true, true}, {2, 8 * 3600 + 1200, 8 * 3600 + 1200, true, true}});
    tt.add_trip(0, "t3", {{3, 0, 8 * 3600 + 900, true, true}, {2, 8 * 3600 + 1500, 8 * 3600 + 1500, true, true}});
    const auto conns = scan_order_connections(tt, 0, 1e9);
    Footpaths fp;
    fp.first = {0, 0, 0, 0, 1};  // into S: from Q, 180 s
    fp.from = {1};
    fp.time_s = {180};
    std::vector<double> egress{never, never, 0, never};
    std::vector<std::uint32_t> target(4, 0);
    auto arrival_from_p = [&](double change) {
        std::vector<double> ch(4, change);
        ProfileInput in{4, 3, &conns, &egress, &target, &fp, &ch};
        const auto pr = profile_search(in);
        const auto* e = pr.at(0, 8 * 3600);
        return e ? e->arrival : never;
    };
    EXPECT_EQ(arrival_from_p(0), 8 * 3600 + 1200);    // change at Q in 1 min: t2
    EXPECT_EQ(arrival_from_p(60), 8 * 3600 + 1200);   // exactly the change time
    EXPECT_EQ(arrival_from_p(61), 8 * 3600 + 1500);   // t2 missed: ready 08:11:01, at S 08:14:01 for t3
    EXPECT_EQ(arrival_from_p(120), 8 * 3600 + 1500);  // at S 08:15:00 exactly
    EXPECT_EQ(arrival_from_p(121), never);            // 08:12:01 + 3 min walk misses t3
}

TEST(GtfsReader, NamesEveryProblemItem) {
    TempDir tmp("gtfs_bad");
    const auto dir = hand_feed(tmp.path() / "bad");
    // A stop at the grid's false origin, one without a coordinate, a trip whose times go
    // backwards, a bad time, an unknown stop.
    write(dir, "stops.txt",
          "stop_id,stop_name,stop_lat,stop_lon,parent_station\n"
          "A,Stop A,51.5880,-2.9970,\nB,Stop B,51.5880,-2.9930,\nC,Stop C,51.5880,-2.9890,\nD,Stop D,51.5880,-2.9850,\n"
          "ORIGIN,False origin,49.766807,-7.557160,\nNOWHERE,No coordinate,,,\n");
    std::ifstream in(dir / "stop_times.txt");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text += "back,07:10:00,07:10:00,A,1\nback,07:05:00,07:05:00,B,2\n"
            "badtime,07:10:00,07:10:00,A,1\nbadtime,7h15,7h15,B,2\n"
            "slow_0700,07:35:00,07:35:00,ZZZ,5\n";
    write(dir, "stop_times.txt", text);
    std::ifstream tin(dir / "trips.txt");
    std::string trips((std::istreambuf_iterator<char>(tin)), {});
    write(dir, "trips.txt", trips + "SLOW,WEEKDAY,back\nSLOW,WEEKDAY,badtime\n");
    CollectWarnings rep;
    const auto tt = read_gtfs({dir.string()}, "2024-03-05", rep);
    std::string all;
    for (const auto& w : rep.warnings) all += w + "\n";
    EXPECT_NE(all.find("stop ORIGIN lies at the British National Grid's false origin"), std::string::npos) << all;
    EXPECT_NE(all.find("stops.txt line 7: stop NOWHERE has no coordinate"), std::string::npos) << all;
    EXPECT_NE(all.find("trip back's times go backwards"), std::string::npos) << all;
    EXPECT_NE(all.find("trip badtime has time '7h15'"), std::string::npos) << all;
    EXPECT_NE(all.find("trip slow_0700, stop 'ZZZ'"), std::string::npos) << all;
    EXPECT_NE(all.find("bad"), std::string::npos);  // the feed is named
    EXPECT_EQ(by_id(tt).count("back"), 0u);
    EXPECT_EQ(by_id(tt).count("slow_0700"), 1u);  // keeps its good stops
}

TEST(GtfsReader, RefusesADateWithoutServiceGivingTheFeedsDates) {
    TempDir tmp("gtfs_nodate");
    const auto feed = hand_feed(tmp.path() / "hand");
    test::NullReporter quiet;
    try {
        read_gtfs({feed.string()}, "2026-07-01", quiet);
        FAIL() << "a date with no service was accepted";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("no trip runs on 2026-07-01"), std::string::npos) << m;
        EXPECT_NE(m.find("hand runs 2024-01-01 to 2024-12-31"), std::string::npos) << m;
    }
}

TEST(GtfsReader, RefusesAMissingFileOrColumn) {
    TempDir tmp("gtfs_missing");
    const auto feed = hand_feed(tmp.path() / "hand");
    test::NullReporter quiet;
    write(feed, "trips.txt", "route_id,trip_id\nSLOW,slow_0700\n");
    try {
        read_gtfs({feed.string()}, "2024-03-05", quiet);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("service_id"), std::string::npos) << e.what();
        EXPECT_NE(e.context().file.find("trips.txt"), std::string::npos);
    }
    fs::remove(feed / "trips.txt");
    EXPECT_THROW(read_gtfs({feed.string()}, "2024-03-05", quiet), InputError);
    EXPECT_THROW(parse_date("2024-02-30", "d"), InputError);
    EXPECT_EQ(parse_clock("25:10:05"), 25 * 3600 + 605);
    EXPECT_EQ(parse_clock("7:05:00"), 7 * 3600 + 300);
    EXPECT_EQ(parse_clock("07:61:00"), -1);
}

// Scenario edits of the hand-made timetable: a route withdrawn, a stop closed, a frequency
// halved and doubled (trips per direction: round(n f), evenly spread or added between).
TEST(TimetableEdit, RoutesStopsAndFrequencies) {
    TempDir tmp("gtfs_edit");
    const auto feed = hand_feed(tmp.path() / "hand");
    test::NullReporter quiet;
    const auto tt = read_gtfs({feed.string()}, "2024-03-05", quiet);
    auto count_route = [](const Timetable& t, const std::string& label) {
        std::size_t n = 0;
        for (const auto& trip : t.trips) n += t.routes[trip.route].short_name == label;
        return n;
    };
    ASSERT_EQ(count_route(tt, "F"), 3u);  // freq@07:00, 07:10, 07:20
    TimetableEdit no_express;
    no_express.remove_routes = {"X1"};
    EXPECT_EQ(count_route(edit_timetable(tt, no_express, "test", quiet), "X1"), 0u);
    EXPECT_EQ(edit_timetable(tt, no_express, "test", quiet).trips.size(), tt.trips.size() - 1);
    // Closing stop B: slow trips lose a call, the frequency trips (B -> D) keep one stop and go.
    TimetableEdit close_b;
    close_b.remove_stops = {"B"};
    const auto closed = edit_timetable(tt, close_b, "test", quiet);
    for (const auto& trip : closed.trips)
        for (std::uint32_t i = 0; i < trip.event_count; ++i) EXPECT_NE(closed.stops[closed.events[trip.first_event + i].stop].id, "B");
    EXPECT_EQ(count_route(closed, "F"), 0u);
    // Halved: round(3 x 0.5) = 2 of the 3; doubled: 6, the copies between consecutive trips.
    TimetableEdit half, twice;
    half.route_frequency = {{"F", 0.5}};
    twice.route_frequency = {{"FREQ", 2.0}};
    EXPECT_EQ(count_route(edit_timetable(tt, half, "test", quiet), "F"), 2u);
    const auto doubled = edit_timetable(tt, twice, "test", quiet);
    ASSERT_EQ(count_route(doubled, "F"), 6u);
    std::vector<int> departures;
    for (const auto& trip : doubled.trips)
        if (doubled.routes[trip.route].short_name == "F") departures.push_back(doubled.events[trip.first_event].departure);
    std::sort(departures.begin(), departures.end());
    // 07:00, 07:10, 07:20 and 3 more: the 2 gaps share them (1 and 2), each copy evenly inside
    // its gap: 07:05, then 07:13:20 and 07:16:40.
    const int h = 7 * 3600;
    EXPECT_EQ(departures, (std::vector<int>{h, h + 300, h + 600, h + 800, h + 1000, h + 1200}));
    // Unknown names are refused, naming them.
    TimetableEdit unknown;
    unknown.remove_routes = {"99Z"};
    try {
        edit_timetable(tt, unknown, "scenario 'x'", quiet);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("'99Z'"), std::string::npos);
    }
}
