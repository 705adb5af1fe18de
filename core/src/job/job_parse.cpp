#include "job/job_parse.hpp"

#include <accessatlas/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace accessatlas::job {

namespace {

// Every key a job file may hold, by section: unknown keys are refused.
const std::map<std::string, std::vector<std::string>>& schema() {
    static const std::map<std::string, std::vector<std::string>> s{
        {"", {"job", "network", "areas", "population", "origins", "services", "analysis", "profiles", "catchments", "e2sfca", "greenspace"}},
        {"greenspace", {"enabled", "path", "layer", "name_field", "include", "woodland", "entrances", "entrances_layer",
                        "entrance_max_m", "fallback_spacing_m", "mode", "tiers", "ten_minute_walk_m", "neighbourhood_m",
                        "capacity_ha_per_1000"}},
        {"tier", {"name", "min_ha", "distance_m", "woodland"}},
        {"catchments", {"enabled", "thresholds_min", "walk_off_m", "polygons", "members", "services"}},
        {"e2sfca", {"enabled", "decay", "max_time_min", "band_upper_min", "band_weights", "gaussian_sigma_min",
                    "exponential_per_min"}},
        {"job", {"title", "output", "csv", "threads"}},
        {"network", {"path", "layer", "class_field", "oneway_field", "maxspeed_field", "start_node_field", "end_node_field",
                     "snap_tolerance_m"}},
        {"areas", {"path", "layer", "code_field", "name_field"}},
        {"population", {"path", "layer", "code_field", "field", "filter"}},
        {"origins", {"method", "path", "layer", "code_field", "population_field", "spacing_m", "street_classes"}},
        {"services", {"name", "path", "layer", "id_field", "name_field", "supply_field"}},
        {"analysis", {"modes", "thresholds_min", "max_snap_m", "edge_buffer_m", "count_within_thresholds"}},
        {"profiles", {"walk", "cycle", "drive"}},
        {"profile", {"speed_kmh", "dual_carriageway_kmh", "use_maxspeed", "obey_oneway", "connector_kmh"}},
    };
    return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

class Reader {
public:
    Reader(std::string source, std::string base) : m_source(std::move(source)), m_base(std::move(base)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what, const toml::node* node,
                           const std::string& hint) const {
        std::string where = m_source;
        if (node && node->source().begin.line > 0) where += fmt::format(" line {}", node->source().begin.line);
        throw InputError(fmt::format("key '{}': {}", key, what), {where, {}, {}, {}}, hint);
    }

    void check_keys(const toml::table& t, const std::string& section, const std::string& prefix) const {
        const auto& allowed = schema().at(section);
        for (const auto& [k, v] : t) {
            const std::string key(k.str());
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            fail(prefix + key, "unknown key", &v, fmt::format("did you mean '{}{}'?", prefix, nearest_word(key, allowed)));
        }
    }

    const toml::table* table(const toml::table& parent, const std::string& key, bool required) const {
        const toml::node* n = parent.get(key);
        if (!n) {
            if (required) fail(key, "missing section", nullptr, fmt::format("add a [{}] section", key));
            return nullptr;
        }
        if (!n->is_table()) fail(key, "must be a section (table)", n, fmt::format("write it as [{}]", key));
        return n->as_table();
    }

    std::string text(const toml::table& t, const std::string& prefix, const std::string& key, const std::string& def,
                     bool required = false) const {
        const toml::node* n = t.get(key);
        if (!n) {
            if (required) fail(prefix + key, "missing", nullptr, "add it to the job file");
            return def;
        }
        if (!n->is_string()) fail(prefix + key, "must be text in quotes", n, fmt::format("write {} = \"...\"", key));
        return n->as_string()->get();
    }

    std::string path(const toml::table& t, const std::string& prefix, const std::string& key, bool required) const {
        std::string p = text(t, prefix, key, {}, required);
        if (p.empty()) return p;
        fs::path fp(p);
        if (fp.is_relative() && !m_base.empty()) fp = fs::path(m_base) / fp;
        return fp.lexically_normal().string();
    }

    double number(const toml::table& t, const std::string& prefix, const std::string& key, double def, double min,
                  double max) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_number()) fail(prefix + key, "must be a number", n, fmt::format("write {} = {}", key, def));
        const double v = n->value<double>().value_or(def);
        if (!(v >= min && v <= max)) fail(prefix + key, fmt::format("{} is out of range [{}, {}]", v, min, max), n, "");
        return v;
    }

    bool boolean(const toml::table& t, const std::string& prefix, const std::string& key, bool def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_boolean()) fail(prefix + key, "must be true or false", n, "");
        return n->as_boolean()->get();
    }

    std::vector<double> numbers(const toml::table& t, const std::string& prefix, const std::string& key,
                                std::vector<double> def, double min, double max) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_array()) fail(prefix + key, "must be a list of numbers", n, fmt::format("write {} = [15, 30]", key));
        std::vector<double> out;
        for (const auto& e : *n->as_array()) {
            if (!e.is_number()) fail(prefix + key, "must be a list of numbers", &e, "");
            const double v = e.value<double>().value_or(0);
            if (!(v >= min && v <= max)) fail(prefix + key, fmt::format("{} is out of range [{}, {}]", v, min, max), &e, "");
            out.push_back(v);
        }
        if (out.empty()) fail(prefix + key, "must not be empty", n, "");
        return out;
    }

    std::vector<std::string> texts(const toml::table& t, const std::string& prefix, const std::string& key,
                                   std::vector<std::string> def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_array()) fail(prefix + key, "must be a list of text", n, fmt::format("write {} = [\"...\"]", key));
        std::vector<std::string> out;
        for (const auto& e : *n->as_array()) {
            if (!e.is_string()) fail(prefix + key, "must be a list of text", &e, "");
            out.push_back(e.as_string()->get());
        }
        return out;
    }

private:
    std::string m_source;
    std::string m_base;
};

std::vector<std::string> class_names() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < network::road_class_count; ++i)
        out.emplace_back(network::to_string(static_cast<network::RoadClass>(i)));
    return out;
}

} // namespace

std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = static_cast<std::size_t>(-1);
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

Job parse_job_table(const toml::table& root, const std::string& base_dir, const std::string& source_name) {
    const Reader r(source_name, base_dir);
    r.check_keys(root, "", "");
    Job job;

    if (const auto* t = r.table(root, "job", false)) {
        r.check_keys(*t, "job", "job.");
        job.title = r.text(*t, "job.", "title", "");
        job.output = r.path(*t, "job.", "output", false);
        job.write_csv = r.boolean(*t, "job.", "csv", false);
        job.threads = static_cast<unsigned>(r.number(*t, "job.", "threads", 0, 0, 1024));
    }

    // A network is needed unless the job only measures straight-line green-space access.
    const toml::table* greens = root.get("greenspace") ? root.get("greenspace")->as_table() : nullptr;
    const bool straight_only = !root.contains("services") && greens && greens->get("mode") &&
                               greens->get("mode")->value<std::string>().value_or("") == "straight";
    const toml::table empty_network;
    const auto* net = r.table(root, "network", !straight_only);
    if (!net) net = &empty_network;
    r.check_keys(*net, "network", "network.");
    job.network.path = r.path(*net, "network.", "path", !straight_only);
    job.network.layer = r.text(*net, "network.", "layer", "");
    job.network_options.layer = job.network.layer;
    job.network_options.class_field = r.text(*net, "network.", "class_field", "");
    job.network_options.oneway_field = r.text(*net, "network.", "oneway_field", "");
    job.network_options.maxspeed_field = r.text(*net, "network.", "maxspeed_field", "");
    job.network_options.start_node_field = r.text(*net, "network.", "start_node_field", "");
    job.network_options.end_node_field = r.text(*net, "network.", "end_node_field", "");
    job.network_options.snap_tolerance_m = r.number(*net, "network.", "snap_tolerance_m", 0.5, 0.001, 100);

    const auto* areas = r.table(root, "areas", true);
    r.check_keys(*areas, "areas", "areas.");
    job.areas.path = r.path(*areas, "areas.", "path", true);
    job.areas.layer = r.text(*areas, "areas.", "layer", "");
    job.area_code_field = r.text(*areas, "areas.", "code_field", "", true);
    job.area_name_field = r.text(*areas, "areas.", "name_field", "");

    if (const auto* pop = r.table(root, "population", false)) {
        r.check_keys(*pop, "population", "population.");
        job.population.path = r.path(*pop, "population.", "path", false);
        job.population.layer = r.text(*pop, "population.", "layer", "");
        job.population_code_field = r.text(*pop, "population.", "code_field", job.area_code_field);
        job.population_field = r.text(*pop, "population.", "field", "", true);
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

    if (const auto* o = r.table(root, "origins", false)) {
        r.check_keys(*o, "origins", "origins.");
        const std::string method = r.text(*o, "origins.", "method", "street_points");
        if (method == "street_points") job.origin_method = OriginMethod::street_points;
        else if (method == "points") job.origin_method = OriginMethod::points;
        else if (method == "centroids") job.origin_method = OriginMethod::centroids;
        else r.fail("origins.method", "'" + method + "' is not a method", o->get("method"),
                    "use \"street_points\", \"points\" or \"centroids\"");
        job.origin_points.path = r.path(*o, "origins.", "path", job.origin_method == OriginMethod::points);
        job.origin_points.layer = r.text(*o, "origins.", "layer", "");
        job.origin_code_field = r.text(*o, "origins.", "code_field", "");
        job.origin_population_field = r.text(*o, "origins.", "population_field", "");
        job.street_spacing_m = r.number(*o, "origins.", "spacing_m", 100, 5, 5000);
        const auto names = r.texts(*o, "origins.", "street_classes", {"residential", "living_street", "unclassified"});
        for (const auto& n : names) {
            const auto c = network::road_class_from_string(n);
            if (!c) r.fail("origins.street_classes", "'" + n + "' is not a road class", o->get("street_classes"),
                           "did you mean '" + nearest_word(n, class_names()) + "'?");
            job.street_classes.push_back(*c);
        }
    } else {
        job.street_classes = {network::RoadClass::residential, network::RoadClass::living_street, network::RoadClass::unclassified};
    }

    if (const auto* g = r.table(root, "greenspace", false)) {
        r.check_keys(*g, "greenspace", "greenspace.");
        auto& spec = job.greenspace;
        spec.enabled = r.boolean(*g, "greenspace.", "enabled", true);
        spec.sites.path = r.path(*g, "greenspace.", "path", true);
        spec.sites.layer = r.text(*g, "greenspace.", "layer", "");
        spec.site_options.name_field = r.text(*g, "greenspace.", "name_field", "");
        spec.site_options.include = r.texts(*g, "greenspace.", "include", {});
        spec.site_options.woodland = r.texts(*g, "greenspace.", "woodland", {});
        for (const auto* list : {&spec.site_options.include, &spec.site_options.woodland})
            for (const auto& f : *list)
                if (f.find('=') == std::string::npos || f.front() == '=')
                    r.fail("greenspace.include", "'" + f + "' is not field=value", g->get("include"),
                           "write e.g. \"leisure=park\" or \"natural=*\"");
        spec.entrances.path = r.path(*g, "greenspace.", "entrances", false);
        spec.entrances.layer = r.text(*g, "greenspace.", "entrances_layer", "");
        spec.site_options.entrance_max_m = r.number(*g, "greenspace.", "entrance_max_m", 30, 0, 1000);
        spec.site_options.fallback_spacing_m = r.number(*g, "greenspace.", "fallback_spacing_m", 100, 1, 10000);
        const std::string mode = r.text(*g, "greenspace.", "mode", "network");
        if (mode != "network" && mode != "straight")
            r.fail("greenspace.mode", "'" + mode + "' is not a mode", g->get("mode"), "use \"network\" or \"straight\" (straight line)");
        spec.network_mode = mode == "network";
        if (const toml::node* tiers = g->get("tiers")) {
            if (!tiers->is_array_of_tables()) r.fail("greenspace.tiers", "must be a list of [[greenspace.tiers]] sections", tiers, "");
            spec.tiers.clear();
            for (const auto& t : *tiers->as_array()) {
                const auto& tt = *t.as_table();
                r.check_keys(tt, "tier", "greenspace.tiers.");
                greenspace::Tier tier;
                tier.name = r.text(tt, "greenspace.tiers.", "name", "", true);
                tier.min_ha = r.number(tt, "greenspace.tiers.", "min_ha", 0, 0, 1e6);
                tier.max_distance_m = r.number(tt, "greenspace.tiers.", "distance_m", 0, 1, 1e6);
                tier.woodland = r.boolean(tt, "greenspace.tiers.", "woodland", false);
                spec.tiers.push_back(tier);
            }
        }
        const double ten = r.number(*g, "greenspace.", "ten_minute_walk_m", 800, 1, 1e5);
        for (auto& t : spec.tiers)
            if (t.name == "fit_10min") t.max_distance_m = ten;
        spec.neighbourhood_m = r.number(*g, "greenspace.", "neighbourhood_m", 1000, 1, 1e5);
        spec.capacity_ha_per_1000 = r.number(*g, "greenspace.", "capacity_ha_per_1000", 3, 0, 1e6);
    }

    const toml::node* services = root.get("services");
    if (!services && !job.greenspace.enabled) r.fail("services", "missing", nullptr, "add at least one [[services]] section");
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

    std::vector<std::string> modes{"walk", "drive"};
    if (const auto* a = r.table(root, "analysis", false)) {
        r.check_keys(*a, "analysis", "analysis.");
        modes = r.texts(*a, "analysis.", "modes", modes);
        job.thresholds_min = r.numbers(*a, "analysis.", "thresholds_min", job.thresholds_min, 0.1, 1440);
        job.max_snap_m = r.number(*a, "analysis.", "max_snap_m", job.max_snap_m, 0, 100000);
        job.edge_buffer_m = r.number(*a, "analysis.", "edge_buffer_m", job.edge_buffer_m, 0, 100000);
        job.count_within_thresholds = r.boolean(*a, "analysis.", "count_within_thresholds", true);
    }
    std::sort(job.thresholds_min.begin(), job.thresholds_min.end());
    for (const auto& m : modes) {
        const auto mode = network::mode_from_string(m);
        if (!mode) r.fail("analysis.modes", "'" + m + "' is not a mode", nullptr, "use walk, cycle or drive");
        if (std::find(job.modes.begin(), job.modes.end(), *mode) == job.modes.end()) job.modes.push_back(*mode);
    }
    if (job.modes.empty()) r.fail("analysis.modes", "must name at least one mode", nullptr, "");
    for (auto m : job.modes) job.profiles[m] = network::default_profile(m);

    if (const auto* c = r.table(root, "catchments", false)) {
        r.check_keys(*c, "catchments", "catchments.");
        auto& spec = job.catchments;
        spec.enabled = r.boolean(*c, "catchments.", "enabled", true);
        spec.thresholds_min = r.numbers(*c, "catchments.", "thresholds_min", spec.thresholds_min, 0.1, 1440);
        std::sort(spec.thresholds_min.begin(), spec.thresholds_min.end());
        spec.walk_off_m = r.number(*c, "catchments.", "walk_off_m", spec.walk_off_m, 0.1, 1000);
        spec.polygons = r.boolean(*c, "catchments.", "polygons", true);
        spec.members = r.boolean(*c, "catchments.", "members", false);
        spec.services = r.texts(*c, "catchments.", "services", {});
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
    if (const auto* e = r.table(root, "e2sfca", false)) {
        r.check_keys(*e, "e2sfca", "e2sfca.");
        auto& d = job.e2sfca.decay;
        job.e2sfca.enabled = r.boolean(*e, "e2sfca.", "enabled", true);
        const std::string kind = r.text(*e, "e2sfca.", "decay", "bands");
        if (kind == "bands") d.kind = access::DecayKind::bands;
        else if (kind == "gaussian") d.kind = access::DecayKind::gaussian;
        else if (kind == "exponential") d.kind = access::DecayKind::exponential;
        else if (kind == "linear") d.kind = access::DecayKind::linear;
        else if (kind == "none" || kind == "2sfca") d.kind = access::DecayKind::none;
        else r.fail("e2sfca.decay", "'" + kind + "' is not a decay", e->get("decay"),
                    "use \"bands\", \"gaussian\", \"exponential\", \"linear\" or \"none\" (plain 2SFCA)");
        d.band_upper_min = r.numbers(*e, "e2sfca.", "band_upper_min", d.band_upper_min, 0.1, 1440);
        d.band_weight = r.numbers(*e, "e2sfca.", "band_weights", d.band_weight, 0, 1);
        if (d.band_upper_min.size() != d.band_weight.size())
            r.fail("e2sfca.band_weights", "needs one weight per band", e->get("band_weights"),
                   "give as many band_weights as band_upper_min");
        if (!std::is_sorted(d.band_upper_min.begin(), d.band_upper_min.end()))
            r.fail("e2sfca.band_upper_min", "must increase", e->get("band_upper_min"), "");
        d.max_time_min = r.number(*e, "e2sfca.", "max_time_min",
                                  d.kind == access::DecayKind::bands ? d.band_upper_min.back() : 30.0, 0.1, 1440);
        d.gaussian_sigma_min = r.number(*e, "e2sfca.", "gaussian_sigma_min", d.gaussian_sigma_min, 0.01, 1440);
        d.exponential_per_min = r.number(*e, "e2sfca.", "exponential_per_min", d.exponential_per_min, 0, 100);
    }

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
                    if (!c) r.fail(prefix + "speed_kmh." + cls, "not a road class", &cv,
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

} // namespace accessatlas::job
