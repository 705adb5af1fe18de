#include "job/job_reader.hpp"

#include "crs/to_bng.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace accessatlas::job {

using namespace detail;

namespace {

// [job]: title, outputs, threads.
void parse_job_section(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* t = r.table(root, "job", false)) {
        r.check_keys(*t, "job", "job.");
        job.title = r.text(*t, "job.", "title", "");
        job.output = r.path(*t, "job.", "output", false);
        job.write_csv = r.boolean(*t, "job.", "csv", false);
        job.report = r.path(*t, "job.", "report", false);
        job.project = r.path(*t, "job.", "project", false);
        job.threads = static_cast<unsigned>(r.number(*t, "job.", "threads"));
    }
}

// [network]: the road network (or its graph file) and how to read a GIS layer of it.
void parse_network(const Reader& r, const toml::table& root, Job& job) {
    // A network is needed unless the job only measures straight-line green-space access.
    const toml::table* greens = root.get("greenspace") ? root.get("greenspace")->as_table() : nullptr;
    const bool straight_only = !root.contains("services") &&
                               ((greens && greens->get("mode") && greens->get("mode")->value<std::string>().value_or("") == "straight") ||
                                (!greens && (root.contains("indices") || root.contains("composite") || root.contains("clustering") ||
                                             root.contains("inequality"))));
    const toml::table empty_network;
    const auto* net = r.table(root, "network", !straight_only);
    if (!net) net = &empty_network;
    r.check_keys(*net, "network", "network.");
    job.network.path = r.path(*net, "network.", "path", !straight_only);
    job.network.layer = r.text(*net, "network.", "layer", "");
    job.network_coverage.path = r.path(*net, "network.", "coverage", false);
    job.network_coverage.layer = r.text(*net, "network.", "coverage_layer", "");
    job.graph_file = r.path(*net, "network.", "graph", false);
    if (!job.graph_file.empty() && !network::is_graph_file(job.graph_file))
        r.fail("network.graph", "must be an Access Atlas graph file (.aagraph)", net->get("graph"),
               "build one with: accessatlas network NETWORK --save-graph FILE.aagraph");
    job.network_options.layer = job.network.layer;
    job.network_options.class_field = r.text(*net, "network.", "class_field", "");
    job.network_options.oneway_field = r.text(*net, "network.", "oneway_field", "");
    job.network_options.maxspeed_field = r.text(*net, "network.", "maxspeed_field", "");
    job.network_options.start_node_field = r.text(*net, "network.", "start_node_field", "");
    job.network_options.end_node_field = r.text(*net, "network.", "end_node_field", "");
    job.network_options.snap_tolerance_m = r.number(*net, "network.", "snap_tolerance_m");
}

// [areas]: the LSOA polygons and their code field (guessed when left out).
void parse_areas(const Reader& r, const toml::table& root, Job& job) {
    const auto* areas = r.table(root, "areas", true);
    r.check_keys(*areas, "areas", "areas.");
    job.areas.path = r.path(*areas, "areas.", "path", true);
    job.areas.layer = r.text(*areas, "areas.", "layer", "");
    job.area_code_field = r.text(*areas, "areas.", "code_field", "");
    if (job.area_code_field.empty())
        job.area_code_field = r.guessed_field("areas.code_field", Reader::Guess::area_code, job.areas.path, job.areas.layer, areas);
    job.area_name_field = r.text(*areas, "areas.", "name_field", "");
    job.geography.areas = geography_name(r, *areas, "areas.");
}

// [population]: a table (or the areas' own field) of people per area.
void parse_population(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* pop = r.table(root, "population", false)) {
        r.check_keys(*pop, "population", "population.");
        job.population.path = r.path(*pop, "population.", "path", false);
        job.population.layer = r.text(*pop, "population.", "layer", "");
        job.population_code_field =
            r.code_field(*pop, "population.", "code_field", job.population.path, job.population.layer, job.area_code_field);
        job.population_field = r.text(*pop, "population.", "field", "");
        if (job.population_field.empty())
            job.population_field =
                job.population.path.empty()
                    ? r.guessed_field("population.field", Reader::Guess::population, job.areas.path, job.areas.layer, pop)
                    : r.guessed_field("population.field", Reader::Guess::population, job.population.path, job.population.layer, pop);
        const std::string filter = r.text(*pop, "population.", "filter", "");
        if (!filter.empty()) {
            const auto eq = filter.find('=');
            if (eq == std::string::npos || eq == 0)
                r.fail("population.filter", "'" + filter + "' is not field=value", pop->get("filter"),
                       "write e.g. filter = \"indicator=All persons\"");
            job.population_filter_field = filter.substr(0, eq);
            job.population_filter_value = filter.substr(eq + 1);
        }
    }
}

// [origins]: where the people of an area are placed.
void parse_origins(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* o = r.table(root, "origins", false)) {
        r.check_keys(*o, "origins", "origins.");
        const std::string method = r.text(*o, "origins.", "method", "street_points");
        if (method == "street_points")
            job.origin_method = OriginMethod::street_points;
        else if (method == "points")
            job.origin_method = OriginMethod::points;
        else if (method == "centroids")
            job.origin_method = OriginMethod::centroids;
        else
            r.fail("origins.method", "'" + method + "' is not a method", o->get("method"),
                   "use \"street_points\", \"points\" or \"centroids\"");
        job.origin_points.path = r.path(*o, "origins.", "path", job.origin_method == OriginMethod::points);
        job.origin_points.layer = r.text(*o, "origins.", "layer", "");
        job.origin_code_field = r.text(*o, "origins.", "code_field", "");
        job.origin_population_field = r.text(*o, "origins.", "population_field", "");
        job.street_spacing_m = r.number(*o, "origins.", "spacing_m");
        const auto names = r.texts(*o, "origins.", "street_classes", {"residential", "living_street", "unclassified"});
        for (const auto& n : names) {
            const auto c = network::road_class_from_string(n);
            if (!c)
                r.fail("origins.street_classes", "'" + n + "' is not a road class", o->get("street_classes"),
                       "did you mean '" + nearest_word(n, class_names()) + "'?");
            job.street_classes.push_back(*c);
        }
    } else {
        job.street_classes = {network::RoadClass::residential, network::RoadClass::living_street, network::RoadClass::unclassified};
    }
}

// [[services]]: one facility layer per service.
void parse_services(const Reader& r, const toml::table& root, Job& job) {
    const toml::node* services = root.get("services");
    const bool area_only =
        root.contains("indices") || root.contains("composite") || root.contains("clustering") || root.contains("inequality");
    if (!services && !job.greenspace.enabled && !area_only)
        r.fail(
            "services", "missing", nullptr,
            "add at least one [[services]] section (or [greenspace], or [indices.<name>], or [inequality] over fields of the areas layer)");
    if (services && !services->is_array_of_tables()) r.fail("services", "must be a list of [[services]] sections", services, "");
    std::set<std::string> seen;
    for (const auto& s : services ? *services->as_array() : toml::array{}) {
        const auto& t = *s.as_table();
        r.check_keys(t, "services", "services.");
        ServiceSpec spec;
        spec.name = r.text(t, "services.", "name", "", true);
        for (char c : spec.name)
            if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
                r.fail("services.name", "'" + spec.name + "' must be lower-case letters, digits or _", t.get("name"),
                       "it becomes part of field names, e.g. gp_walk_time_min");
        if (!seen.insert(spec.name).second) r.fail("services.name", "'" + spec.name + "' appears twice", t.get("name"), "");
        spec.facilities.path = r.path(t, "services.", "path", true);
        spec.facilities.layer = r.text(t, "services.", "layer", "");
        spec.id_field = r.text(t, "services.", "id_field", "");
        spec.name_field = r.text(t, "services.", "name_field", "");
        spec.supply_field = r.text(t, "services.", "supply_field", "");
        job.services.push_back(std::move(spec));
    }
}

// [analysis]: modes, thresholds, snapping and how the per-facility searches run.
void parse_analysis(const Reader& r, const toml::table& root, Job& job) {
    std::vector<std::string> modes{"walk", "drive"};
    if (const auto* a = r.table(root, "analysis", false)) {
        r.check_keys(*a, "analysis", "analysis.");
        modes = r.texts(*a, "analysis.", "modes", modes);
        job.thresholds_min = r.numbers(*a, "analysis.", "thresholds_min", job.thresholds_min);
        job.max_snap_m = r.number(*a, "analysis.", "max_snap_m", job.max_snap_m);
        job.edge_buffer_m = r.number(*a, "analysis.", "edge_buffer_m", job.edge_buffer_m);
        job.count_within_thresholds = r.boolean(*a, "analysis.", "count_within_thresholds", true);
        job.facility_search = r.choice(*a, "analysis.", "facility_search", job.facility_search,
                                       {{"automatic", access::ReachMethod::automatic},
                                        {"dijkstra", access::ReachMethod::dijkstra},
                                        {"hierarchy", access::ReachMethod::hierarchy}});
    }
    std::sort(job.thresholds_min.begin(), job.thresholds_min.end());
    for (const auto& m : modes) {
        const auto mode = network::mode_from_string(m);
        if (!mode) r.fail("analysis.modes", "'" + m + "' is not a mode", nullptr, "use walk, cycle, drive or transit");
        if (std::find(job.modes.begin(), job.modes.end(), *mode) == job.modes.end()) job.modes.push_back(*mode);
    }
    if (job.modes.empty()) r.fail("analysis.modes", "must name at least one mode", nullptr, "");
    for (auto m : job.modes) job.profiles[m] = network::default_profile(m);
}

// [transit]: GTFS feeds, date and departure window, for the transit mode.
void parse_transit(const Reader& r, const toml::table& root, const std::string& base_dir, Job& job) {
    const bool wants_transit = std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end();
    if (const auto* t = r.table(root, "transit", false)) {
        r.check_keys(*t, "transit", "transit.");
        auto& spec = job.transit;
        for (const auto& f : r.texts(*t, "transit.", "feeds", {})) {
            fs::path fp(f);
            if (fp.is_relative() && !base_dir.empty()) fp = fs::path(base_dir) / fp;
            spec.feeds.push_back(fp.lexically_normal().string());
        }
        if (spec.feeds.empty())
            r.fail("transit.feeds", "must name at least one GTFS feed", t, "feeds = [\"gtfs/bus.zip\", \"gtfs/rail.zip\"]");
        spec.date = r.text(*t, "transit.", "date", "", true);
        try {
            (void)transit::parse_date(spec.date, "transit.date");
        } catch (const InputError&) {
            r.fail("transit.date", "'" + spec.date + "' is not a date", t->get("date"), "write dates as YYYY-MM-DD, e.g. 2024-03-05");
        }
        auto& w = spec.window;
        w.start_s = r.clock(*t, "transit.", "window_start", w.start_s);
        w.end_s = r.clock(*t, "transit.", "window_end", w.end_s);
        if (w.end_s <= w.start_s)
            r.fail("transit.window_end", "must be after window_start", t->get("window_end"),
                   "e.g. window_start = \"07:00\", window_end = \"10:00\"");
        w.step_s = 60 * r.number(*t, "transit.", "step_min", w.step_s / 60);
        w.max_time_s = 60 * r.number(*t, "transit.", "max_time_min", w.max_time_s / 60);
        w.max_walk_s = 60 * r.number(*t, "transit.", "max_walk_min", w.max_walk_s / 60);
        w.max_transfer_walk_s = 60 * r.number(*t, "transit.", "max_transfer_walk_min", w.max_transfer_walk_s / 60);
        w.change_s = 60 * r.number(*t, "transit.", "change_min", w.change_s / 60);
        w.reach_percentile = r.number(*t, "transit.", "catchment_percentile", w.reach_percentile);
        if (!wants_transit)
            r.fail("transit", "the job has a [transit] section but no transit mode", t, "add \"transit\" to analysis.modes");
    } else if (wants_transit) {
        r.fail("analysis.modes", "the transit mode needs timetables", nullptr,
               "give GTFS feeds and a date: a [transit] section with feeds and date in a job file, the gtfs and transit_date options in "
               "QGIS and the CLI (docs/methods/public-transport.md)");
    }
}

// [catchments]: which services and modes get catchments, at which thresholds.
void parse_catchments(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* c = r.table(root, "catchments", false)) {
        r.check_keys(*c, "catchments", "catchments.");
        auto& spec = job.catchments;
        spec.enabled = r.boolean(*c, "catchments.", "enabled", true);
        spec.thresholds_min = r.numbers(*c, "catchments.", "thresholds_min", spec.thresholds_min);
        std::sort(spec.thresholds_min.begin(), spec.thresholds_min.end());
        spec.walk_off_m = r.number(*c, "catchments.", "walk_off_m", spec.walk_off_m);
        spec.polygons = r.boolean(*c, "catchments.", "polygons", true);
        spec.members = r.boolean(*c, "catchments.", "members", false);
        spec.services = r.texts(*c, "catchments.", "services", {});
        for (const auto& m : r.texts(*c, "catchments.", "modes", {})) {
            const auto mode = network::mode_from_string(m);
            if (!mode || std::find(job.modes.begin(), job.modes.end(), *mode) == job.modes.end())
                r.fail("catchments.modes", "'" + m + "' is not a mode of this job", c->get("modes"), "use some of analysis.modes");
            spec.modes.push_back(*mode);
        }
    }
    for (const auto& name : job.catchments.services) {
        bool known = false;
        for (const auto& sv : job.services) known = known || sv.name == name;
        if (!known) {
            std::vector<std::string> names;
            for (const auto& sv : job.services) names.push_back(sv.name);
            r.fail("catchments.services", "'" + name + "' is not a service of this job", root.get("catchments"),
                   "did you mean '" + nearest_word(name, names) + "'?");
        }
    }
}

// [e2sfca]: the distance decay of the two-step floating catchment measure.
void parse_e2sfca(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* e = r.table(root, "e2sfca", false)) {
        r.check_keys(*e, "e2sfca", "e2sfca.");
        auto& d = job.e2sfca.decay;
        job.e2sfca.enabled = r.boolean(*e, "e2sfca.", "enabled", true);
        const std::string kind = r.text(*e, "e2sfca.", "decay", "bands");
        if (kind == "bands")
            d.kind = access::DecayKind::bands;
        else if (kind == "gaussian")
            d.kind = access::DecayKind::gaussian;
        else if (kind == "exponential")
            d.kind = access::DecayKind::exponential;
        else if (kind == "linear")
            d.kind = access::DecayKind::linear;
        else if (kind == "none" || kind == "2sfca")
            d.kind = access::DecayKind::none;
        else
            r.fail("e2sfca.decay", "'" + kind + "' is not a decay", e->get("decay"),
                   "use \"bands\", \"gaussian\", \"exponential\", \"linear\" or \"none\" (plain 2SFCA)");
        d.band_upper_min = r.numbers(*e, "e2sfca.", "band_upper_min", d.band_upper_min);
        d.band_weight = r.numbers(*e, "e2sfca.", "band_weights", d.band_weight);
        if (d.band_upper_min.size() != d.band_weight.size())
            r.fail("e2sfca.band_weights", "needs one weight per band", e->get("band_weights"),
                   "give as many band_weights as band_upper_min");
        if (!std::is_sorted(d.band_upper_min.begin(), d.band_upper_min.end()))
            r.fail("e2sfca.band_upper_min", "must increase", e->get("band_upper_min"), "");
        d.max_time_min =
            r.number(*e, "e2sfca.", "max_time_min", d.kind == access::DecayKind::bands ? d.band_upper_min.back() : 30.0, 0.1, 1440);
        d.gaussian_sigma_min = r.number(*e, "e2sfca.", "gaussian_sigma_min", d.gaussian_sigma_min);
        d.exponential_per_min = r.number(*e, "e2sfca.", "exponential_per_min", d.exponential_per_min);
    }
}

// [profiles.<mode>]: speeds per road class and the mode's rules.
void parse_profiles(const Reader& r, const toml::table& root, Job& job) {
    if (const auto* p = r.table(root, "profiles", false)) {
        r.check_keys(*p, "profiles", "profiles.");
        for (const auto& [k, v] : *p) {
            const std::string mode_name(k.str());
            const auto mode = *network::mode_from_string(mode_name);
            const std::string prefix = "profiles." + mode_name + ".";
            if (!v.is_table()) r.fail(prefix, "must be a section", &v, "");
            const auto& t = *v.as_table();
            r.check_keys(t, "profile", prefix);
            network::Profile profile = network::default_profile(mode);
            if (const auto* speeds = r.table(t, "speed_kmh", false)) {
                for (const auto& [ck, cv] : *speeds) {
                    const std::string cls(ck.str());
                    const auto c = network::road_class_from_string(cls);
                    if (!c)
                        r.fail(prefix + "speed_kmh." + cls, "not a road class", &cv,
                               "did you mean '" + nearest_word(cls, class_names()) + "'?");
                    profile.speed_kmh[static_cast<std::size_t>(*c)] = r.number(*speeds, prefix + "speed_kmh.", cls, 0, 0, 200);
                }
            }
            profile.dual_carriageway_kmh = r.number(t, prefix, "dual_carriageway_kmh", profile.dual_carriageway_kmh, 0, 200);
            profile.use_maxspeed = r.boolean(t, prefix, "use_maxspeed", profile.use_maxspeed);
            profile.obey_oneway = r.boolean(t, prefix, "obey_oneway", profile.obey_oneway);
            profile.connector_kmh = r.number(t, prefix, "connector_kmh", profile.connector_kmh, 0.1, 50);
            job.profiles[mode] = profile;
        }
    }
}

}  // namespace

Job parse_job_table(const toml::table& root, const std::string& base_dir, const std::string& source_name) {
    const Reader r(source_name, base_dir);
    r.check_keys(root, "", "");
    Job job;
    // In this order: a section may read what an earlier one set (the modes, the services).
    parse_job_section(r, root, job);
    parse_network(r, root, job);
    parse_areas(r, root, job);
    parse_population(r, root, job);
    parse_origins(r, root, job);
    parse_greenspace(r, root, job);
    parse_services(r, root, job);
    parse_analysis(r, root, job);
    parse_transit(r, root, base_dir, job);
    parse_catchments(r, root, job);
    parse_e2sfca(r, root, job);
    parse_geography(r, root, job);
    parse_indices(r, root, job);
    // Tables in another LSOA year need the areas' year and a lookup: said now, not after routing.
    for (const auto& ix : job.indices)
        for (std::size_t k = 0; k < ix.sources.size(); ++k)
            check_table_geography(r, job, ix.sources[k], "indices." + ix.def.name + ".indicators." + ix.def.indicators[k].id);
    parse_composite(r, root, job);
    parse_clustering(r, root, job);
    parse_inequality(r, root, job);
    parse_profiles(r, root, job);
    // Transit walks its street legs: the walk profile as configured.
    const bool wants_transit = std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end();
    if (wants_transit) job.profiles[network::Mode::transit] = job.profile(network::Mode::walk);
    parse_scenarios(r, root, job);
    for (auto& sc : job.scenarios)
        if (wants_transit && sc.profiles.count(network::Mode::walk))
            sc.profiles[network::Mode::transit] = sc.profiles.at(network::Mode::walk);
    job.guessed_fields = r.notes();
    return job;
}

Job parse_job(const std::string& toml_text, const std::string& base_dir, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        throw InputError(fmt::format("not a valid TOML job file: {}", e.description()),
                         {fmt::format("{} line {}", source_name, e.source().begin.line), {}, {}, {}},
                         "fix the syntax (see docs/job-file.md)");
    }
    Job job = parse_job_table(root, base_dir, source_name);
    return job;
}

Job load_job(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open the job file", {path, {}, {}, {}}, "check the path");
    std::stringstream ss;
    ss << in.rdbuf();
    const fs::path p = fs::absolute(path);
    Job job = parse_job(ss.str(), p.parent_path().string(), path);
    job.job_file = path;
    if (job.output.empty()) job.output = (p.parent_path() / (p.stem().string() + ".gpkg")).string();
    return job;
}

}  // namespace accessatlas::job
