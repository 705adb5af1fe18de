#include "job/job_reader.hpp"

#include <accessatlas/indices/field_guess.hpp>
#include <accessatlas/io/layers.hpp>

#include <algorithm>
#include <cctype>

namespace accessatlas::job::detail {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Every key a job file may hold, by section: unknown keys are refused.
const std::map<std::string, std::vector<std::string>>& schema() {
    static const std::map<std::string, std::vector<std::string>> s{
        {"",
         {"job", "network", "areas", "population", "origins", "services", "analysis", "profiles", "catchments", "e2sfca", "transit",
          "greenspace", "geography", "indices", "composite", "clustering", "inequality", "scenarios"}},
        {"inequality",
         {"enabled", "deprivation_name", "deprivation", "deprivation_score", "indicators", "groups", "classes", "no_car_group",
          "min_areas_per_decile"}},
        {"inequality_group",
         {"name", "title", "path", "layer", "code_field", "numerator", "denominator", "field", "scale", "filter", "aggregate", "geography",
          "kind"}},
        {"inequality_classes", {"path", "layer", "code_field", "field"}},
        {"scenario", {"name", "title", "services", "roads", "speeds", "transit"}},
        {"scenario_transit", {"remove_routes", "remove_stops", "route_frequency", "date", "window_start", "window_end"}},
        {"transit",
         {"feeds", "date", "window_start", "window_end", "step_min", "max_time_min", "max_walk_min", "max_transfer_walk_min", "change_min",
          "catchment_percentile"}},
        {"scenario_service", {"service", "remove", "add", "add_from", "add_from_layer", "supply"}},
        {"new_facility", {"id", "name", "x", "y", "lon", "lat", "supply"}},
        {"roads", {"close_ways", "close_area", "close_area_layer"}},
        {"geography", {"lookup", "population_lsoa11", "population_lsoa21"}},
        {"index",
         {"preset", "title", "layer", "basis", "group_field", "normalisation", "missing", "table", "table_layer", "table_code_field",
          "fields", "indicators", "components"}},
        {"indicator",
         {"title", "component", "weight", "direction", "path", "layer", "code_field", "numerator", "denominator", "field", "scale",
          "filter", "aggregate", "geography", "kind", "reference"}},
        {"source",
         {"path", "layer", "code_field", "numerator", "denominator", "field", "scale", "filter", "aggregate", "geography", "kind"}},
        {"component", {"title", "weight"}},
        {"composite", {"enabled", "method", "layer", "domains", "core20"}},
        {"domain",
         {"title", "field", "direction", "weight", "path", "layer", "code_field", "numerator", "denominator", "scale", "filter",
          "aggregate", "geography", "kind"}},
        {"clustering", {"enabled", "fields", "contiguity", "tolerance_m", "permutations", "seed", "significance", "layer"}},
        {"greenspace",
         {"enabled", "path", "layer", "name_field", "include", "woodland", "entrances", "entrances_layer", "entrance_max_m",
          "fallback_spacing_m", "mode", "tiers", "ten_minute_walk_m", "neighbourhood_m", "capacity_ha_per_1000"}},
        {"tier", {"name", "min_ha", "distance_m", "woodland"}},
        {"catchments", {"enabled", "thresholds_min", "walk_off_m", "polygons", "members", "services", "modes"}},
        {"e2sfca", {"enabled", "decay", "max_time_min", "band_upper_min", "band_weights", "gaussian_sigma_min", "exponential_per_min"}},
        {"job", {"title", "output", "csv", "threads", "report", "project"}},
        {"network",
         {"path", "graph", "layer", "coverage", "coverage_layer", "class_field", "oneway_field", "maxspeed_field", "start_node_field",
          "end_node_field", "snap_tolerance_m"}},
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

std::vector<std::string> class_names() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < network::road_class_count; ++i) out.emplace_back(network::to_string(static_cast<network::RoadClass>(i)));
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

const io::AttributeTable& Reader::table_for_guessing(const std::string& path, const std::string& layer) const {
    const std::string id = path + '\n' + layer;
    auto found = m_for_guessing.find(id);
    if (found == m_for_guessing.end())
        found = m_for_guessing.emplace(id, io::read_attribute_table(path, layer, {}, indices::looks_like_area_code)).first;
    return found->second;
}

std::string Reader::code_field(const toml::table& t, const std::string& prefix, const std::string& key, const std::string& path,
                               const std::string& layer, const std::string& fallback) const {
    if (t.get(key) || path.empty()) return text(t, prefix, key, fallback);
    const std::string id = path + '\n' + layer + '\n' + fallback;
    if (const auto found = m_resolved.find(id); found != m_resolved.end()) return found->second;
    std::string field = fallback;
    try {
        const auto& table = table_for_guessing(path, layer);
        if (fallback.empty() || table.column(fallback) < 0) {
            if (const auto guess = indices::guess_code_column(table)) {
                field = guess->field;
                m_notes.push_back(fmt::format("{}{} not given{}: using '{}' of {}, as {}", prefix, key,
                                              fallback.empty() ? "" : " and the table has no field '" + fallback + "'", field, path,
                                              guess->reason));
            }
        }
    } catch (const InputError&) {
        // A table that cannot be read keeps `fallback`: its reader names the problem later.
    }
    m_resolved[id] = field;
    return field;
}

std::string Reader::guessed_field(const std::string& key, Guess what, const std::string& path, const std::string& layer,
                                  const toml::node* section) const {
    const bool population = what == Guess::population;
    const auto& table = table_for_guessing(path, layer);
    const auto guess = population ? indices::guess_population_column(table) : indices::guess_code_column(table);
    if (guess) {
        m_notes.push_back(fmt::format("{} not given: using '{}' of {}, as {}", key, guess->field, path, guess->reason));
        return guess->field;
    }
    std::string fields;
    try {
        const auto names = io::layer_field_names(path, layer);
        for (std::size_t i = 0; i < names.size() && i < 20; ++i) fields += (i ? ", " : "") + names[i];
        if (names.size() > 20) fields += fmt::format(" and {} more", names.size() - 20);
    } catch (const Error&) {}
    fail(key,
         population ? "missing, and no field of " + path + " is named as a population count (or two are)"
                    : "missing, and no field of " + path + " holds ONS area codes",
         section,
         population ? "name the field that holds the number of people" + (fields.empty() ? std::string() : "; the fields are: " + fields)
                    : "name the field that holds the area codes" + (fields.empty() ? std::string() : "; the fields are: " + fields));
}

// The source keys shared by indicators, references, composite domains and population tables.
IndicatorSource parse_source(const Reader& r, const toml::table& t, const std::string& prefix, const std::string& default_code_field) {
    IndicatorSource s;
    s.path = r.path(t, prefix, "path", false);
    s.layer = r.text(t, prefix, "layer", "");
    s.code_field = r.code_field(t, prefix, "code_field", s.path, s.layer, default_code_field);
    s.numerator = r.text_or_list(t, prefix, "numerator");
    const auto field = r.text_or_list(t, prefix, "field");
    if (!field.empty() && !s.numerator.empty())
        r.fail(prefix + "field", "give either field or numerator", t.get("field"),
               "field is a value as it stands; numerator is divided by denominator");
    if (!field.empty()) s.numerator = field;
    s.denominator = r.text_or_list(t, prefix, "denominator");
    if (!s.denominator.empty() && s.numerator.empty())
        r.fail(prefix + "denominator", "a denominator needs a numerator", t.get("denominator"), "add numerator = \"...\"");
    s.scale = r.number(t, prefix, "scale", 1, -1e12, 1e12);
    const std::string filter = r.text(t, prefix, "filter", "");
    if (!filter.empty()) {
        const auto eq = filter.find('=');
        if (eq == std::string::npos || eq == 0)
            r.fail(prefix + "filter", "'" + filter + "' is not field=value", t.get("filter"),
                   "write e.g. filter = \"disability=Disabled\"");
        s.filter_field = filter.substr(0, eq);
        s.filter_value = filter.substr(eq + 1);
    }
    s.aggregate = r.boolean(t, prefix, "aggregate", false);
    s.geography = geography_name(r, t, prefix);
    s.kind =
        r.choice(t, prefix, "kind", indices::ValueKind::rate, {{"rate", indices::ValueKind::rate}, {"count", indices::ValueKind::count}});
    if (s.given() && s.code_field.empty()) r.fail(prefix + "code_field", "missing", nullptr, "name the column that holds the area codes");
    return s;
}

indices::Direction parse_direction(const Reader& r, const toml::table& t, const std::string& prefix, indices::Direction def) {
    return r.choice(t, prefix, "direction", def,
                    {{"higher_is_worse", indices::Direction::higher_is_worse},
                     {"lower_is_worse", indices::Direction::lower_is_worse},
                     {"higher_is_better", indices::Direction::lower_is_worse},
                     {"lower_is_better", indices::Direction::higher_is_worse}});
}

bool is_name(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

}  // namespace accessatlas::job::detail

namespace accessatlas::job {

std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = static_cast<std::size_t>(-1);
    for (const auto& c : candidates) {
        const std::size_t d = detail::edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

}  // namespace accessatlas::job
