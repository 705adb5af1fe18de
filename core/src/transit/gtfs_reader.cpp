// GTFS reader: one service date from one or more feeds, checked as we go. Files are read
// through GDAL's virtual file system, so a zip is read in place (no unpacking).
#include <accessatlas/error.hpp>
#include <accessatlas/transit/timetable.hpp>

#include "crs/to_bng.hpp"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

namespace accessatlas::transit {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t listed_most = 10;

std::string some(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < listed_most; ++i) out += (i ? "; " : "") + items[i];
    if (items.size() > listed_most) out += fmt::format("; and {} more", items.size() - listed_most);
    return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}
long day_number(int yyyymmdd) { return days_from_civil(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100); }
int date_of_day(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long y = static_cast<long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return static_cast<int>((y + (m <= 2)) * 10000 + m * 100 + d);
}
int weekday_monday0(int yyyymmdd) {
    const long z = day_number(yyyymmdd);  // 1970-01-01 was a Thursday (3 from Monday)
    return static_cast<int>(((z % 7) + 7 + 3) % 7);
}
std::string iso(int yyyymmdd) { return fmt::format("{:04}-{:02}-{:02}", yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100); }

std::string trim(std::string s) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

// RFC 4180 rows from a whole file: quoted fields, doubled quotes, CRLF, a UTF-8 byte-order mark.
class CsvFile {
public:
    CsvFile(std::string text, std::string feed, std::string file)
        : m_text(std::move(text)), m_feed(std::move(feed)), m_file(std::move(file)) {
        if (m_text.compare(0, 3, "\xEF\xBB\xBF") == 0) m_pos = 3;
        std::vector<std::string> header;
        if (!next(header))
            throw InputError("the file is empty", {m_feed + ":" + m_file, {}, {}, {}}, "every GTFS file starts with a header line");
        for (std::size_t i = 0; i < header.size(); ++i) m_columns[trim(header[i])] = i;
    }
    // Index of a column; no_index when absent (optional columns).
    std::size_t column(const std::string& name) const {
        auto it = m_columns.find(name);
        return it == m_columns.end() ? no_index : it->second;
    }
    std::size_t required(const std::string& name) const {
        const auto c = column(name);
        if (c == no_index)
            throw InputError(fmt::format("the required column '{}' is missing", name), {m_feed + ":" + m_file, {}, {}, name},
                             "the GTFS reference lists the required columns of each file; check the feed was exported completely");
        return c;
    }
    bool next(std::vector<std::string>& row) {
        row.clear();
        if (m_pos >= m_text.size()) return false;
        ++m_line;
        std::string field;
        bool quoted = false;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (quoted) {
                if (c == '"') {
                    if (m_pos < m_text.size() && m_text[m_pos] == '"') {
                        field += '"';
                        ++m_pos;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') ++m_line_extra;
                    field += c;
                }
            } else if (c == '"' && field.empty()) {
                quoted = true;
            } else if (c == ',') {
                row.push_back(std::move(field));
                field.clear();
            } else if (c == '\n') {
                break;
            } else if (c != '\r') {
                field += c;
            }
        }
        row.push_back(std::move(field));
        // Blank lines carry nothing.
        if (row.size() == 1 && row[0].empty()) return next(row);
        return true;
    }
    std::size_t line() const { return m_line + m_line_extra; }
    const std::string& name() const { return m_file; }

private:
    std::string m_text;
    std::string m_feed, m_file;
    std::size_t m_pos = 0;
    std::size_t m_line = 0, m_line_extra = 0;
    std::map<std::string, std::size_t> m_columns;
};

std::string get(const std::vector<std::string>& row, std::size_t column) { return column < row.size() ? trim(row[column]) : std::string(); }

// One feed's files, found at its top level or in one sub-folder (some exports nest them).
class FeedFiles {
public:
    explicit FeedFiles(const std::string& path) : m_path(path) {
        std::error_code ec;
        if (!fs::exists(path, ec))
            throw InputError("the GTFS feed does not exist", {path, {}, {}, {}}, "check [transit] feeds: a .zip or a folder of .txt files");
        const bool zip = !fs::is_directory(path, ec);
        m_root = zip ? "/vsizip/" + fs::absolute(path).string() : fs::absolute(path).string();
        char** list = VSIReadDirRecursive(m_root.c_str());
        if (list == nullptr && zip)
            throw InputError("the GTFS feed is not a readable zip file", {path, {}, {}, {}},
                             "give the feed as downloaded (a .zip) or unpack it into a folder");
        for (char** p = list; p != nullptr && *p != nullptr; ++p) {
            std::string entry = *p;
            std::replace(entry.begin(), entry.end(), '\\', '/');
            const auto slash = entry.rfind('/');
            const std::string base = slash == std::string::npos ? entry : entry.substr(slash + 1);
            // The shallowest copy of a name wins.
            auto it = m_entries.find(base);
            if (it == m_entries.end() ||
                std::count(entry.begin(), entry.end(), '/') < std::count(it->second.begin(), it->second.end(), '/'))
                m_entries[base] = entry;
        }
        CSLDestroy(list);
    }
    bool has(const std::string& file) const { return m_entries.count(file) > 0; }
    std::string read(const std::string& file) const {
        const std::string full = m_root + "/" + m_entries.at(file);
        VSILFILE* f = VSIFOpenL(full.c_str(), "rb");
        if (f == nullptr) throw InputError("cannot open " + file, {m_path, {}, {}, {}}, "the feed may be damaged; download it again");
        std::string text;
        char buffer[1 << 16];
        std::size_t n;
        while ((n = VSIFReadL(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
        VSIFCloseL(f);
        return text;
    }
    CsvFile open(const std::string& feed_name, const std::string& file) const {
        if (!has(file))
            throw InputError(fmt::format("the required file {} is missing", file), {m_path, {}, {}, {}},
                             "a GTFS feed needs stops.txt, routes.txt, trips.txt, stop_times.txt and calendar.txt or calendar_dates.txt");
        return CsvFile(read(file), feed_name, file);
    }

private:
    std::string m_path;
    std::string m_root;
    std::map<std::string, std::string> m_entries;
};

// Warnings of one kind, each item named, reported once with the first few and a count.
class Named {
public:
    Named(std::string what, std::string kind = "gtfs_item_left_out", std::string feed_path = {})
        : m_what(std::move(what)), m_kind(std::move(kind)), m_path(std::move(feed_path)) {}
    // `file` and `id` place the item for the output's run_warnings table.
    void add(std::string item, std::string file = {}, std::string id = {}) {
        m_rows.push_back({m_kind, m_path, std::move(file), std::move(id), {}, {}, item});
        m_items.push_back(std::move(item));
    }
    void report(Reporter& reporter) const {
        if (m_items.empty()) return;
        reporter.warning(fmt::format("{} {}: {}", m_items.size(), m_what, some(m_items)));
        for (const auto& r : m_rows) reporter.item(r);
    }

private:
    std::string m_what, m_kind, m_path;
    std::vector<std::string> m_items;
    std::vector<WarningItem> m_rows;
};

struct Service {
    bool weekday[7] = {};
    int start = 0, end = 0;
    bool has_calendar = false;
    std::map<int, int> exceptions;  // date -> 1 added, 2 removed
    bool runs(int date) const {
        auto it = exceptions.find(date);
        if (it != exceptions.end()) return it->second == 1;
        return has_calendar && date >= start && date <= end && weekday[weekday_monday0(date)];
    }
};

bool plausible_gb(double lon, double lat) { return lat >= 49.0 && lat <= 61.5 && lon >= -9.0 && lon <= 2.5; }

double parse_number(const std::string& s, bool* ok) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    *ok = !s.empty() && end == s.c_str() + s.size() && std::isfinite(v);
    return v;
}

struct RawEvent {
    std::uint32_t stop;
    int sequence;
    int arrival;  // -1 when empty (a stop between timepoints)
    int departure;
    bool pickup, drop_off;
    std::size_t line;
};

// Reads one feed into `tt` (stops, routes, trips running on `date` or past midnight from the
// day before). Returns the number of trips added.
std::size_t read_feed(const std::string& path, std::uint32_t feed_index, int date, Timetable& tt, Reporter& reporter) {
    const FeedFiles files(path);
    const std::string feed = fs::path(path).filename().string();
    tt.feeds.push_back({path, feed, {}, {}});
    std::vector<std::string> row;

    // --- services ---------------------------------------------------------------------
    std::unordered_map<std::string, Service> services;
    if (!files.has("calendar.txt") && !files.has("calendar_dates.txt"))
        throw InputError("the feed has neither calendar.txt nor calendar_dates.txt", {path, {}, {}, {}},
                         "a GTFS feed says on which days each trip runs in one of these files");
    int first_day = 99999999, last_day = 0;
    Named bad_dates(fmt::format("service rows of {} with an unreadable date were ignored", feed), "gtfs_service_row_ignored", path);
    if (files.has("calendar.txt")) {
        auto csv = files.open(feed, "calendar.txt");
        const auto c_id = csv.required("service_id"), c_start = csv.required("start_date"), c_end = csv.required("end_date");
        static const char* days[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
        std::size_t c_day[7];
        for (int d = 0; d < 7; ++d) c_day[d] = csv.required(days[d]);
        while (csv.next(row)) {
            auto& s = services[get(row, c_id)];
            try {
                s.start = parse_date(get(row, c_start), "start_date");
                s.end = parse_date(get(row, c_end), "end_date");
            } catch (const InputError&) {
                bad_dates.add(fmt::format("calendar.txt line {} (service {})", csv.line(), get(row, c_id)));
                continue;
            }
            s.has_calendar = true;
            bool any = false;
            for (int d = 0; d < 7; ++d) any |= (s.weekday[d] = get(row, c_day[d]) == "1");
            if (any) {
                first_day = std::min(first_day, s.start);
                last_day = std::max(last_day, s.end);
            }
        }
    }
    if (files.has("calendar_dates.txt")) {
        auto csv = files.open(feed, "calendar_dates.txt");
        const auto c_id = csv.required("service_id"), c_date = csv.required("date"), c_type = csv.required("exception_type");
        while (csv.next(row)) {
            int d = 0;
            try {
                d = parse_date(get(row, c_date), "date");
            } catch (const InputError&) {
                bad_dates.add(fmt::format("calendar_dates.txt line {} (service {})", csv.line(), get(row, c_id)));
                continue;
            }
            const std::string type = get(row, c_type);
            if (type != "1" && type != "2") {
                bad_dates.add(
                    fmt::format("calendar_dates.txt line {} (service {}: exception_type '{}')", csv.line(), get(row, c_id), type));
                continue;
            }
            services[get(row, c_id)].exceptions[d] = type == "1" ? 1 : 2;
            if (type == "1") {
                first_day = std::min(first_day, d);
                last_day = std::max(last_day, d);
            }
        }
    }
    bad_dates.report(reporter);
    if (last_day > 0) {
        tt.feeds.back().first_date = iso(first_day);
        tt.feeds.back().last_date = iso(last_day);
    }
    const int previous = date_of_day(day_number(date) - 1);

    // --- stops --------------------------------------------------------------------------
    const auto to_bng = crs::ToBng::from_wgs84();
    std::unordered_map<std::string, std::uint32_t> stop_index;
    Named unlocated(fmt::format("stops of {} have no usable coordinate and cannot be walked to (trips still pass them)", feed),
                    "gtfs_stop_unlocated", path);
    {
        auto csv = files.open(feed, "stops.txt");
        const auto c_id = csv.required("stop_id"), c_lat = csv.column("stop_lat"), c_lon = csv.column("stop_lon");
        const auto c_name = csv.column("stop_name"), c_parent = csv.column("parent_station");
        std::vector<std::pair<std::uint32_t, std::string>> parents;
        while (csv.next(row)) {
            Stop s;
            s.id = get(row, c_id);
            s.name = get(row, c_name);
            s.feed = feed_index;
            if (s.id.empty()) {
                unlocated.add(fmt::format("stops.txt line {}: no stop_id (row ignored)", csv.line()));
                continue;
            }
            if (stop_index.count(s.id)) {
                unlocated.add(fmt::format("stops.txt line {}: stop {} appears twice (the first row is used)", csv.line(), s.id));
                continue;
            }
            bool ok_lat = false, ok_lon = false;
            const double lat = parse_number(get(row, c_lat), &ok_lat), lon = parse_number(get(row, c_lon), &ok_lon);
            if (!ok_lat || !ok_lon) {
                unlocated.add(fmt::format("stops.txt line {}: stop {} has no coordinate", csv.line(), s.id), "stops.txt", s.id);
            } else if (!plausible_gb(lon, lat)) {
                unlocated.add(
                    fmt::format("stops.txt line {}: stop {} at lat {}, lon {} lies outside Great Britain", csv.line(), s.id, lat, lon),
                    "stops.txt", s.id);
            } else {
                s.location = to_bng.transform(Point{lon, lat});
                // The grid's false origin (0, 0) is a placeholder some exports write, not a place.
                if (std::abs(s.location.x) < 1000 && std::abs(s.location.y) < 1000)
                    unlocated.add(
                        fmt::format("stops.txt line {}: stop {} lies at the British National Grid's false origin", csv.line(), s.id),
                        "stops.txt", s.id);
                else
                    s.located = std::isfinite(s.location.x) && std::isfinite(s.location.y);
            }
            const auto idx = static_cast<std::uint32_t>(tt.stops.size());
            stop_index[s.id] = idx;
            const std::string parent = get(row, c_parent);
            if (!parent.empty()) parents.emplace_back(idx, parent);
            tt.stops.push_back(std::move(s));
        }
        for (const auto& [idx, parent] : parents) {
            auto it = stop_index.find(parent);
            if (it != stop_index.end()) tt.stops[idx].parent = it->second;
        }
        // A platform without a coordinate takes its station's.
        for (auto& s : tt.stops)
            if (!s.located && s.parent != no_index && tt.stops[s.parent].located) {
                s.location = tt.stops[s.parent].location;
                s.located = true;
            }
    }
    unlocated.report(reporter);

    // --- routes -------------------------------------------------------------------------
    std::unordered_map<std::string, std::uint32_t> route_index;
    {
        auto csv = files.open(feed, "routes.txt");
        const auto c_id = csv.required("route_id"), c_short = csv.column("route_short_name"), c_long = csv.column("route_long_name");
        const auto c_type = csv.required("route_type");
        while (csv.next(row)) {
            Route r;
            r.id = get(row, c_id);
            r.short_name = get(row, c_short);
            r.long_name = get(row, c_long);
            bool ok = false;
            r.type = static_cast<int>(parse_number(get(row, c_type), &ok));
            r.feed = feed_index;
            route_index.emplace(r.id, static_cast<std::uint32_t>(tt.routes.size()));
            tt.routes.push_back(std::move(r));
        }
    }

    // --- trips that run on the date, or the day before (past midnight) -------------------
    struct TripRow {
        std::string id;
        std::uint32_t route;
        bool today, yesterday;
    };
    std::vector<TripRow> trip_rows;
    std::unordered_map<std::string, std::uint32_t> trip_row_of;
    Named trip_problems(fmt::format("trips of {} were left out", feed), "gtfs_trip_left_out", path);
    {
        auto csv = files.open(feed, "trips.txt");
        const auto c_id = csv.required("trip_id"), c_route = csv.required("route_id"), c_service = csv.required("service_id");
        while (csv.next(row)) {
            const std::string id = get(row, c_id), service = get(row, c_service);
            auto r = route_index.find(get(row, c_route));
            if (r == route_index.end()) {
                trip_problems.add(
                    fmt::format("trips.txt line {}: trip {} names route '{}', which routes.txt lacks", csv.line(), id, get(row, c_route)));
                continue;
            }
            auto s = services.find(service);
            if (s == services.end()) {
                trip_problems.add(
                    fmt::format("trips.txt line {}: trip {} names service '{}', which no calendar lists", csv.line(), id, service));
                continue;
            }
            const bool today = s->second.runs(date), yesterday = s->second.runs(previous);
            if (!today && !yesterday) continue;
            if (!trip_row_of.emplace(id, static_cast<std::uint32_t>(trip_rows.size())).second) {
                trip_problems.add(fmt::format("trips.txt line {}: trip {} appears twice (the first row is used)", csv.line(), id));
                continue;
            }
            trip_rows.push_back({id, r->second, today, yesterday});
        }
    }

    // --- stop times of those trips --------------------------------------------------------
    std::vector<std::vector<RawEvent>> raw(trip_rows.size());
    Named bad_events(fmt::format("stop times of {} name a stop that stops.txt lacks (the trip skips it)", feed), "gtfs_stop_time_skipped",
                     path);
    {
        auto csv = files.open(feed, "stop_times.txt");
        const auto c_trip = csv.required("trip_id"), c_arr = csv.required("arrival_time"), c_dep = csv.required("departure_time");
        const auto c_stop = csv.required("stop_id"), c_seq = csv.required("stop_sequence");
        const auto c_pick = csv.column("pickup_type"), c_drop = csv.column("drop_off_type");
        std::vector<bool> dropped(trip_rows.size(), false);
        while (csv.next(row)) {
            auto t = trip_row_of.find(get(row, c_trip));
            if (t == trip_row_of.end() || dropped[t->second]) continue;
            const std::string stop = get(row, c_stop);
            auto s = stop_index.find(stop);
            if (s == stop_index.end()) {
                bad_events.add(fmt::format("stop_times.txt line {}: trip {}, stop '{}'", csv.line(), t->first, stop));
                continue;
            }
            bool ok_seq = false;
            const double seq = parse_number(get(row, c_seq), &ok_seq);
            const std::string a = get(row, c_arr), d = get(row, c_dep);
            int arr = a.empty() ? -1 : parse_clock(a), dep = d.empty() ? -1 : parse_clock(d);
            if (!ok_seq || (!a.empty() && arr < 0) || (!d.empty() && dep < 0)) {
                trip_problems.add(fmt::format("stop_times.txt line {}: trip {} has {} '{}'", csv.line(), t->first,
                                              !ok_seq ? "stop_sequence" : "time",
                                              !ok_seq ? get(row, c_seq) : (arr < 0 && !a.empty() ? a : d)));
                dropped[t->second] = true;
                raw[t->second].clear();
                continue;
            }
            if (arr < 0) arr = dep;
            if (dep < 0) dep = arr;
            raw[t->second].push_back(
                {s->second, static_cast<int>(seq), arr, dep, get(row, c_pick) != "1", get(row, c_drop) != "1", csv.line()});
        }
    }
    bad_events.report(reporter);

    // --- frequencies: a trip given as a template repeated at a headway --------------------
    std::vector<std::vector<int>> repeat_starts(trip_rows.size());
    if (files.has("frequencies.txt")) {
        auto csv = files.open(feed, "frequencies.txt");
        const auto c_trip = csv.required("trip_id"), c_start = csv.required("start_time"), c_end = csv.required("end_time");
        const auto c_head = csv.required("headway_secs");
        while (csv.next(row)) {
            auto t = trip_row_of.find(get(row, c_trip));
            if (t == trip_row_of.end()) continue;
            const int start = parse_clock(get(row, c_start)), end = parse_clock(get(row, c_end));
            bool ok = false;
            const double headway = parse_number(get(row, c_head), &ok);
            if (start < 0 || end < 0 || !ok || headway <= 0 || end < start) {
                trip_problems.add(fmt::format("frequencies.txt line {}: trip {} has an unreadable period or headway (row ignored)",
                                              csv.line(), t->first));
                continue;
            }
            for (double s = start; s < end; s += headway) repeat_starts[t->second].push_back(static_cast<int>(s));
        }
    }

    // --- build trips ------------------------------------------------------------------------
    std::size_t added = 0;
    for (std::size_t r = 0; r < trip_rows.size(); ++r) {
        auto& ev = raw[r];
        const auto& tr = trip_rows[r];
        if (ev.size() < 2) {
            if (!ev.empty()) trip_problems.add(fmt::format("trip {} has fewer than two stops", tr.id));
            continue;
        }
        std::stable_sort(ev.begin(), ev.end(), [](const RawEvent& a, const RawEvent& b) { return a.sequence < b.sequence; });
        // Stops between timepoints (both times empty) take times in proportion to their rank.
        bool ends_missing = ev.front().arrival < 0 || ev.back().arrival < 0;
        if (ends_missing) {
            trip_problems.add(fmt::format("stop_times.txt line {}: trip {} has no time at its first or last stop", ev.front().line, tr.id));
            continue;
        }
        for (std::size_t i = 1; i + 1 < ev.size(); ++i) {
            if (ev[i].arrival >= 0) continue;
            std::size_t j = i;
            while (ev[j].arrival < 0) ++j;
            const int from = ev[i - 1].departure, to = ev[j].arrival;
            for (std::size_t k = i; k < j; ++k)
                ev[k].arrival = ev[k].departure =
                    from + static_cast<int>(std::lround(double(to - from) * double(k - i + 1) / double(j - i + 1)));
        }
        bool backwards = false;
        std::size_t bad_line = 0;
        for (std::size_t i = 0; i < ev.size() && !backwards; ++i) {
            if (ev[i].departure < ev[i].arrival) backwards = true, bad_line = ev[i].line;
            if (i + 1 < ev.size() && ev[i + 1].arrival < ev[i].departure) backwards = true, bad_line = ev[i + 1].line;
        }
        if (backwards) {
            trip_problems.add(fmt::format("stop_times.txt line {}: trip {}'s times go backwards", bad_line, tr.id), "stop_times.txt",
                              tr.id);
            continue;
        }
        std::vector<int> starts = repeat_starts[r];
        const bool frequency = !starts.empty();
        if (!frequency) starts.push_back(ev.front().departure);
        for (int start : starts) {
            const int shift_to_start = start - ev.front().departure;
            for (int day = 0; day < 2; ++day) {
                const bool runs = day == 0 ? tr.today : tr.yesterday;
                if (!runs) continue;
                const int shift = shift_to_start - (day == 0 ? 0 : 86400);
                if (ev.back().arrival + shift < 0) continue;  // yesterday's trip over before midnight
                std::vector<StopEvent> out;
                out.reserve(ev.size());
                for (const auto& e : ev) out.push_back({e.stop, e.arrival + shift, e.departure + shift, e.pickup, e.drop_off});
                std::string id = tr.id;
                if (frequency) id += "@" + format_clock(start);
                if (day == 1) id += " (" + iso(previous) + ")";
                tt.add_trip(tr.route, std::move(id), out);
                ++added;
            }
        }
    }
    trip_problems.report(reporter);

    // --- transfers ----------------------------------------------------------------------------
    if (files.has("transfers.txt")) {
        auto csv = files.open(feed, "transfers.txt");
        const auto c_from = csv.required("from_stop_id"), c_to = csv.required("to_stop_id"), c_type = csv.column("transfer_type");
        const auto c_min = csv.column("min_transfer_time");
        Named bad(fmt::format("transfers of {} were ignored", feed), "gtfs_transfer_ignored", path);
        while (csv.next(row)) {
            auto f = stop_index.find(get(row, c_from)), t = stop_index.find(get(row, c_to));
            if (f == stop_index.end() || t == stop_index.end()) {
                bad.add(fmt::format("transfers.txt line {}: unknown stop '{}'", csv.line(),
                                    f == stop_index.end() ? get(row, c_from) : get(row, c_to)));
                continue;
            }
            const std::string type = get(row, c_type);
            bool ok = false;
            const double min_s = parse_number(get(row, c_min), &ok);
            if (type == "3")
                tt.transfers.push_back({f->second, t->second, 0, true});
            else if (type == "2" && ok && min_s >= 0)
                tt.transfers.push_back({f->second, t->second, static_cast<std::int32_t>(min_s), false});
            else if (type == "2")
                bad.add(fmt::format("transfers.txt line {}: transfer_type 2 without a min_transfer_time", csv.line()));
        }
        bad.report(reporter);
    }
    return added;
}

}  // namespace

int parse_date(const std::string& text, const std::string& what) {
    std::string digits;
    for (char c : text)
        if (c != '-') digits += c;
    const bool shape = digits.size() == 8 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                       (text.size() == 8 || (text.size() == 10 && text[4] == '-' && text[7] == '-'));
    const int v = shape ? std::stoi(digits) : 0;
    if (!shape || v / 100 % 100 < 1 || v / 100 % 100 > 12 || v % 100 < 1 || v % 100 > 31 || date_of_day(day_number(v)) != v)
        throw InputError(fmt::format("'{}' is not a date", text), {{}, {}, {}, what}, "write dates as YYYY-MM-DD, e.g. 2024-03-05");
    return v;
}

int parse_clock(const std::string& text) {
    int part[3] = {0, 0, 0};
    int n = 0;
    std::size_t i = 0;
    while (n < 3) {
        std::size_t start = i;
        long v = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 4) v = v * 10 + (text[i++] - '0');
        if (i == start) return -1;
        part[n++] = static_cast<int>(v);
        if (i == text.size()) break;
        if (text[i] != ':') return -1;
        ++i;
    }
    if (i != text.size() || n < 2 || part[1] > 59 || part[2] > 59) return -1;
    return part[0] * 3600 + part[1] * 60 + part[2];
}

std::string format_clock(double seconds) {
    const long s = std::lround(seconds);
    if (s % 60 == 0) return fmt::format("{:02}:{:02}", s / 3600, s / 60 % 60);
    return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

std::size_t Timetable::connection_count() const {
    std::size_t n = 0;
    for (const auto& t : trips) n += t.event_count > 0 ? t.event_count - 1 : 0;
    return n;
}

std::uint32_t Timetable::add_trip(std::uint32_t route, std::string id, const std::vector<StopEvent>& trip_events) {
    Trip t;
    t.id = std::move(id);
    t.route = route;
    t.first_event = static_cast<std::uint32_t>(events.size());
    t.event_count = static_cast<std::uint32_t>(trip_events.size());
    events.insert(events.end(), trip_events.begin(), trip_events.end());
    trips.push_back(std::move(t));
    return static_cast<std::uint32_t>(trips.size() - 1);
}

Timetable read_gtfs(const std::vector<std::string>& feeds, const std::string& date_text, Reporter& reporter) {
    if (feeds.empty()) throw InputError("no GTFS feed is given", {}, "list the feeds in [transit] feeds = [\"bus.zip\", \"rail.zip\"]");
    const int date = parse_date(date_text, "transit.date");
    Timetable tt;
    tt.date = iso(date);
    std::vector<std::size_t> added;
    for (std::uint32_t f = 0; f < feeds.size(); ++f) {
        reporter.stage("Reading the timetable " + fs::path(feeds[f]).filename().string());
        added.push_back(read_feed(feeds[f], f, date, tt, reporter));
        reporter.check_cancelled();
    }
    std::vector<std::string> ranges;
    for (std::size_t f = 0; f < feeds.size(); ++f)
        ranges.push_back(fmt::format("{} runs {} to {}", tt.feeds[f].name,
                                     tt.feeds[f].first_date.empty() ? "(no day)" : tt.feeds[f].first_date,
                                     tt.feeds[f].last_date.empty() ? "(no day)" : tt.feeds[f].last_date));
    if (tt.trips.empty())
        throw InputError(
            fmt::format("no trip runs on {} ({}, {})", tt.date, weekday_monday0(date) < 5 ? "a weekday" : "a weekend day", some(ranges)),
            {feeds.front(), {}, {}, "transit.date"}, "choose a date within the feeds' dates, or feeds for the date wanted");
    for (std::size_t f = 0; f < feeds.size(); ++f)
        if (added[f] == 0)
            reporter.warning(fmt::format("no trip of {} runs on {} ({}): it adds nothing", tt.feeds[f].name, tt.date, ranges[f]));
    reporter.info(fmt::format("timetable for {}: {} stops, {} routes, {} trips, {} connections", tt.date, tt.stops.size(), tt.routes.size(),
                              tt.trips.size(), tt.connection_count()));
    return tt;
}

}  // namespace accessatlas::transit
