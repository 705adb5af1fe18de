#include "job/job_parse.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/job/job_keys.hpp>

#include <accessatlas/transit/timetable.hpp>

#include <fmt/format.h>

#include "crs/to_bng.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace accessatlas::job {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Every key a job file may hold, by section: unknown keys are refused.
const std::map<std::string, std::vector<std::string>>& schema() {
    static const std::map<std::string, std::vector<std::string>> s{
        {"", {"job", "network", "areas", "population", "origins", "services", "analysis", "profiles", "catchments", "e2sfca", "transit", "greenspace",
              "geography", "indices", "composite", "clustering", "inequality", "scenarios"}},
        {"inequality", {"enabled", "deprivation_name", "deprivation", "deprivation_score", "indicators", "groups", "classes", "no_car_group",
                        "min_areas_per_decile"}},
        {"inequality_group", {"name", "title", "path", "layer", "code_field", "numerator", "denominator", "field", "scale", "filter",
                              "aggregate", "geography", "kind"}},
        {"inequality_classes", {"path", "layer", "code_field", "field"}},
        {"scenario", {"name", "title", "services", "roads", "speeds", "transit"}},
        {"scenario_transit", {"remove_routes", "remove_stops", "route_frequency", "date", "window_start", "window_end"}},
        {"transit", {"feeds", "date", "window_start", "window_end", "step_min", "max_time_min", "max_walk_min", "max_transfer_walk_min",
                     "change_min", "catchment_percentile"}},
        {"scenario_service", {"service", "remove", "add", "add_from", "add_from_layer", "supply"}},
        {"new_facility", {"id", "name", "x", "y", "lon", "lat", "supply"}},
        {"roads", {"close_ways", "close_area", "close_area_layer"}},
        {"geography", {"lookup", "population_lsoa11", "population_lsoa21"}},
        {"index", {"preset", "title", "layer", "basis", "group_field", "normalisation", "missing", "table", "table_layer",
                   "table_code_field", "fields", "indicators", "components"}},
        {"indicator", {"title", "component", "weight", "direction", "path", "layer", "code_field", "numerator", "denominator", "field",
                       "scale", "filter", "aggregate", "geography", "kind", "reference"}},
        {"source", {"path", "layer", "code_field", "numerator", "denominator", "field", "scale", "filter", "aggregate", "geography", "kind"}},
        {"component", {"title", "weight"}},
        {"composite", {"enabled", "method", "layer", "domains", "core20"}},
        {"domain", {"title", "field", "direction", "weight", "path", "layer", "code_field", "numerator", "denominator", "scale", "filter",
                    "aggregate", "geography", "kind"}},
        {"clustering", {"enabled", "fields", "contiguity", "tolerance_m", "permutations", "seed", "significance", "layer"}},
        {"greenspace", {"enabled", "path", "layer", "name_field", "include", "woodland", "entrances", "entrances_layer",
                        "entrance_max_m", "fallback_spacing_m", "mode", "tiers", "ten_minute_walk_m", "neighbourhood_m",
                        "capacity_ha_per_1000"}},
        {"tier", {"name", "min_ha", "distance_m", "woodland"}},
        {"catchments", {"enabled", "thresholds_min", "walk_off_m", "polygons", "members", "services", "modes"}},
        {"e2sfca", {"enabled", "decay", "max_time_min", "band_upper_min", "band_weights", "gaussian_sigma_min",
                    "exponential_per_min"}},
        {"job", {"title", "output", "csv", "threads", "report", "project"}},
        {"network", {"path", "graph", "layer", "coverage", "coverage_layer", "class_field", "oneway_field", "maxspeed_field", "start_node_field", "end_node_field",
                     "snap_tolerance_m"}},
        {"areas", {"path", "layer", "code_field", "name_field", "geography"}},
        {"population", {"path", "layer", "code_field", "field", "filter"}},
        {"origins", {"method", "path", "layer", "code_field", "population_field", "spacing_m", "street_classes"}},
        {"services", {"name", "path", "layer", "id_field", "name_field", "supply_field"}},
        {"analysis", {"modes", "thresholds_min", "max_snap_m", "edge_buffer_m", "count_within_thresholds", "facility_search"}},
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

    // A key of the key table (job_keys.cpp): its range, and its default unless the caller has
    // a better one (a struct's current value, a default that depends on another key).
    double number(const toml::table& t, const std::string& prefix, const std::string& key, double def) const {
        const JobKey& k = spec(prefix + key);
        return number(t, prefix, key, def, k.minimum, k.maximum);
    }
    double number(const toml::table& t, const std::string& prefix, const std::string& key) const {
        return number(t, prefix, key, std::stod(spec(prefix + key).default_value));
    }
    std::vector<double> numbers(const toml::table& t, const std::string& prefix, const std::string& key, std::vector<double> def) const {
        const JobKey& k = spec(prefix + key);
        return numbers(t, prefix, key, std::move(def), k.minimum, k.maximum);
    }
    static const JobKey& spec(const std::string& key) {
        const JobKey* k = find_job_key(key);
        if (!k) throw std::logic_error("job key '" + key + "' is not in the key table (job_keys.cpp)");
        return *k;
    }

    // A time of day "HH:MM" (any hour, 25:30 is after midnight) as seconds.
    double clock(const toml::table& t, const std::string& prefix, const std::string& key, double def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        const int v = n->is_string() ? transit::parse_clock(*n->value<std::string>()) : -1;
        if (v < 0) fail(prefix + key, "must be a time of day in quotes", n, fmt::format("write {} = \"07:00\"", key));
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

    // A text or a list of texts (a numerator may sum several columns).
    std::vector<std::string> text_or_list(const toml::table& t, const std::string& prefix, const std::string& key) const {
        const toml::node* n = t.get(key);
        if (!n) return {};
        if (n->is_string()) return {n->as_string()->get()};
        return texts(t, prefix, key, {});
    }

    template <typename E>
    E choice(const toml::table& t, const std::string& prefix, const std::string& key, E def,
             const std::vector<std::pair<std::string, E>>& options) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        const std::string v = text(t, prefix, key, "");
        std::vector<std::string> names;
        for (const auto& [name, e] : options) {
            if (name == v) return e;
            names.push_back(name);
        }
        std::string all;
        for (const auto& name : names) all += (all.empty() ? "" : ", ") + ("\"" + name + "\"");
        fail(prefix + key, "'" + v + "' is not one of " + all, n, "did you mean '" + nearest_word(v, names) + "'?");
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

bool is_field_name(const std::string& s) {
    if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])))) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

std::string geography_name(const Reader& r, const toml::table& t, const std::string& prefix) {
    const std::string g = r.text(t, prefix, "geography", "");
    if (!g.empty() && g != "lsoa11" && g != "lsoa21")
        r.fail(prefix + "geography", "'" + g + "' is not a geography", t.get("geography"), "use \"lsoa11\" or \"lsoa21\"");
    return g;
}

// The source keys shared by indicators, references, composite domains and population tables.
IndicatorSource parse_source(const Reader& r, const toml::table& t, const std::string& prefix, const std::string& default_code_field) {
    IndicatorSource s;
    s.path = r.path(t, prefix, "path", false);
    s.layer = r.text(t, prefix, "layer", "");
    s.code_field = r.text(t, prefix, "code_field", default_code_field);
    s.numerator = r.text_or_list(t, prefix, "numerator");
    const auto field = r.text_or_list(t, prefix, "field");
    if (!field.empty() && !s.numerator.empty())
        r.fail(prefix + "field", "give either field or numerator", t.get("field"), "field is a value as it stands; numerator is divided by denominator");
    if (!field.empty()) s.numerator = field;
    s.denominator = r.text_or_list(t, prefix, "denominator");
    if (!s.denominator.empty() && s.numerator.empty())
        r.fail(prefix + "denominator", "a denominator needs a numerator", t.get("denominator"), "add numerator = \"...\"");
    s.scale = r.number(t, prefix, "scale", 1, -1e12, 1e12);
    const std::string filter = r.text(t, prefix, "filter", "");
    if (!filter.empty()) {
        const auto eq = filter.find('=');
        if (eq == std::string::npos || eq == 0)
            r.fail(prefix + "filter", "'" + filter + "' is not field=value", t.get("filter"), "write e.g. filter = \"disability=Disabled\"");
        s.filter_field = filter.substr(0, eq);
        s.filter_value = filter.substr(eq + 1);
    }
    s.aggregate = r.boolean(t, prefix, "aggregate", false);
    s.geography = geography_name(r, t, prefix);
    s.kind = r.choice(t, prefix, "kind", indices::ValueKind::rate,
                      {{"rate", indices::ValueKind::rate}, {"count", indices::ValueKind::count}});
    if (s.given() && s.code_field.empty())
        r.fail(prefix + "code_field", "missing", nullptr, "name the column that holds the area codes");
    return s;
}

indices::Direction parse_direction(const Reader& r, const toml::table& t, const std::string& prefix, indices::Direction def) {
    return r.choice(t, prefix, "direction", def,
                    {{"higher_is_worse", indices::Direction::higher_is_worse}, {"lower_is_worse", indices::Direction::lower_is_worse},
                     {"higher_is_better", indices::Direction::lower_is_worse}, {"lower_is_better", indices::Direction::higher_is_worse}});
}

IndexSpec parse_index(const Reader& r, const std::string& name, const toml::table& t, const Job& job) {
    const std::string prefix = "indices." + name + ".";
    r.check_keys(t, "index", prefix);
    if (!is_field_name(name))
        r.fail("indices." + name, "the index name must be lower-case letters, digits or _", &t, "it starts field names, e.g. deri_score");
    IndexSpec spec;
    const std::string preset = r.text(t, prefix, "preset", name == "deri" ? "deri" : "");
    if (!preset.empty() && preset != "deri") r.fail(prefix + "preset", "'" + preset + "' is not a preset", t.get("preset"), "use \"deri\"");
    auto& def = spec.def;
    if (preset == "deri") def = indices::deri_preset();
    def.name = name;
    def.title = r.text(t, prefix, "title", def.title.empty() ? name : def.title);
    spec.layer = r.text(t, prefix, "layer", preset == "deri" ? "lsoa_digital_exclusion" : "lsoa_" + name);
    def.basis = r.choice(t, prefix, "basis", indices::Basis::area,
                         {{"area", indices::Basis::area}, {"group", indices::Basis::group}, {"district", indices::Basis::group},
                          {"reference", indices::Basis::reference}, {"nation", indices::Basis::reference}});
    spec.group_field = r.text(t, prefix, "group_field", "");
    if (def.basis == indices::Basis::group && spec.group_field.empty())
        r.fail(prefix + "group_field", "basis group needs a group field", t.get("basis"),
               "name the field of the areas layer that holds the district (e.g. lad_code), or use basis = \"area\"");
    def.normalisation = r.choice(t, prefix, "normalisation", def.normalisation,
                                 {{"minmax", indices::Normalisation::minmax}, {"rank", indices::Normalisation::rank},
                                  {"normal", indices::Normalisation::normal}, {"zscore", indices::Normalisation::zscore},
                                  {"exponential", indices::Normalisation::exponential}});
    def.missing = r.choice(t, prefix, "missing", def.missing,
                           {{"renormalise", indices::MissingRule::renormalise}, {"zero", indices::MissingRule::zero}});

    if (const auto* comps = r.table(t, "components", false)) {
        for (const auto& [k, v] : *comps) {
            const std::string id(k.str());
            const std::string cp = prefix + "components." + id + ".";
            if (!v.is_table()) r.fail(cp.substr(0, cp.size() - 1), "must be a section", &v, "");
            const auto& ct = *v.as_table();
            r.check_keys(ct, "component", cp);
            auto it = std::find_if(def.components.begin(), def.components.end(), [&](const auto& c) { return c.id == id; });
            if (it == def.components.end()) {
                if (preset == "deri") {
                    std::vector<std::string> ids;
                    for (const auto& c : def.components) ids.push_back(c.id);
                    r.fail(cp.substr(0, cp.size() - 1), "DERI has no component '" + id + "'", &v, "did you mean '" + nearest_word(id, ids) + "'?");
                }
                if (!is_field_name(id)) r.fail(cp.substr(0, cp.size() - 1), "component names must be lower-case letters, digits or _", &v, "");
                def.components.push_back({id, id, 1});
                it = def.components.end() - 1;
            }
            it->title = r.text(ct, cp, "title", it->title);
            it->weight = r.number(ct, cp, "weight", it->weight, 0, 1e9);
        }
    }

    // Sources: per-indicator sections, or one table with a field per indicator.
    std::map<std::string, IndicatorSource> sources, references;
    const std::string table = r.path(t, prefix, "table", false);
    if (const auto* fields = r.table(t, "fields", false)) {
        for (const auto& [k, v] : *fields) {
            IndicatorSource src;
            src.path = table;
            src.layer = r.text(t, prefix, "table_layer", "");
            src.code_field = r.text(t, prefix, "table_code_field", job.area_code_field);
            src.numerator = {r.text(*fields, prefix + "fields.", std::string(k.str()), "", true)};
            if (src.numerator.front().empty()) continue;  // left blank in a dialog: missing
            sources[std::string(k.str())] = src;
        }
    }
    const auto* inds = r.table(t, "indicators", false);
    if (inds) {
        for (const auto& [k, v] : *inds) {
            const std::string id(k.str());
            const std::string ip = prefix + "indicators." + id + ".";
            if (!v.is_table()) r.fail(ip.substr(0, ip.size() - 1), "must be a section", &v, "");
            const auto& it = *v.as_table();
            r.check_keys(it, "indicator", ip);
            auto found = std::find_if(def.indicators.begin(), def.indicators.end(), [&](const auto& d) { return d.id == id; });
            if (found == def.indicators.end()) {
                if (preset == "deri") {
                    std::vector<std::string> ids;
                    for (const auto& d : def.indicators) ids.push_back(d.id);
                    r.fail(ip.substr(0, ip.size() - 1), "DERI has no indicator '" + id + "'", &v, "did you mean '" + nearest_word(id, ids) + "'?");
                }
                if (!is_field_name(id)) r.fail(ip.substr(0, ip.size() - 1), "indicator names must be lower-case letters, digits or _", &v, "");
                def.indicators.push_back({id, id, "", 1, indices::Direction::higher_is_worse});
                found = def.indicators.end() - 1;
            }
            found->title = r.text(it, ip, "title", found->title);
            found->component = r.text(it, ip, "component", found->component);
            found->weight = r.number(it, ip, "weight", found->weight, 0, 1e9);
            found->direction = parse_direction(r, it, ip, found->direction);
            IndicatorSource src = parse_source(r, it, ip, table.empty() ? job.area_code_field : r.text(t, prefix, "table_code_field", job.area_code_field));
            if (src.path.empty() && src.given() && !table.empty()) src.path = table;
            if (src.given()) sources[id] = src;
            if (const auto* ref = r.table(it, "reference", false)) {
                r.check_keys(*ref, "source", ip + "reference.");
                references[id] = parse_source(r, *ref, ip + "reference.", src.code_field);
                if (!references[id].given()) r.fail(ip + "reference.field", "missing", ref, "name the reference table's value field");
            }
        }
    }
    if (def.indicators.empty()) r.fail(prefix + "indicators", "the index has no indicators", &t, "add [" + prefix + "indicators.<name>] sections");
    if (def.components.empty()) def.components.push_back({"all", "All indicators", 1});
    for (auto& d : def.indicators) {
        if (d.component.empty()) {
            if (def.components.size() == 1) d.component = def.components.front().id;
            else r.fail(prefix + "indicators." + d.id + ".component", "missing", nullptr, "name the component the indicator belongs to");
        }
        if (std::none_of(def.components.begin(), def.components.end(), [&](const auto& c) { return c.id == d.component; }))
            r.fail(prefix + "indicators." + d.id + ".component", "'" + d.component + "' is not a component of the index", nullptr,
                   "add [" + prefix + "components." + d.component + "]");
    }
    for (const auto& entry : sources) {
        const std::string& id = entry.first;  // a structured binding cannot be captured in C++17 (clang refuses)
        if (std::none_of(def.indicators.begin(), def.indicators.end(), [&](const auto& d) { return d.id == id; })) {
            std::vector<std::string> ids;
            for (const auto& d : def.indicators) ids.push_back(d.id);
            r.fail(prefix + "fields." + id, "'" + id + "' is not an indicator of the index", nullptr,
                   "did you mean '" + nearest_word(id, ids) + "'?");
        }
    }
    for (const auto& d : def.indicators) {
        spec.sources.push_back(sources.count(d.id) ? sources[d.id] : IndicatorSource{});
        spec.references.push_back(references.count(d.id) ? references[d.id] : IndicatorSource{});
    }
    return spec;
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

namespace {

bool is_name(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

void parse_scenarios(const Reader& r, const toml::table& root, Job& job) {
    const toml::node* list = root.get("scenarios");
    if (!list) return;
    if (!list->is_array_of_tables()) r.fail("scenarios", "must be a list of [[scenarios]] sections", list, "");
    if (job.services.empty()) r.fail("scenarios", "scenarios change services, and the job has none", list, "add [[services]]");
    std::set<std::string> names;
    for (const auto& node : *list->as_array()) {
        const auto& t = *node.as_table();
        r.check_keys(t, "scenario", "scenarios.");
        ScenarioSpec sc;
        sc.name = r.text(t, "scenarios.", "name", "", true);
        const std::string prefix = "scenarios." + sc.name + ".";
        if (!is_name(sc.name) || sc.name == "baseline")
            r.fail("scenarios.name", "'" + sc.name + "' must be lower-case letters, digits or _, and not 'baseline'", t.get("name"),
                   "it prefixes the scenario's layers, e.g. " + (is_name(sc.name) ? sc.name : std::string("closure")) + "_lsoa_access");
        if (!names.insert(sc.name).second) r.fail("scenarios.name", "'" + sc.name + "' appears twice", t.get("name"), "");
        sc.title = r.text(t, prefix, "title", sc.name);
        sc.profiles = job.profiles;
        if (const toml::node* svs = t.get("services")) {
            if (!svs->is_array_of_tables()) r.fail(prefix + "services", "must be a list of [[scenarios.services]] sections", svs, "");
            for (const auto& sn : *svs->as_array()) {
                const auto& st = *sn.as_table();
                r.check_keys(st, "scenario_service", prefix + "services.");
                FacilityChanges fc;
                // With one service the service may go unsaid.
                const bool one = job.services.size() == 1;
                fc.service = r.text(st, prefix + "services.", "service", one ? job.services.front().name : "", !one);
                std::vector<std::string> known;
                for (const auto& s : job.services) known.push_back(s.name);
                if (std::find(known.begin(), known.end(), fc.service) == known.end())
                    r.fail(prefix + "services.service", "'" + fc.service + "' is not a service of this job", st.get("service"),
                           "did you mean '" + nearest_word(fc.service, known) + "'?");
                fc.remove = r.texts(st, prefix + "services.", "remove", {});
                fc.add_layer.path = r.path(st, prefix + "services.", "add_from", false);
                fc.add_layer.layer = r.text(st, prefix + "services.", "add_from_layer", "");
                if (const toml::node* add = st.get("add")) {
                    if (!add->is_array()) r.fail(prefix + "services.add", "must be a list of points", add,
                                                 "write add = [{ id = \"NEW1\", x = 486000, y = 308000, supply = 4 }]");
                    for (const auto& an : *add->as_array()) {
                        if (!an.is_table()) r.fail(prefix + "services.add", "must be a list of { id = ..., x = ..., y = ... }", &an, "");
                        const auto& at = *an.as_table();
                        const std::string ap = prefix + "services.add.";
                        r.check_keys(at, "new_facility", ap);
                        NewFacility f;
                        f.id = r.text(at, ap, "id", "", true);
                        f.name = r.text(at, ap, "name", "");
                        f.supply = r.number(at, ap, "supply", 1, 0, 1e9);
                        const bool xy = at.contains("x") || at.contains("y");
                        const bool ll = at.contains("lon") || at.contains("lat");
                        if (xy == ll)
                            r.fail(ap + "x", "give x and y (EPSG:27700 metres) or lon and lat (WGS84)", &an,
                                   "e.g. { id = \"NEW1\", x = 486000, y = 308000 }");
                        if (xy) {
                            f.location = {r.number(at, ap, "x", std::nan(""), 0, 800000), r.number(at, ap, "y", std::nan(""), 0, 1400000)};
                            if (!(std::isfinite(f.location.x) && std::isfinite(f.location.y)))
                                r.fail(ap + "x", "needs both x and y", &an, "");
                        } else {
                            const double lon = r.number(at, ap, "lon", std::nan(""), -180, 180);
                            const double lat = r.number(at, ap, "lat", std::nan(""), -90, 90);
                            if (!(std::isfinite(lon) && std::isfinite(lat))) r.fail(ap + "lon", "needs both lon and lat", &an, "");
                            f.location = crs::ToBng::from_wgs84().transform(Point{lon, lat});
                        }
                        fc.add.push_back(std::move(f));
                    }
                }
                // A table { "id" = 6.5 } or, as the command line and QGIS write it, a list of
                // "id=value" texts.
                if (const toml::node* supply = st.get("supply"); supply && supply->is_array()) {
                    for (const std::string& entry : r.texts(st, prefix + "services.", "supply", {})) {
                        const auto eq = entry.find('=');
                        const std::string id = eq == std::string::npos ? std::string() : trim(entry.substr(0, eq));
                        const std::string value = eq == std::string::npos ? std::string() : trim(entry.substr(eq + 1));
                        char* end = nullptr;
                        const double v = value.empty() ? std::nan("") : std::strtod(value.c_str(), &end);
                        if (id.empty() || !(end && *end == '\0') || !(v >= 0 && v <= 1e9))
                            r.fail(prefix + "services.supply", fmt::format("'{}' is not id=value with a value from 0 to 1e9", entry), supply,
                                   "write supply = [\"G1=4\", \"G2=2.5\"] (facility id, then its new supply)");
                        fc.supply[id] = v;
                    }
                } else if (const auto* sup = r.table(st, "supply", false)) {
                    for (const auto& [k, v] : *sup) fc.supply[std::string(k.str())] = r.number(*sup, prefix + "services.supply.", std::string(k.str()), 0, 0, 1e9);
                }
                sc.services.push_back(std::move(fc));
            }
        }
        if (const auto* roads = r.table(t, "roads", false)) {
            r.check_keys(*roads, "roads", prefix + "roads.");
            if (roads->contains("close_ways"))
                for (double id : r.numbers(*roads, prefix + "roads.", "close_ways", {}, -9e15, 9e15))
                    sc.close_ways.push_back(static_cast<std::int64_t>(id));
            sc.close_area.path = r.path(*roads, prefix + "roads.", "close_area", false);
            sc.close_area.layer = r.text(*roads, prefix + "roads.", "close_area_layer", "");
        }
        if (const auto* tr = r.table(t, "transit", false)) {
            const std::string tp = prefix + "transit.";
            r.check_keys(*tr, "scenario_transit", tp);
            if (!job.transit.given()) r.fail(tp, "the job has no [transit] section", tr, "add [transit] feeds and \"transit\" to analysis.modes");
            auto& ch = sc.transit;
            ch.remove_routes = r.texts(*tr, tp, "remove_routes", {});
            ch.remove_stops = r.texts(*tr, tp, "remove_stops", {});
            if (const auto* freq = r.table(*tr, "route_frequency", false))
                for (const auto& [rk, rv] : *freq) ch.route_frequency[std::string(rk.str())] = r.number(*freq, tp + "route_frequency.", std::string(rk.str()), 1, 0, 20);
            if (tr->contains("date")) {
                ch.date = r.text(*tr, tp, "date", "");
                try {
                    (void)transit::parse_date(ch.date, tp + "date");
                } catch (const InputError&) {
                    r.fail(tp + "date", "'" + ch.date + "' is not a date", tr->get("date"), "write dates as YYYY-MM-DD, e.g. 2024-03-05");
                }
            }
            ch.window_start_s = tr->contains("window_start") ? r.clock(*tr, tp, "window_start", 0) : -1;
            ch.window_end_s = tr->contains("window_end") ? r.clock(*tr, tp, "window_end", 0) : -1;
        }
        if (const auto* speeds = r.table(t, "speeds", false)) {
            for (const auto& [mk, mv] : *speeds) {
                const std::string mode_name(mk.str());
                const auto mode = network::mode_from_string(mode_name);
                const std::string sp = prefix + "speeds." + mode_name + ".";
                if (!mode || !sc.profiles.count(*mode))
                    r.fail(prefix + "speeds." + mode_name, "not a mode of this job", &mv, "use one of analysis.modes");
                if (!mv.is_table()) r.fail(sp, "must be a section of class = km/h (and factor = ...)", &mv, "");
                auto& profile = sc.profiles[*mode];
                const auto& mt = *mv.as_table();
                // The factor first (congestion, a slower fleet), then speeds given by class.
                const double factor = r.number(mt, sp, "factor", 1, 0.01, 10);
                for (auto& v : profile.speed_kmh) v *= factor;
                profile.dual_carriageway_kmh *= factor;
                for (const auto& [ck, cv] : mt) {
                    const std::string cls(ck.str());
                    if (cls == "factor") continue;
                    const auto c = network::road_class_from_string(cls);
                    if (!c) r.fail(sp + cls, "not a road class", &cv, "did you mean '" + nearest_word(cls, class_names()) + "'?");
                    profile.speed_kmh[static_cast<std::size_t>(*c)] = r.number(mt, sp, cls, 0, 0, 200);
                }
            }
        }
        job.scenarios.push_back(std::move(sc));
    }
}

} // namespace

Job parse_job_table(const toml::table& root, const std::string& base_dir, const std::string& source_name) {
    const Reader r(source_name, base_dir);
    r.check_keys(root, "", "");
    Job job;

    if (const auto* t = r.table(root, "job", false)) {
        r.check_keys(*t, "job", "job.");
        job.title = r.text(*t, "job.", "title", "");
        job.output = r.path(*t, "job.", "output", false);
        job.write_csv = r.boolean(*t, "job.", "csv", false);
        job.report = r.path(*t, "job.", "report", false);
        job.project = r.path(*t, "job.", "project", false);
        job.threads = static_cast<unsigned>(r.number(*t, "job.", "threads"));
    }

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

    const auto* areas = r.table(root, "areas", true);
    r.check_keys(*areas, "areas", "areas.");
    job.areas.path = r.path(*areas, "areas.", "path", true);
    job.areas.layer = r.text(*areas, "areas.", "layer", "");
    job.area_code_field = r.text(*areas, "areas.", "code_field", "", true);
    job.area_name_field = r.text(*areas, "areas.", "name_field", "");
    job.geography.areas = geography_name(r, *areas, "areas.");

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
        job.street_spacing_m = r.number(*o, "origins.", "spacing_m");
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
        spec.site_options.entrance_max_m = r.number(*g, "greenspace.", "entrance_max_m");
        spec.site_options.fallback_spacing_m = r.number(*g, "greenspace.", "fallback_spacing_m");
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
        const double ten = r.number(*g, "greenspace.", "ten_minute_walk_m");
        for (auto& t : spec.tiers)
            if (t.name == "fit_10min") t.max_distance_m = ten;
        spec.neighbourhood_m = r.number(*g, "greenspace.", "neighbourhood_m");
        spec.capacity_ha_per_1000 = r.number(*g, "greenspace.", "capacity_ha_per_1000");
    }

    const toml::node* services = root.get("services");
    const bool area_only = root.contains("indices") || root.contains("composite") || root.contains("clustering") || root.contains("inequality");
    if (!services && !job.greenspace.enabled && !area_only)
        r.fail("services", "missing", nullptr, "add at least one [[services]] section (or [greenspace], or [indices.<name>], or [inequality] over fields of the areas layer)");
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

    const bool wants_transit = std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end();
    if (const auto* t = r.table(root, "transit", false)) {
        r.check_keys(*t, "transit", "transit.");
        auto& spec = job.transit;
        for (const auto& f : r.texts(*t, "transit.", "feeds", {})) {
            fs::path fp(f);
            if (fp.is_relative() && !base_dir.empty()) fp = fs::path(base_dir) / fp;
            spec.feeds.push_back(fp.lexically_normal().string());
        }
        if (spec.feeds.empty()) r.fail("transit.feeds", "must name at least one GTFS feed", t, "feeds = [\"gtfs/bus.zip\", \"gtfs/rail.zip\"]");
        spec.date = r.text(*t, "transit.", "date", "", true);
        try {
            (void)transit::parse_date(spec.date, "transit.date");
        } catch (const InputError&) {
            r.fail("transit.date", "'" + spec.date + "' is not a date", t->get("date"), "write dates as YYYY-MM-DD, e.g. 2024-03-05");
        }
        auto& w = spec.window;
        w.start_s = r.clock(*t, "transit.", "window_start", w.start_s);
        w.end_s = r.clock(*t, "transit.", "window_end", w.end_s);
        if (w.end_s <= w.start_s) r.fail("transit.window_end", "must be after window_start", t->get("window_end"), "e.g. window_start = \"07:00\", window_end = \"10:00\"");
        w.step_s = 60 * r.number(*t, "transit.", "step_min", w.step_s / 60);
        w.max_time_s = 60 * r.number(*t, "transit.", "max_time_min", w.max_time_s / 60);
        w.max_walk_s = 60 * r.number(*t, "transit.", "max_walk_min", w.max_walk_s / 60);
        w.max_transfer_walk_s = 60 * r.number(*t, "transit.", "max_transfer_walk_min", w.max_transfer_walk_s / 60);
        w.change_s = 60 * r.number(*t, "transit.", "change_min", w.change_s / 60);
        w.reach_percentile = r.number(*t, "transit.", "catchment_percentile", w.reach_percentile);
        if (!wants_transit) r.fail("transit", "the job has a [transit] section but no transit mode", t, "add \"transit\" to analysis.modes");
    } else if (wants_transit) {
        r.fail("analysis.modes", "the transit mode needs timetables", nullptr, "give GTFS feeds and a date: a [transit] section with feeds and date in a job file, the gtfs and transit_date options in QGIS and the CLI (docs/methods/public-transport.md)");
    }

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
        d.band_upper_min = r.numbers(*e, "e2sfca.", "band_upper_min", d.band_upper_min);
        d.band_weight = r.numbers(*e, "e2sfca.", "band_weights", d.band_weight);
        if (d.band_upper_min.size() != d.band_weight.size())
            r.fail("e2sfca.band_weights", "needs one weight per band", e->get("band_weights"),
                   "give as many band_weights as band_upper_min");
        if (!std::is_sorted(d.band_upper_min.begin(), d.band_upper_min.end()))
            r.fail("e2sfca.band_upper_min", "must increase", e->get("band_upper_min"), "");
        d.max_time_min = r.number(*e, "e2sfca.", "max_time_min",
                                  d.kind == access::DecayKind::bands ? d.band_upper_min.back() : 30.0, 0.1, 1440);
        d.gaussian_sigma_min = r.number(*e, "e2sfca.", "gaussian_sigma_min", d.gaussian_sigma_min);
        d.exponential_per_min = r.number(*e, "e2sfca.", "exponential_per_min", d.exponential_per_min);
    }

    if (const auto* g = r.table(root, "geography", false)) {
        r.check_keys(*g, "geography", "geography.");
        job.geography.lookup = r.path(*g, "geography.", "lookup", false);
        for (const auto& [key, target] : {std::pair{"population_lsoa11", &job.geography.population_lsoa11},
                                          std::pair{"population_lsoa21", &job.geography.population_lsoa21}}) {
            if (const auto* pt = r.table(*g, key, false)) {
                const std::string pp = std::string("geography.") + key + ".";
                r.check_keys(*pt, "source", pp);
                *target = parse_source(r, *pt, pp, "");
                if (!target->given()) r.fail(pp + "field", "missing", pt, "name the population field");
            }
        }
    }
    if (const auto* ix = r.table(root, "indices", false)) {
        for (const auto& [k, v] : *ix) {
            if (!v.is_table()) r.fail("indices." + std::string(k.str()), "must be a section", &v, "write [indices.deri]");
            job.indices.push_back(parse_index(r, std::string(k.str()), *v.as_table(), job));
        }
    }
    // Tables in another LSOA year need the areas' year and a lookup: said now, not after routing.
    auto check_geography = [&](const IndicatorSource& src, const std::string& key) {
        if (src.geography.empty() || src.geography == job.geography.areas) return;
        if (job.geography.areas.empty())
            r.fail(key + ".geography", "the table is in " + src.geography + " but the areas' geography is not given", nullptr,
                   "add geography = \"lsoa11\" or \"lsoa21\" to [areas]");
        if (job.geography.lookup.empty())
            r.fail(key + ".geography", "converting " + src.geography + " to " + job.geography.areas + " needs the ONS lookup", nullptr,
                   "add [geography] lookup = \"...\" (LSOA11CD, LSOA21CD, CHGIND)");
    };
    for (const auto& ix : job.indices)
        for (std::size_t k = 0; k < ix.sources.size(); ++k)
            check_geography(ix.sources[k], "indices." + ix.def.name + ".indicators." + ix.def.indicators[k].id);

    if (const auto* c = r.table(root, "composite", false)) {
        r.check_keys(*c, "composite", "composite.");
        auto& spec = job.composite;
        spec.enabled = r.boolean(*c, "composite.", "enabled", true);
        spec.layer = r.text(*c, "composite.", "layer", spec.layer);
        spec.method = r.choice(*c, "composite.", "method", spec.method,
                               {{"mean", indices::Normalisation::minmax}, {"exponential", indices::Normalisation::exponential}});
        const auto* domains = r.table(*c, "domains", true);
        for (const auto& [k, v] : *domains) {
            const std::string name(k.str());
            const std::string dp = "composite.domains." + name + ".";
            if (!v.is_table()) r.fail(dp.substr(0, dp.size() - 1), "must be a section", &v, "");
            if (!is_field_name(name)) r.fail(dp.substr(0, dp.size() - 1), "domain names must be lower-case letters, digits or _", &v, "");
            const auto& dt = *v.as_table();
            r.check_keys(dt, "domain", dp);
            CompositeDomain d;
            d.name = name;
            d.title = r.text(dt, dp, "title", name);
            d.field = r.text(dt, dp, "field", "");
            d.direction = parse_direction(r, dt, dp, d.direction);
            d.weight = r.number(dt, dp, "weight", 1, 0, 1e9);
            if (d.field.empty() || dt.contains("path")) {
                toml::table copy = dt;
                for (const char* key : {"title", "direction", "weight"}) copy.erase(key);
                d.source = parse_source(r, copy, dp, job.area_code_field);
                d.field.clear();
                if (!d.source.given()) r.fail(dp + "field", "missing", &v, "name a field this job computes (e.g. gp_walk_time_min) or a table");
            }
            spec.domains.push_back(std::move(d));
        }
        if (spec.domains.empty()) r.fail("composite.domains", "no domains", domains, "add [composite.domains.<name>] sections");
        for (const auto& d : spec.domains) check_geography(d.source, "composite.domains." + d.name);
        if (const auto* core20 = r.table(*c, "core20", false)) {
            r.check_keys(*core20, "source", "composite.core20.");
            spec.imd_decile = parse_source(r, *core20, "composite.core20.", job.area_code_field);
            if (!spec.imd_decile.given()) r.fail("composite.core20.field", "missing", core20, "name the IMD decile field, e.g. IMD_decile");
        }
    }
    if (const auto* c = r.table(root, "clustering", false)) {
        r.check_keys(*c, "clustering", "clustering.");
        auto& spec = job.clustering;
        spec.enabled = r.boolean(*c, "clustering.", "enabled", true);
        spec.fields = r.text_or_list(*c, "clustering.", "fields");
        if (spec.fields.empty()) r.fail("clustering.fields", "missing", c, "name the output fields to test, e.g. [\"deri_score\"]");
        spec.contiguity = r.choice(*c, "clustering.", "contiguity", spec.contiguity,
                                   {{"queen", indices::Contiguity::queen}, {"rook", indices::Contiguity::rook}});
        spec.tolerance_m = r.number(*c, "clustering.", "tolerance_m", spec.tolerance_m);
        spec.permutations = static_cast<std::size_t>(r.number(*c, "clustering.", "permutations"));
        spec.seed = static_cast<std::uint64_t>(r.number(*c, "clustering.", "seed", static_cast<double>(spec.seed)));
        spec.significance = r.number(*c, "clustering.", "significance", spec.significance);
        spec.layer = r.text(*c, "clustering.", "layer", spec.layer);
    }

    if (const auto* q = r.table(root, "inequality", false)) {
        r.check_keys(*q, "inequality", "inequality.");
        auto& spec = job.inequality;
        spec.enabled = r.boolean(*q, "inequality.", "enabled", true);
        spec.deprivation_name = r.text(*q, "inequality.", "deprivation_name", spec.deprivation_name);
        const auto* dep = r.table(*q, "deprivation", true);
        r.check_keys(*dep, "source", "inequality.deprivation.");
        spec.deprivation = parse_source(r, *dep, "inequality.deprivation.", job.area_code_field);
        if (!spec.deprivation.given())
            r.fail("inequality.deprivation.field", "missing", dep, "name the decile field (1 = most deprived), e.g. IMD_decile");
        if (const auto* sc = r.table(*q, "deprivation_score", false)) {
            r.check_keys(*sc, "source", "inequality.deprivation_score.");
            spec.deprivation_score = parse_source(r, *sc, "inequality.deprivation_score.", job.area_code_field);
        }
        spec.indicators = r.texts(*q, "inequality.", "indicators", {});
        if (const toml::node* gs = q->get("groups")) {
            if (!gs->is_array_of_tables()) r.fail("inequality.groups", "must be a list of [[inequality.groups]] sections", gs, "");
            for (const auto& gn : *gs->as_array()) {
                const auto& gt = *gn.as_table();
                r.check_keys(gt, "inequality_group", "inequality.groups.");
                InequalityGroup g;
                g.name = r.text(gt, "inequality.groups.", "name", "", true);
                if (!is_name(g.name)) r.fail("inequality.groups.name", "'" + g.name + "' must be lower-case letters, digits or _", gt.get("name"), "e.g. no_car");
                g.title = r.text(gt, "inequality.groups.", "title", g.name);
                toml::table copy = gt;
                copy.erase("name");
                copy.erase("title");
                g.counts = parse_source(r, copy, "inequality.groups." + g.name + ".", job.area_code_field);
                if (!g.counts.given() || g.counts.denominator.empty())
                    r.fail("inequality.groups." + g.name, "needs numerator (the group's count) and denominator (everyone counted)", &gn,
                           "e.g. numerator = \"no_car\", denominator = \"households\"");
                spec.groups.push_back(std::move(g));
            }
        }
        if (const auto* c = r.table(*q, "classes", false)) {
            r.check_keys(*c, "inequality_classes", "inequality.classes.");
            spec.classes.path = r.path(*c, "inequality.classes.", "path", true);
            spec.classes.layer = r.text(*c, "inequality.classes.", "layer", "");
            spec.class_code_field = r.text(*c, "inequality.classes.", "code_field", job.area_code_field);
            spec.class_field = r.text(*c, "inequality.classes.", "field", "", true);
        }
        spec.no_car_group = r.text(*q, "inequality.", "no_car_group", "");
        if (!spec.no_car_group.empty() &&
            std::none_of(spec.groups.begin(), spec.groups.end(), [&](const InequalityGroup& g) { return g.name == spec.no_car_group; }))
            r.fail("inequality.no_car_group", "'" + spec.no_car_group + "' is not one of the [[inequality.groups]]", q->get("no_car_group"), "");
        spec.min_areas_per_decile = static_cast<std::size_t>(r.number(*q, "inequality.", "min_areas_per_decile"));
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
    // Transit walks its street legs: the walk profile as configured.
    if (wants_transit) job.profiles[network::Mode::transit] = job.profiles.count(network::Mode::walk) ? job.profiles.at(network::Mode::walk)
                                                                                                        : network::default_profile(network::Mode::walk);
    parse_scenarios(r, root, job);
    for (auto& sc : job.scenarios)
        if (wants_transit && sc.profiles.count(network::Mode::walk)) sc.profiles[network::Mode::transit] = sc.profiles.at(network::Mode::walk);
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
