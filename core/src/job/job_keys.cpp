#include <accessatlas/job/job_keys.hpp>

#include <accessatlas/job/job.hpp>

#include <fmt/format.h>

namespace accessatlas::job {

namespace {

std::string number_text(double v) { return fmt::format("{}", v); }

std::string list_text(const std::vector<double>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + number_text(v[i]);
    return out + "]";
}

std::string clock_text(double seconds) {
    const int s = static_cast<int>(seconds);
    return fmt::format("\"{:02d}:{:02d}\"", s / 3600, s / 60 % 60);
}

JobKey number(std::string key, double def, double lo, double hi, std::string units, std::string help) {
    return {std::move(key), KeyType::number, number_text(def), lo, hi, std::move(units), std::move(help)};
}
JobKey numbers(std::string key, const std::vector<double>& def, double lo, double hi, std::string units, std::string help) {
    return {std::move(key), KeyType::numbers, list_text(def), lo, hi, std::move(units), std::move(help)};
}
JobKey boolean(std::string key, bool def, std::string help) {
    return {std::move(key), KeyType::boolean, def ? "true" : "false", 0, 1, "", std::move(help)};
}
JobKey clock(std::string key, double def_s, std::string help) {
    return {std::move(key), KeyType::clock, clock_text(def_s), 0, 48 * 3600, "", std::move(help)};
}

std::vector<JobKey> make_keys() {
    // The owners of the defaults.
    const Job job;
    const transit::WindowOptions& w = job.transit.window;
    const access::Decay& decay = job.e2sfca.decay;
    const CatchmentSpec& catchments = job.catchments;
    const GreenspaceSpec& green = job.greenspace;
    const ClusteringSpec& clusters = job.clustering;
    return {
        number("job.threads", job.threads, 0, 1024, "", "Worker threads; 0 uses every core"),
        boolean("job.csv", job.write_csv, "Also write the area table as CSV beside the GeoPackage"),
        number("network.snap_tolerance_m", job.network_options.snap_tolerance_m, 0.001, 100, "m",
               "GIS road layers: line ends closer than this are joined"),
        number("origins.spacing_m", job.street_spacing_m, 5, 5000, "m", "Spacing of street points along the roads of each area"),
        numbers("analysis.thresholds_min", job.thresholds_min, 0.1, 1440, "min", "Time thresholds of the per-area counts and shares"),
        number("analysis.max_snap_m", job.max_snap_m, 0, 100000, "m",
               "Farthest a facility or origin may lie from the network; beyond it, it is left out and named"),
        number("analysis.edge_buffer_m", job.edge_buffer_m, 0, 100000, "m",
               "How far the network should reach beyond the areas (a warning names areas near its edge)"),
        boolean("analysis.count_within_thresholds", job.count_within_thresholds,
                "Count the facilities within each threshold per area (<service>_<mode>_n_<T>)"),
        clock("transit.window_start", w.start_s, "First departure of the window"),
        clock("transit.window_end", w.end_s, "Departures before this time"),
        number("transit.step_min", w.step_s / 60, 0.25, 180, "min", "Minutes between the departures evaluated in the window"),
        number("transit.max_time_min", w.max_time_s / 60, 1, 600, "min", "A departure with no journey within this is not reached"),
        number("transit.max_walk_min", w.max_walk_s / 60, 0, 120, "min", "Longest walk to the first stop and from the last"),
        number("transit.max_transfer_walk_min", w.max_transfer_walk_s / 60, 0, 60, "min", "Longest walk between stops when changing"),
        number("transit.change_min", w.change_s / 60, 0, 30, "min", "Minimum time to change vehicles"),
        number("transit.catchment_percentile", w.reach_percentile, 1, 100, "",
               "Percentile of the window's journey times that catchments and E2SFCA use (50 = median)"),
        boolean("catchments.enabled", true, "Write catchments (a [catchments] section switches them on)"),
        numbers("catchments.thresholds_min", catchments.thresholds_min, 0.1, 1440, "min", "Catchment time limits"),
        number("catchments.walk_off_m", catchments.walk_off_m, 0.1, 1000, "m", "Buffer around the reachable network in catchment polygons"),
        boolean("catchments.polygons", catchments.polygons, "Write catchment polygons"),
        boolean("catchments.members", catchments.members, "Write every (facility, origin, time) pair as a table"),
        boolean("e2sfca.enabled", true, "Compute E2SFCA (an [e2sfca] section switches it on)"),
        numbers("e2sfca.band_upper_min", decay.band_upper_min, 0.1, 1440, "min", "Upper limits of the decay bands"),
        numbers("e2sfca.band_weights", decay.band_weight, 0, 1, "", "Weight of each band (Luo and Qi 2009)"),
        number("e2sfca.max_time_min", decay.max_time_min, 0.1, 1440, "min",
               "Catchment size t0 (with bands: the last band's limit unless given)"),
        number("e2sfca.gaussian_sigma_min", decay.gaussian_sigma_min, 0.01, 1440, "min", "Gaussian decay's sigma"),
        number("e2sfca.exponential_per_min", decay.exponential_per_min, 0, 100, "per min", "Exponential decay's rate"),
        number("greenspace.entrance_max_m", green.site_options.entrance_max_m, 0, 1000, "m",
               "A given entrance belongs to a site within this distance"),
        number("greenspace.fallback_spacing_m", green.site_options.fallback_spacing_m, 1, 10000, "m",
               "Sites without an entrance or a path inside get boundary points this far apart"),
        number("greenspace.ten_minute_walk_m", 800, 1, 1e5, "m", "A 10-minute walk (the default tiers' distances scale with it)"),
        number("greenspace.neighbourhood_m", green.neighbourhood_m, 1, 1e5, "m", "Green-space hectares counted within this walk"),
        number("greenspace.capacity_ha_per_1000", green.capacity_ha_per_1000, 0, 1e6, "ha", "Capacity standard, hectares per 1,000 people"),
        number("clustering.tolerance_m", clusters.tolerance_m, 0, 1000, "m",
               "Gaps between polygons up to this width still count as shared"),
        number("clustering.permutations", static_cast<double>(clusters.permutations), 0, 99999, "", "Permutations of the pseudo p-values"),
        number("clustering.seed", static_cast<double>(clusters.seed), 0, 9e15, "", "Random seed (the same seed gives the same p-values)"),
        number("clustering.significance", clusters.significance, 1e-6, 0.5, "", "Significance level of the local clusters"),
        number("inequality.min_areas_per_decile", static_cast<double>(job.inequality.min_areas_per_decile), 1, 1000, "",
               "Fewer areas than this in a decile raise a warning that the estimates rest on few areas"),
    };
}

std::string range_text(const JobKey& k) {
    if (k.type == KeyType::boolean || k.type == KeyType::clock) return "";
    return fmt::format("{} to {}", number_text(k.minimum), number_text(k.maximum));
}

}  // namespace

const std::vector<JobKey>& job_keys() {
    static const std::vector<JobKey> keys = make_keys();
    return keys;
}

const JobKey* find_job_key(const std::string& key) {
    for (const auto& k : job_keys())
        if (k.key == key) return &k;
    return nullptr;
}

std::string plain_default(const JobKey& key) {
    std::string out;
    for (char c : key.default_value)
        if (c != '[' && c != ']' && c != '"' && c != ' ') out += c;
    return out;
}

std::string job_keys_markdown() {
    std::string md = "# Job keys with a default and a range\n\nGenerated from the key table (`accessatlas job-keys --markdown`; "
                     "`core/src/job/job_keys.cpp`): the parser checks these ranges, and the CLI options and QGIS dialogs take their "
                     "defaults from the same table. The other keys (paths, fields, lists of names) are described in `job-file.md`.\n\n"
                     "| key | type | default | range | units | meaning |\n|---|---|---|---|---|---|\n";
    for (const auto& k : job_keys()) {
        const char* type = k.type == KeyType::number    ? "number"
                           : k.type == KeyType::numbers ? "list of numbers"
                           : k.type == KeyType::boolean ? "true/false"
                                                        : "time of day";
        md += fmt::format("| `{}` | {} | `{}` | {} | {} | {} |\n", k.key, type, k.default_value, range_text(k), k.units, k.help);
    }
    return md;
}

}  // namespace accessatlas::job
