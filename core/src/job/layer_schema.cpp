#include "job/layer_schema.hpp"

#include <accessatlas/job/layers.hpp>

#include "job/access_schema.hpp"
#include "job/common.hpp"
#include "job/stages.hpp"

#include <algorithm>

namespace accessatlas::job::detail {

namespace {

using T = io::FieldType;
using G = io::GeometryKind;

const SchemaField lsoa_code{"lsoa_code", T::text, "", "area code (ONS)"};
const SchemaField lsoa_name{"lsoa_name", T::text, "", "area name"};
const SchemaField area_population{"population", T::real, "people", "the area's population"};

void add_snap_fields(std::vector<SchemaField>& fields, const std::vector<network::Mode>& modes) {
    for (auto m : modes) {
        const std::string p = "snap_" + std::string(network::to_string(m));
        fields.push_back({p + "_m", T::real, "metres", "distance to the nearest usable " + std::string(network::to_string(m)) + " edge"});
        fields.push_back({p + "_edge", T::integer, "", "that edge's index in the network"});
        fields.push_back({p + "_offset_m", T::real, "metres", "the snapped point's distance along the edge"});
    }
}

// The (service, mode) columns of the access layers, in the order routed: modes, then services.
std::vector<std::pair<std::string, network::Mode>> columns_of(const Job& job) {
    std::vector<std::pair<std::string, network::Mode>> out;
    for (auto m : job.modes)
        for (const auto& s : job.services) out.emplace_back(s.name, m);
    return out;
}

bool has_mode(const Job& job, network::Mode m) { return std::find(job.modes.begin(), job.modes.end(), m) != job.modes.end(); }

}  // namespace

std::vector<io::FieldDef> LayerSchema::field_defs() const {
    std::vector<io::FieldDef> out;
    out.reserve(fields.size());
    for (const auto& f : fields) out.push_back({f.name, f.type});
    return out;
}

io::LayerWriter& LayerSchema::create(io::GpkgWriter& out) const { return out.create_layer(name, geometry, field_defs(), description); }

LayerSchema lsoa_access_schema(const Job& job, const std::string& prefix) {
    LayerSchema s{prefix + "lsoa_access",
                  "access",
                  G::polygon,
                  "Travel time and distance to the nearest service per area, population-weighted",
                  {},
                  false};
    s.fields = {lsoa_code,
                lsoa_name,
                area_population,
                {"served", T::integer, "", "1 when an origin of the area lies within the network (and its coverage); 0: no numbers"}};
    for (const auto& [service, mode] : columns_of(job))
        for (const auto& f : access_fields(job, service, mode)) s.fields.push_back({f.name, T::real, f.units, f.description});
    return s;
}

LayerSchema origins_nearest_schema(const Job& job, const std::string& prefix) {
    LayerSchema s{prefix + "origins_nearest",
                  "access",
                  G::point,
                  "Origins (population points) with the nearest facility per service and mode",
                  {},
                  false};
    s.fields = {{"origin_id", T::integer, "", "the origin's number"},
                {"lsoa_code", T::text, "", "the area the origin belongs to"},
                {"kind", T::text, "", "street point, given point or centroid"},
                {"population", T::real, "people", "the people the origin carries"}};
    add_snap_fields(s.fields, job.modes);
    for (const auto& [service, mode] : columns_of(job)) {
        const std::string p = column_prefix(service, mode);
        s.fields.push_back({p + "facility", T::text, "", "the nearest " + column_title(service, mode)});
        s.fields.push_back({p + "time_min", T::real, "minutes", "time to it"});
        s.fields.push_back({p + "dist_km", T::real, "km", "network distance to it"});
    }
    return s;
}

LayerSchema facilities_schema(const Job& job, const std::string& prefix) {
    LayerSchema s{
        prefix + "facilities", "access", G::point, "Input facilities as used: snapped = 1 when on the network for every mode", {}, false};
    s.fields = {{"service", T::text, "", "the service's name"},
                {"facility_id", T::text, "", "the facility's identifier"},
                {"name", T::text, "", "the facility's name"},
                {"snapped", T::integer, "", "1 when on the network for every mode; 0: excluded"}};
    add_snap_fields(s.fields, job.modes);
    return s;
}

LayerSchema catchments_schema(const std::string& prefix, const std::string& service, network::Mode mode) {
    return {prefix + column_prefix(service, mode) + "catchments",
            "catchments",
            G::polygon,
            "Service areas per facility: 'within' = everywhere within the threshold; 'band' = the ring between the previous threshold "
            "and this one. Population from the origins.",
            {{"facility_id", T::text, "", "the facility"},
             {"name", T::text, "", "its name"},
             {"threshold_min", T::real, "minutes", "the threshold"},
             {"kind", T::text, "", "within (the whole service area) or band (the ring)"},
             {"band", T::text, "", "the band's label, e.g. 10-20"},
             {"population", T::real, "people", "people within (or in the band)"},
             {"area_ha", T::real, "hectares", "the polygon's area"}},
            false};
}

LayerSchema coverage_schema(const std::string& prefix, const std::string& service, network::Mode mode) {
    return {prefix + column_prefix(service, mode) + "coverage",
            "catchments",
            G::polygon,
            "Union of the service areas of every facility, per threshold",
            {{"threshold_min", T::real, "minutes", "the threshold"},
             {"population_covered", T::real, "people", "people within the threshold of any facility"},
             {"population_total", T::real, "people", "everyone"},
             {"area_ha", T::real, "hectares", "the polygon's area"}},
            false};
}

LayerSchema catchment_members_schema(const std::string& prefix, const std::string& service, network::Mode mode) {
    return {prefix + column_prefix(service, mode) + "catchment_members",
            "catchments",
            G::none,
            "Every origin within the largest threshold of each facility",
            {{"facility_id", T::text, "", "the facility"},
             {"origin_id", T::integer, "", "the origin (origins_nearest)"},
             {"time_min", T::real, "minutes", "time between them"},
             {"population", T::real, "people", "the origin's people"}},
            false};
}

LayerSchema supply_schema(const std::string& prefix, const std::string& service, network::Mode mode) {
    return {prefix + column_prefix(service, mode) + "supply",
            "catchments",
            G::point,
            "E2SFCA step 1 per facility: supply, decay-weighted demand, supply per 1,000 people",
            {{"facility_id", T::text, "", "the facility"},
             {"name", T::text, "", "its name"},
             {"supply", T::real, "supply units", "the facility's capacity (GPs, FTE, 1 when not given)"},
             {"demand", T::real, "people", "decay-weighted population within the maximum time"},
             {"ratio_per_1000", T::real, "supply per 1,000 people", "supply over demand"},
             {"population_within", T::real, "people", "people within the first time band"}},
            false};
}

LayerSchema lsoa_greenspace_schema(const Job& job) {
    LayerSchema s{"lsoa_greenspace",
                  "green space",
                  G::polygon,
                  "Green-space access per area: % meeting each size/distance standard, score and decile",
                  {},
                  false};
    s.fields = {lsoa_code,
                lsoa_name,
                area_population,
                {"greenspace_mode", T::text, "", "network (walking distance) or straight_line"},
                {"greenspace_score", T::real, "score 0-100", "mean over the tiers of the % of people within reach; higher = better"},
                {"greenspace_decile", T::integer, "", "decile of the score in the study area, 1 = least access"}};
    for (const auto& t : job.greenspace.tiers)
        s.fields.push_back({"pct_" + t.name, T::real, "% of population", "% of people within reach of a " + t.name + " site"});
    s.fields.push_back({"pop_beyond_10min", T::real, "people", "people beyond a 10-minute walk of any green space"});
    s.fields.push_back({"mean_dist_m", T::real, "metres", "population-weighted mean distance to the nearest green space"});
    s.fields.push_back({"ha_per_1000", T::real, "hectares per 1,000 people", "green space within the neighbourhood distance per head"});
    s.fields.push_back({"meets_capacity", T::integer, "", "1 when ha_per_1000 meets the capacity standard"});
    return s;
}

LayerSchema greenspace_sites_schema() {
    return {"greenspace_sites",
            "green space",
            G::polygon,
            "Green-space sites (touching polygons dissolved; woods also as their own sites)",
            {{"site_id", T::integer, "", "the site's number"},
             {"name", T::text, "", "its name"},
             {"area_ha", T::real, "hectares", "its area"},
             {"woodland", T::integer, "", "1 for a wood"},
             {"entrances", T::integer, "", "access points used"},
             {"given_entrances", T::integer, "", "of which given in the input"},
             {"fallback_entrances", T::integer, "", "of which fallback points (no path meets the boundary)"}},
            false};
}

LayerSchema greenspace_entrances_schema() {
    return {"greenspace_entrances",
            "green space",
            G::point,
            "Access points of the green-space sites: given, derived (path meets boundary) or fallback",
            {{"site_id", T::integer, "", "the site (greenspace_sites)"}, {"kind", T::text, "", "given, derived or fallback"}},
            false};
}

LayerSchema lsoa_delta_schema(const Job& job, const ScenarioSpec& scenario) {
    LayerSchema s{scenario.name + "_lsoa_delta",
                  "scenarios",
                  G::polygon,
                  "Scenario '" + scenario.title + "' minus the baseline, per area",
                  {},
                  false};
    s.fields = {lsoa_code, lsoa_name, area_population};
    for (const auto& [service, mode] : columns_of(job)) {
        const std::string p = column_prefix(service, mode);
        s.fields.push_back(
            {p + "time_min_delta", T::real, "minutes", "change in time to the nearest " + column_title(service, mode) + "; + = slower"});
        s.fields.push_back({p + "unreached_pop_delta", T::real, "people", "change in people reaching none"});
        for (double t : job.thresholds_min)
            s.fields.push_back(
                {p + "newly_beyond_" + threshold_label(t), T::real, "people", "people newly beyond " + threshold_label(t) + " min"});
        for (double t : job.thresholds_min)
            s.fields.push_back(
                {p + "newly_within_" + threshold_label(t), T::real, "people", "people newly within " + threshold_label(t) + " min"});
        if (job.e2sfca.enabled) s.fields.push_back({p + "e2sfca_per_1000_delta", T::real, "supply per 1,000 people", "change in E2SFCA"});
    }
    return s;
}

LayerSchema scenario_summary_schema(const Job& job) {
    LayerSchema s{"scenario_summary",
                  "scenarios",
                  G::none,
                  "Each scenario against the baseline, per service and mode: mean time and people crossing each threshold",
                  {},
                  false};
    s.fields = {{"scenario", T::text, "", "the scenario's name"},
                {"title", T::text, "", "its title"},
                {"service", T::text, "", "the service"},
                {"mode", T::text, "", "the mode"},
                {"facilities_baseline", T::integer, "facilities", "facilities in the baseline"},
                {"facilities_scenario", T::integer, "facilities", "facilities in the scenario"},
                {"closed_edges", T::integer, "edges", "network edges closed"},
                {"mean_time_min_baseline", T::real, "minutes", "population-weighted mean time, baseline"},
                {"mean_time_min_scenario", T::real, "minutes", "population-weighted mean time, scenario"}};
    for (double t : job.thresholds_min)
        s.fields.push_back(
            {"people_newly_beyond_" + threshold_label(t), T::real, "people", "people newly beyond " + threshold_label(t) + " min"});
    for (double t : job.thresholds_min)
        s.fields.push_back(
            {"people_newly_within_" + threshold_label(t), T::real, "people", "people newly within " + threshold_label(t) + " min"});
    s.fields.push_back({"areas_slower", T::integer, "areas", "areas whose mean time grew"});
    s.fields.push_back({"areas_faster", T::integer, "areas", "areas whose mean time fell"});
    return s;
}

LayerSchema index_schema(const IndexSpec& spec) {
    const auto& def = spec.def;
    const std::string p = def.name + "_";
    const bool minmax = def.normalisation == indices::Normalisation::minmax;
    LayerSchema s{spec.layer, "indices", G::polygon, def.title, {}, false};
    s.fields = {
        lsoa_code, lsoa_name, area_population, {p + "score", T::real, minmax ? "0-10" : "normalised", "the index; higher = higher risk"}};
    for (const auto& c : def.components) s.fields.push_back({p + c.id, T::real, minmax ? "0-10" : "normalised", "component: " + c.title});
    if (minmax) s.fields.push_back({p + "band", T::integer, "", "the score's whole band (floor)"});
    s.fields.push_back({p + "quintile", T::integer, "", "quintile, 1 = highest risk"});
    s.fields.push_back({p + "decile", T::integer, "", "decile, 1 = highest risk"});
    s.fields.push_back({p + "incomplete", T::integer, "", "1 when an indicator is missing for the area"});
    s.fields.push_back({p + "missing", T::text, "", "the indicators missing for the area"});
    for (const auto& ind : def.indicators) {
        s.fields.push_back({p + ind.id, T::real, "", ind.title + " (its own units)"});
        s.fields.push_back({p + ind.id + "_score", T::real, minmax ? "0-10" : "normalised", ind.title + ", scored"});
    }
    return s;
}

LayerSchema composite_schema(const Job& job, bool sensitivity) {
    const auto& spec = job.composite;
    LayerSchema s{spec.layer, "indices", G::polygon, "Composite index of access and exclusion", {}, false};
    s.fields = {lsoa_code, lsoa_name, area_population};
    for (const auto& d : spec.domains) {
        s.fields.push_back({d.name, T::real, "", "domain " + d.title + ": its value"});
        s.fields.push_back({d.name + "_score", T::real, "", "its score (10 or 100 = highest need)"});
    }
    s.fields.push_back({"composite_score", T::real, "", "the composite index, higher = higher need"});
    s.fields.push_back({"composite_rank", T::integer, "", "rank, 1 = highest need"});
    s.fields.push_back({"composite_decile", T::integer, "", "decile, 1 = highest need"});
    s.fields.push_back({"composite_incomplete", T::integer, "", "1 when a domain is missing"});
    s.fields.push_back({"imd_decile", T::integer, "", "IMD decile (1 = most deprived)"});
    s.fields.push_back({"core20", T::integer, "", "1 in IMD deciles 1-2 (Core20)"});
    if (sensitivity) {
        for (const char* f : {"composite_rank_min", "composite_rank_max", "composite_rank_p05", "composite_rank_p95"})
            s.fields.push_back({f, T::integer, "", "the rank's range over re-weightings"});
        s.fields.push_back({"composite_top_fifth_pct", T::real, "%", "% of re-weightings that put the area in the highest-need fifth"});
    }
    return s;
}

LayerSchema clusters_schema(const Job& job) {
    LayerSchema s{job.clustering.layer, "indices", G::polygon, "Local Moran (LISA) clusters", {}, false};
    s.fields = {lsoa_code, lsoa_name, {"neighbours", T::integer, "areas", "contiguous neighbours"}};
    for (const auto& f : job.clustering.fields) {
        s.fields.push_back({f, T::real, "", "the field tested"});
        s.fields.push_back({f + "_lisa_i", T::real, "", "local Moran's I"});
        s.fields.push_back({f + "_lisa_p", T::real, "", "pseudo p-value"});
        s.fields.push_back({f + "_lisa", T::text, "", "cluster class: high-high, low-low, high-low, low-high or not significant"});
    }
    return s;
}

LayerSchema moran_global_schema() {
    return {"moran_global",
            "indices",
            G::none,
            "Global Moran's I per field",
            {{"field", T::text, "", "the field"},
             {"moran_i", T::real, "", "Moran's I"},
             {"expected_i", T::real, "", "E[I] = -1/(n-1)"},
             {"z_permutation", T::real, "", "z against the permutations"},
             {"p_pseudo", T::real, "", "pseudo p-value"},
             {"permutations", T::integer, "", "permutations"},
             {"areas", T::integer, "areas", "areas with a value"},
             {"contiguity", T::text, "", "queen or rook"}},
            false};
}

LayerSchema index_summary_schema() {
    return {"index_summary",
            "indices",
            G::none,
            "Area statistics per index",
            {{"field", T::text, "", "the index field"},
             {"areas", T::integer, "areas", "areas with a value"},
             {"population", T::real, "people", "everyone"},
             {"mean", T::real, "", "mean over areas"},
             {"population_weighted_mean", T::real, "", "mean over people"},
             {"minimum", T::real, "", "lowest value"},
             {"maximum", T::real, "", "highest value"},
             {"areas_highest_quintile", T::integer, "areas", "areas in the highest-need fifth"},
             {"population_highest_quintile", T::real, "people", "their people"},
             {"pct_population_highest_quintile", T::real, "%", "their share of everyone"},
             {"areas_incomplete", T::integer, "areas", "areas with a missing indicator"},
             {"areas_core20", T::integer, "areas", "areas in IMD deciles 1-2"},
             {"population_core20", T::real, "people", "their people"}},
            false};
}

LayerSchema inequality_summary_schema() {
    return {"inequality_summary",
            "inequality",
            G::none,
            "Inequality measures per indicator: gap, SII, RII, concentration index, Gini, Theil, Core20, groups, classes",
            {{"indicator", T::text, "", "the area indicator"},
             {"measure", T::text, "", "the measure"},
             {"value", T::real, "", "its value (the indicator's units, a ratio or unitless)"},
             {"lower", T::real, "", "95% interval, lower end"},
             {"upper", T::real, "", "95% interval, upper end"},
             {"method", T::text, "", "how it was computed"}},
            false};
}

LayerSchema by_decile_schema(const std::string& indicator, const std::string& deprivation_name) {
    return {indicator + "_by_decile",
            "inequality",
            G::none,
            indicator + " by " + deprivation_name + " decile and quintile (1 = most deprived)",
            {{"grouping", T::text, "", "decile or quintile"},
             {"group", T::integer, "", "1 = most deprived"},
             {"areas", T::integer, "areas", "areas in the group"},
             {"population", T::real, "people", "their people"},
             {"mean", T::real, "", "population-weighted mean of the indicator"},
             {"sii_fitted", T::real, "", "the SII line at the group's midpoint"}},
            false};
}

LayerSchema realistic_access_schema(const std::vector<std::string>& realistic_fields) {
    LayerSchema s{"lsoa_realistic_access",
                  "inequality",
                  G::polygon,
                  "Travel time weighted by car availability: drive for households with a car, transit (or walk) without",
                  {},
                  false};
    s.fields = {lsoa_code, lsoa_name};
    for (const auto& f : realistic_fields)
        s.fields.push_back({f, T::real, "minutes", "drive time for households with a car, transit (or walk) time for those without"});
    return s;
}

LayerSchema run_warnings_schema() {
    return {"run_warnings",
            "warnings",
            G::none,
            "Every item the run's warnings name: what, where, and what was done",
            {{"kind", T::text, "", "what happened, e.g. facility_off_network"},
             {"file", T::text, "", "the input file"},
             {"layer", T::text, "", "its layer"},
             {"feature_id", T::text, "", "the feature (facility, stop, trip ...)"},
             {"code", T::text, "", "the area code"},
             {"field", T::text, "", "the field"},
             {"action", T::text, "", "what was done"}},
            true};
}

std::vector<LayerSchema> output_schemas(const Job& job) {
    std::vector<LayerSchema> out;
    const auto service_layers = [&](const std::string& prefix) {
        if (job.services.empty()) return;
        out.push_back(lsoa_access_schema(job, prefix));
        out.push_back(origins_nearest_schema(job, prefix));
        out.push_back(facilities_schema(job, prefix));
    };
    service_layers("");
    if (job.greenspace.enabled) {
        out.push_back(lsoa_greenspace_schema(job));
        out.push_back(greenspace_sites_schema());
        out.push_back(greenspace_entrances_schema());
    }
    for (const auto& spec : job.indices) out.push_back(index_schema(spec));
    if (job.composite.enabled) out.push_back(composite_schema(job, job.composite.domains.size() >= 2));
    if (job.clustering.enabled) {
        out.push_back(clusters_schema(job));
        out.push_back(moran_global_schema());
    }
    if (!job.indices.empty() || job.composite.enabled) out.push_back(index_summary_schema());
    if (job.inequality.enabled) {
        out.push_back(inequality_summary_schema());
        // With no indicators named, every field the run computes is summarised: listed by name
        // only for named ones (the others follow the same schema).
        for (const auto& ind : job.inequality.indicators) out.push_back(by_decile_schema(ind, job.inequality.deprivation_name));
        if (!job.inequality.no_car_group.empty()) {
            std::vector<std::string> fields;
            const bool other = has_mode(job, network::Mode::transit) || has_mode(job, network::Mode::walk);
            if (has_mode(job, network::Mode::drive) && other)
                for (const auto& s : job.services) fields.push_back(s.name + "_realistic_time_min");
            if (!fields.empty()) out.push_back(realistic_access_schema(fields));
        }
    }
    for (std::size_t si = 0; si <= job.scenarios.size(); ++si) {
        const std::string prefix = si == 0 ? std::string() : job.scenarios[si - 1].name + "_";
        if (si > 0) service_layers(prefix);
        for (const auto& [service, mode] : columns_of(job)) {
            const bool catchments = job.catchments.applies_to(service, mode);
            if (job.catchments.polygons_for(service, mode)) {
                out.push_back(catchments_schema(prefix, service, mode));
                out.push_back(coverage_schema(prefix, service, mode));
            }
            if (catchments && job.catchments.members) out.push_back(catchment_members_schema(prefix, service, mode));
            if (job.e2sfca.enabled) out.push_back(supply_schema(prefix, service, mode));
        }
    }
    if (!job.scenarios.empty()) {
        for (const auto& sc : job.scenarios) out.push_back(lsoa_delta_schema(job, sc));
        out.push_back(scenario_summary_schema(job));
    }
    out.push_back(run_warnings_schema());
    return out;
}

}  // namespace accessatlas::job::detail

namespace accessatlas::job {

namespace {

const char* type_name(io::FieldType t) {
    switch (t) {
    case io::FieldType::text: return "text";
    case io::FieldType::integer: return "integer";
    case io::FieldType::real: break;
    }
    return "real";
}

const char* geometry_name(io::GeometryKind g) {
    switch (g) {
    case io::GeometryKind::polygon: return "polygon";
    case io::GeometryKind::point: return "point";
    case io::GeometryKind::line: return "line";
    case io::GeometryKind::none: break;
    }
    return "none";
}

}  // namespace

std::vector<OutputLayer> output_layers(const Job& job) {
    std::vector<OutputLayer> out;
    for (const auto& s : detail::output_schemas(job)) {
        OutputLayer l{s.name, s.family, geometry_name(s.geometry), s.description, s.conditional, {}};
        for (const auto& f : s.fields) l.fields.push_back({f.name, type_name(f.type), f.units, f.description});
        out.push_back(std::move(l));
    }
    return out;
}

std::string output_layers_markdown(const Job& job, const std::string& heading) {
    std::string md = "## " + heading + "\n";
    for (const auto& l : output_layers(job)) {
        md += "\n### `" + l.name + "` (" + l.family + ", " + (l.geometry == "none" ? std::string("table") : l.geometry) +
              (l.conditional ? ", when needed" : "") + ")\n\n" + l.description +
              "\n\n| field | type | units | meaning |\n|---|---|---|---|\n";
        for (const auto& f : l.fields) md += "| `" + f.name + "` | " + f.type + " | " + f.units + " | " + f.description + " |\n";
    }
    return md;
}

}  // namespace accessatlas::job
