#include <accessatlas/algorithms/algorithms.hpp>
#include <accessatlas/job/job_keys.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>

#include "job/job_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>

namespace accessatlas::algorithms {

namespace {

// A parameter with a short label (what the dialog and --help show on one line) and a longer
// help text (QGIS's help panel and tooltip, the CLI's --help, docs/algorithms.md).
Param with_help(Param p, std::string help) {
    p.help = std::move(help);
    return p;
}

// The parameter tables below are kept as tables, one parameter a line, where clang-format would
// lay long initialiser lists out one element a line.
// clang-format off
// Areas and population: every algorithm needs them. The index algorithms also name the
// areas' layer (they often read a layer of an earlier output GeoPackage).
std::vector<Param> areas_and_population(bool with_layer) {
    using T = ParamType;
    std::vector<Param> params{
        {"areas", "areas.path", T::vector_file, "Area polygons (LSOAs)", "", true},
        with_help(Param{"area_code_field", "areas.code_field", T::field, "Area code field (empty: guessed)", "", false, {}, {}, {}, "areas"},
                  "Empty: the field whose values are ONS area codes (E01..., W01...), LSOAs first; the log names the field chosen."),
        {"area_name_field", "areas.name_field", T::field, "Area name field", "", false, {}, {}, {}, "areas"},
        with_help(Param{"population", "population.path", T::table_file, "Population table (empty: a field of the areas)", ""}, "A table keyed by area code (CSV, Nomis download or any table GDAL reads); leave it empty to read the population field from the areas layer."),
        with_help(Param{"population_code_field", "population.code_field", T::field, "Area code field in the population table", "", false, {},
                        {}, {}, "population"},
                  "Empty: the areas' code field when the table has it, else the field whose values are ONS area codes."),
        with_help(Param{"population_field", "population.field", T::field, "Population field (empty: guessed)", "", false, {}, {}, {},
                        "population"},
                  "Empty: the numeric field named as a population count (population, total_population, all usual residents, "
                  "Nomis's Total...); when two fit equally, the run asks you to choose."),
    };
    if (with_layer)
        params.insert(params.begin() + 1, {"areas_layer", "areas.layer", T::text, "Layer of the areas file (empty: the first)", ""});
    return params;
}

// Areas, population and origins: the routing and green-space algorithms.
std::vector<Param> area_inputs() {
    using T = ParamType;
    std::vector<Param> params = areas_and_population(false);
    const std::vector<Param> origins{
        with_help(Param{"origin_method", "origins.method", T::enumeration, "How population is placed",
         "street_points", false, {"street_points", "points", "centroids"}}, "street_points: along residential streets in each area (dasymetric); points: at given points with their population; centroids: at one point per area (e.g. population-weighted centroids)."),
        with_help(Param{"origins", "origins.path", T::vector_file, "Origin points", ""}, "Population-weighted centroids, postcodes or any points; used with the points and centroids methods."),
        with_help(Param{"origin_code_field", "origins.code_field", T::field, "Area code field of the origin points", "", false, {}, {}, {}, "origins"}, "Joins each point to its area by code; empty: each point belongs to the area it lies in."),
        {"origin_population_field", "origins.population_field", T::field, "Population on the origin points (method points)", "", false, {}, {}, {}, "origins"},
        {"street_spacing_m", "origins.spacing_m", T::number, "Spacing of street points (m)", ""},
    };
    params.insert(params.end(), origins.begin(), origins.end());
    return params;
}

// The access algorithms add the network and one service to those.
std::vector<Param> access_inputs() {
    using T = ParamType;
    std::vector<Param> params{
        with_help(Param{"network", "network.path", T::network_file, "Road network", "", true}, "An OpenStreetMap extract (.osm.pbf) or a road line layer such as OS Open Roads."),
        with_help(Param{"network_coverage", "network.coverage", T::vector_file, "Area the network covers", ""}, "For a clipped extract: its box or polygon. People and facilities beyond it are named and left out instead of being routed on a cut network.")};
    for (auto& p : area_inputs()) params.push_back(std::move(p));
    const std::vector<Param> service{
        {"facilities", "services.path", T::vector_file, "Facility points (GP surgeries, pharmacies ...)", "", true},
        {"facility_id_field", "services.id_field", T::field, "Facility identifier field", "", false, {}, {}, {}, "facilities"},
        {"facility_name_field", "services.name_field", T::field, "Facility name field", "", false, {}, {}, {}, "facilities"},
        {"service_name", "services.name", T::text, "Service name used in field names (lower case)", "service"},
        {"modes", "analysis.modes", T::enumeration_list, "Travel modes (transit needs GTFS feeds)", "walk,drive", false,
         {"walk", "cycle", "drive", "transit"}},
        {"thresholds_min", "analysis.thresholds_min", T::number_list, "Time thresholds for the area indicators (minutes)", ""},
        {"max_snap_m", "analysis.max_snap_m", T::number, "Maximum snap distance to the network (m)", ""},
        with_help(Param{"edge_buffer_m", "analysis.edge_buffer_m", T::number, "Network margin beyond the areas (m)", ""},
                  "How far the network should reach beyond the areas; a warning names the areas nearer its edge."),
        with_help(Param{"count_within_thresholds", "analysis.count_within_thresholds", T::boolean, "Count facilities within each threshold", "true"}, "One bounded search per facility adds <service>_<mode>_n_<T>: how many facilities each area reaches within each threshold."),
        with_help(Param{"facility_search", "analysis.facility_search", T::enumeration, "Facility search method",
         "automatic", false, {"automatic", "dijkstra", "hierarchy"}}, "How the per-facility searches (catchments, E2SFCA, counts) run: automatic picks by their size; hierarchy (contraction hierarchy sweeps) suits thousands of long searches; dijkstra few or short ones."),
        {"output", "job.output", T::output_file, "Output GeoPackage", "", true},
    };
    params.insert(params.end(), service.begin(), service.end());
    // Public transport: used when the modes include transit (the options apply with feeds given).
    const std::vector<Param> transit{
        with_help(Param{"gtfs", "transit.feeds", T::file_list, "GTFS timetables (transit mode)", ""}, "Bus and rail feeds together, as .zip files or folders; needed when transit is among the modes."),
        with_help(Param{"transit_date", "transit.date", T::text, "Timetable date (YYYY-MM-DD)", "", false,
         {}, {}, {}, "", "gtfs"}, "The service date read from the feeds; a weekday gives figures comparable with the DfT journey time statistics."),
        {"transit_window_start", "transit.window_start", T::text, "First departure of the window (HH:MM)", "07:00", false, {}, {}, {}, "", "gtfs"},
        {"transit_window_end", "transit.window_end", T::text, "Departures before this time (HH:MM)", "10:00", false, {}, {}, {}, "", "gtfs"},
        {"transit_step_min", "transit.step_min", T::number, "Minutes between departures in the window", "", false, {}, {}, {}, "", "gtfs"},
        with_help(Param{"transit_max_time_min", "transit.max_time_min", T::number, "Longest journey counted (min)", "", false, {}, {}, {}, "", "gtfs"}, "A departure minute with no journey this short counts as not reached."),
        with_help(Param{"transit_max_walk_min", "transit.max_walk_min", T::number, "Longest walk to or from a stop (min)", "", false, {}, {}, {}, "", "gtfs"}, "The walk to the first stop and from the last stop."),
        {"transit_max_transfer_walk_min", "transit.max_transfer_walk_min", T::number, "Longest walk between stops when changing (minutes)", "", false, {}, {}, {}, "", "gtfs"},
        {"transit_change_min", "transit.change_min", T::number, "Minimum time to change vehicles (minutes)", "", false, {}, {}, {}, "",
         "gtfs"},
        with_help(Param{"transit_catchment_percentile", "transit.catchment_percentile", T::number, "Percentile for transit catchments", "", false, {}, {}, {}, "", "gtfs"}, "Percentile of the departure window's journey times that catchments and E2SFCA use; 50 is the median departure."),
    };
    params.insert(params.end(), transit.begin(), transit.end());
    return params;
}

std::vector<Algorithm> make_registry() {
    using T = ParamType;
    Algorithm nearest;
    nearest.id = "nearest_service";
    nearest.name = "Nearest service travel time per LSOA";
    nearest.group = "Access to services";
    nearest.summary = "Travel time and distance from every origin to the nearest facility, aggregated to areas (LSOAs).";
    nearest.help =
        "Builds the road network for each mode, snaps origins and facilities to the nearest usable edge, runs one "
        "multi-source search from all facilities and reports, per area, the population-weighted mean travel time and "
        "distance to the nearest facility, the % of population within each threshold, the mean number of facilities "
        "within each threshold and the population not reached. Facilities further than the snap limit from the "
        "network are excluded and listed in a warning.";
    nearest.params = access_inputs();

    Algorithm catchments;
    catchments.id = "catchments";
    catchments.name = "Service areas (catchments) per facility";
    catchments.group = "Access to services";
    catchments.summary = "Service-area polygons per facility and threshold, nested bands, covered area, and who lives inside.";
    catchments.help =
        "One bounded search per facility (in parallel) finds every origin within the largest threshold. The polygons "
        "are built from every reachable edge, including the reachable part of partly reached edges, buffered by the "
        "walk-off distance and dissolved. Also writes nested bands (0-10, 10-20, 20-30), the union per threshold over "
        "all facilities, the population covered, and with 'members' every (facility, origin, time) pair. Runs the "
        "nearest-service indicators too.";
    catchments.params = access_inputs();
    catchments.params.push_back({"catchment_thresholds_min", "catchments.thresholds_min", T::number_list, "Catchment thresholds (minutes)", ""});
    catchments.params.push_back({"walk_off_m", "catchments.walk_off_m", T::number, "Buffer around the reachable network (m)", ""});
    catchments.params.push_back({"members", "catchments.members", T::boolean, "Write every (facility, origin, time) pair", "false"});
    catchments.switches_on = {"catchments.enabled"};

    Algorithm e2sfca;
    e2sfca.id = "e2sfca";
    e2sfca.name = "E2SFCA accessibility (supply per 1,000 people)";
    e2sfca.group = "Access to services";
    e2sfca.summary = "Enhanced two-step floating catchment area: facility capacity per head once competition is counted.";
    e2sfca.help =
        "Step 1: each facility's supply divided by the decay-weighted population within the maximum time. Step 2: each "
        "origin sums the ratios of the facilities it reaches, decay-weighted. Reported per area as supply per 1,000 "
        "people (population-weighted). Computed from bounded searches: no travel-time matrix. Decay 'none' is the "
        "plain 2SFCA. Runs the nearest-service indicators too.";
    e2sfca.params = access_inputs();
    e2sfca.params.push_back({"supply_field", "services.supply_field", T::field, "Supply field (GP FTE, headcount ...)",
                             "", false, {}, {}, {}, "facilities"});
    e2sfca.params.push_back({"decay", "e2sfca.decay", T::enumeration, "Distance decay", "bands", false,
                             {"bands", "gaussian", "exponential", "linear", "none"}});
    e2sfca.params.push_back({"max_time_min", "e2sfca.max_time_min", T::number, "Catchment size t0 (minutes)", ""});
    e2sfca.params.push_back({"band_upper_min", "e2sfca.band_upper_min", T::number_list, "Band upper limits (minutes)", ""});
    e2sfca.params.push_back({"band_weights", "e2sfca.band_weights", T::number_list, "Weight per band (Luo & Qi 2009)", ""});
    e2sfca.params.push_back({"gaussian_sigma_min", "e2sfca.gaussian_sigma_min", T::number, "Gaussian decay sigma (minutes)", ""});
    e2sfca.params.push_back({"exponential_per_min", "e2sfca.exponential_per_min", T::number, "Exponential decay rate (per minute)", ""});
    e2sfca.switches_on = {"e2sfca.enabled"};

    Algorithm what_if;
    what_if.id = "what_if";
    what_if.name = "What-if scenario: facilities close or open, supply changes, roads close";
    what_if.group = "Access to services";
    what_if.summary = "The nearest-service indicators for the network and facilities as they are and after a change, and the difference.";
    what_if.help =
        "Routes the same origins twice: as given (the baseline) and with the scenario's changes (facilities that close, "
        "a layer of facilities that open, supply changed per facility, roads closed by OSM way id or by polygons, travel "
        "speeds scaled per mode). Writes both sets of layers, <scenario>_lsoa_delta with the change in time to the nearest "
        "facility, the people newly beyond or within each threshold and, with E2SFCA on, the change in supply per 1,000 "
        "people, and scenario_summary. Job files can hold several scenarios (docs/scenarios.md).";
    what_if.params = access_inputs();
    const std::vector<Param> scenario{
        {"scenario_name", "scenarios.name", T::text, "Scenario name (lower case; prefixes its layers)", "what_if"},
        {"scenario_title", "scenarios.title", T::text, "Scenario title (shown in the summary)", ""},
        {"close_facilities", "scenarios.services.remove", T::text_list, "Ids of the facilities that close (comma separated)", ""},
        with_help(Param{"new_facilities", "scenarios.services.add_from", T::vector_file, "Facilities that open (points)", ""}, "Points with the same id (and name) fields as the facilities."),
        {"close_ways", "scenarios.roads.close_ways", T::number_list, "OSM way ids closed to every mode (comma separated)", ""},
        {"close_area", "scenarios.roads.close_area", T::vector_file, "Polygons: every road meeting them is closed", ""},
        {"walk_speed_factor", "scenarios.speeds.walk.factor", T::number, "Walking speeds multiplied by (walk must be a mode)", "",
         false, {}, 0.01, 10.0},
        {"drive_speed_factor", "scenarios.speeds.drive.factor", T::number, "Driving speed factor (drive a mode)", "",
         false, {}, 0.01, 10.0},
        with_help(Param{"change_supply", "scenarios.services.supply", T::text_list, "Supply changes (id=value, ...)", ""}, "New supply of some facilities, comma separated, e.g. G1=4,G2=2.5; used by E2SFCA only."),
        {"supply_field", "services.supply_field", T::field, "Supply field (GP FTE, headcount ...)", "", false, {}, {}, {},
         "facilities"},
        with_help(Param{"e2sfca", "e2sfca.enabled", T::boolean, "Also E2SFCA before and after", "false"}, "E2SFCA supply per 1,000 people (bands 10/20/30 min) for the baseline and the scenario."),
    };
    what_if.params.insert(what_if.params.end() - 1, scenario.begin(), scenario.end());  // before the output
    Algorithm green;
    green.id = "greenspace";
    green.name = "Green-space access index per LSOA";
    green.group = "Wider determinants";
    green.summary = "Distance to green space of each size tier, people beyond a 10-minute walk, hectares per 1,000, score and decile.";
    green.help =
        "Green-space sites from polygons (filtered, repaired, touching parts dissolved; woods flagged), entrances given "
        "or derived where paths meet the boundary, then per origin the walking (or straight-line) distance to the nearest "
        "site of each tier: Natural England's Green Infrastructure Framework / ANGSt sizes, Fields in Trust's 10-minute "
        "walk and the Woodland Trust standard. Per LSOA: % meeting each tier, people beyond a 10-minute walk, mean distance, "
        "hectares per 1,000 residents against a capacity standard, a 0-100 score and its decile.";
    green.params = {with_help(Param{"network", "network.path", T::network_file, "Road network", ""}, "An OpenStreetMap extract (.osm.pbf) or a road line layer such as OS Open Roads.")};
    for (auto& p : area_inputs()) green.params.push_back(std::move(p));
    const std::vector<Param> green_params{
        {"greenspace", "greenspace.path", T::vector_file, "Green-space polygons (OSM, OS Open Greenspace ...)", "", true},
        with_help(Param{"include", "greenspace.include", T::text_list, "Green-space filters (field=value, ...)", ""},
                  "Which features count as green space, e.g. leisure=park,natural=wood; empty: every feature."),
        {"woodland", "greenspace.woodland", T::text_list, "Filters field=value marking woodland", ""},
        {"site_name_field", "greenspace.name_field", T::field, "Site name field", "", false, {}, {}, {}, "greenspace"},
        {"entrances", "greenspace.entrances", T::vector_file, "Given access points", ""},
        {"mode", "greenspace.mode", T::enumeration, "Walking network or straight line", "network", false, {"network", "straight"}},
        {"ten_minute_walk_m", "greenspace.ten_minute_walk_m", T::number, "A 10-minute walk (m)", ""},
        {"neighbourhood_m", "greenspace.neighbourhood_m", T::number, "Provision counted within (m)", ""},
        {"capacity_ha_per_1000", "greenspace.capacity_ha_per_1000", T::number, "Capacity standard (ha per 1,000)", ""},
        {"output", "job.output", T::output_file, "Output GeoPackage", "", true},
    };
    green.params.insert(green.params.end(), green_params.begin(), green_params.end());

    // The index algorithms: areas and tables only, no network, no origins.
    const std::vector<Param> areas_only = areas_and_population(true);

    Algorithm deri;
    deri.id = "deri";
    deri.name = "Digital exclusion risk index (DERI)";
    deri.group = "Exclusion and composite indices";
    deri.summary = "GMCA's Digital Exclusion Risk Index v1.6: 0-10 score, demography, broadband and deprivation components, bands.";
    deri.help =
        "Each indicator is scaled 0-10 between its minimum and maximum (10 = highest risk; download speed reversed) over the "
        "study area or per district, weighted within its component (demography 5/5/2/2, broadband 3/3/3, deprivation "
        "4/2/2/2) and the components averaged. Indicators without data are reported and the weights re-normalised over "
        "those present (or scored 0, GMCA's rule). Writes lsoa_digital_exclusion with deri_score, each component, each "
        "indicator's value and score, deri_band (floor), deri_quintile and deri_decile (1 = highest risk).";
    deri.params = areas_only;
    deri.params.push_back(with_help(Param{"table", "indices.deri.table", T::table_file, "Indicator table (empty: the areas layer)", ""}, "One row per area with the indicator values; empty reads them from the areas layer."));
    deri.params.push_back(with_help(Param{"table_code_field", "indices.deri.table_code_field", T::field, "Area code field of the table", "",
                                          false, {}, {}, {}, "table"},
                                    "Empty: the areas' code field when the table has it, else the field whose values are ONS area codes."));
    for (const auto& ind : indices::deri_preset().indicators)
        deri.params.push_back(with_help(Param{ind.id + "_field", "indices.deri.fields." + ind.id, T::field, ind.title.size() <= 50 ? ind.title : ind.id, "", false, {}, {}, {}, "table"},
                                        (ind.title.size() <= 50 ? std::string() : ind.title + "; ") + "Empty: the indicator is missing."));
    deri.params.push_back(with_help(Param{"basis", "indices.deri.basis", T::enumeration, "Normalisation basis", "area", false, {"area", "group"}}, "Minimum and maximum over the study area, or per district (the group field)."));
    deri.params.push_back({"group_field", "indices.deri.group_field", T::field, "District field of the areas (basis group)", "", false,
                           {}, {}, {}, "areas"});
    deri.params.push_back(with_help(Param{"missing", "indices.deri.missing", T::enumeration, "Missing indicators", "renormalise", false, {"renormalise", "zero"}}, "Re-normalise the weights over the indicators present, or score a missing one 0 (GMCA's rule)."));
    deri.params.push_back({"output", "job.output", T::output_file, "Output GeoPackage", "", true});

    Algorithm composite;
    composite.id = "composite";
    composite.name = "Composite access and exclusion index with Core20";
    composite.group = "Exclusion and composite indices";
    composite.summary = "Health-service access, green-space access and digital exclusion combined into one index, rank and decile.";
    composite.help =
        "Each domain comes from a field of the areas layer (e.g. a joined output of the other algorithms). Method 'mean': "
        "each domain min-max scaled to 0-10 (10 = worst) and averaged with the weights. Method 'exponential': each domain "
        "ranked and put through the IMD exponential transform (0-100), then averaged, as in the IMD and CDRC's AHAH. Writes "
        "lsoa_atlas with each domain's value and score, composite_score, composite_rank and composite_decile (1 = highest "
        "need) and core20 (IMD decile 1 or 2) when an IMD decile table is given.";
    composite.params = areas_only;
    for (const auto& [domain, title, direction] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"health_access", "Health access field (e.g. gp_walk_time_min)", "higher_is_worse"},
             {"green_space", "Green-space field (e.g. greenspace_score)", "higher_is_better"},
             {"digital_exclusion", "Digital exclusion field (e.g. deri_score)", "higher_is_worse"}}) {
        composite.params.push_back(with_help(Param{domain + "_field", "composite.domains." + domain + ".field", T::field, title, "", false, {},
                                                   {}, {}, "areas"},
                                             "Empty: the domain is not used"));
        Param dir{domain + "_direction", "composite.domains." + domain + ".direction", T::enumeration, "Which way is worse", direction,
                  false, {"higher_is_worse", "higher_is_better"}};
        dir.only_with = domain + "_field";
        composite.params.push_back(dir);
        Param weight{domain + "_weight", "composite.domains." + domain + ".weight", T::number, "Weight", "1", false, {}, 0.0, 1e9};
        weight.only_with = domain + "_field";
        composite.params.push_back(weight);
    }
    composite.params.push_back(with_help(Param{"method", "composite.method", T::enumeration, "How domains combine",
                                "exponential", false, {"mean", "exponential"}}, "Mean of the domains' 0-10 scores, or the IMD's exponential transform of their ranks."));
    composite.params.push_back({"imd_table", "composite.core20.path", T::table_file, "IMD table for Core20", ""});
    Param imd_code{"imd_code_field", "composite.core20.code_field", T::field, "Area code field of the IMD table", "", false, {}, {}, {}, "imd_table"};
    imd_code.only_with = "imd_table";
    composite.params.push_back(imd_code);
    Param imd_decile{"imd_decile_field", "composite.core20.field", T::field, "IMD decile field (1 = most deprived)", "IMD_decile", false,
                     {}, {}, {}, "imd_table"};
    imd_decile.only_with = "imd_table";
    composite.params.push_back(imd_decile);
    composite.params.push_back({"output", "job.output", T::output_file, "Output GeoPackage", "", true});

    Algorithm clusters;
    clusters.id = "clusters";
    clusters.name = "Hot spots: Moran's I and LISA clusters";
    clusters.group = "Exclusion and composite indices";
    clusters.summary = "Global Moran's I and local Moran (LISA) cluster classes for fields of an area layer.";
    clusters.help =
        "Contiguity from the polygons (queen: any shared point; rook: a shared edge; a tolerance bridges boundaries "
        "generalised one by one), row-standardised. Global Moran's I with a seeded permutation pseudo p-value; local Moran "
        "per area with conditional permutations, classed high-high, low-low, high-low, low-high or not significant. Writes "
        "lsoa_clusters and the moran_global table.";
    clusters.params = areas_only;
    clusters.params.push_back(with_help(Param{"fields", "clustering.fields", T::text_list, "Fields to test (comma separated)", "", true},
                                        "Numeric fields of the areas layer, e.g. composite_score or gp_walk_time_min."));
    clusters.params.push_back({"contiguity", "clustering.contiguity", T::enumeration, "Neighbours", "queen", false, {"queen", "rook"}});
    clusters.params.push_back({"tolerance_m", "clustering.tolerance_m", T::number, "Gap still counted as shared (m)", ""});
    clusters.params.push_back({"permutations", "clustering.permutations", T::number, "Permutations", ""});
    clusters.params.push_back({"seed", "clustering.seed", T::number, "Random seed", ""});
    clusters.params.push_back({"significance", "clustering.significance", T::number, "Significance level", ""});
    clusters.params.push_back({"output", "job.output", T::output_file, "Output GeoPackage", "", true});
    Algorithm ineq;
    ineq.id = "inequality";
    ineq.name = "Inequality: access by deprivation, group and class";
    ineq.group = "Exclusion and composite indices";
    ineq.summary = "Any area indicator by deprivation decile and quintile, with the gap, SII and RII, concentration index, Gini and "
                   "Theil, a group against the rest, and by class.";
    ineq.help =
        "For each field: population-weighted means by deprivation decile and quintile (1 = most deprived), the gap and ratio "
        "between the most and least deprived fifth, the Slope and Relative Index of Inequality as OHID computes them (weighted "
        "regression on the cumulative population rank's midpoints; least minus most deprived end) with 95% intervals, the "
        "concentration index with its interval, the Gini and Theil indices across people, the people in deciles 1-2 (Core20) "
        "beyond each threshold for travel times, a group (e.g. households without a car) against everyone else, and the mean "
        "per class (e.g. rural-urban). Writes inequality_summary and <field>_by_decile; warns when deciles hold too few areas.";
    ineq.params = areas_only;
    ineq.params.push_back(with_help(Param{"fields", "inequality.indicators", T::text_list, "Fields to summarise (comma separated)",
                           "", true}, "Area fields, e.g. gp_transit_time_min, gp_walk_pct_15, deri_score."));
    ineq.params.push_back({"deprivation_name", "inequality.deprivation_name", T::text, "Name of the deprivation measure in labels", "IMD"});
    ineq.params.push_back({"deprivation", "inequality.deprivation.path", T::table_file, "Table of deprivation deciles (1 = most deprived)", "", true});
    ineq.params.push_back({"deprivation_code_field", "inequality.deprivation.code_field", T::field, "Area code field of the deprivation table",
                           "", false, {}, {}, {}, "deprivation"});
    ineq.params.push_back({"deprivation_field", "inequality.deprivation.field", T::field, "Decile field (1 = most deprived)", "", true, {}, {},
                           {}, "deprivation"});
    ineq.params.push_back(with_help(Param{"deprivation_score", "inequality.deprivation_score.path", T::table_file, "Deprivation scores", ""}, "A table of scores, higher = more deprived; ranks the concentration index finer than the deciles."));
    ineq.params.push_back({"deprivation_score_code_field", "inequality.deprivation_score.code_field", T::field, "Area code field of the score table",
                           "", false, {}, {}, {}, "deprivation_score"});
    ineq.params.push_back({"deprivation_score_field", "inequality.deprivation_score.field", T::field, "Deprivation score field", "", false, {},
                           {}, {}, "deprivation_score"});
    ineq.params.push_back({"group_table", "inequality.groups.path", T::table_file, "Table of a group's counts per area", ""});
    ineq.params.push_back({"group_name", "inequality.groups.name", T::text, "Group name (lower case, e.g. no_car)", "group", false, {}, {}, {}, "",
                           "group_table"});
    ineq.params.push_back({"group_code_field", "inequality.groups.code_field", T::field, "Area code field of the group table", "", false, {}, {},
                           {}, "group_table"});
    ineq.params.push_back({"group_count_field", "inequality.groups.numerator", T::field, "The group's count (e.g. households without a car)", "",
                           false, {}, {}, {}, "group_table"});
    ineq.params.push_back({"group_total_field", "inequality.groups.denominator", T::field, "Everyone counted (e.g. all households)", "", false,
                           {}, {}, {}, "group_table"});
    ineq.params.push_back(with_help(Param{"classes", "inequality.classes.path", T::table_file, "Area classes table", ""},
                                    "A class per area, e.g. the ONS rural-urban classification or a local authority."));
    ineq.params.push_back({"class_code_field", "inequality.classes.code_field", T::field, "Area code field of the class table", "", false, {}, {},
                           {}, "classes"});
    ineq.params.push_back({"class_field", "inequality.classes.field", T::field, "Class field", "", false, {}, {}, {}, "classes"});
    ineq.params.push_back({"output", "job.output", T::output_file, "Output GeoPackage", "", true});
    ineq.switches_on = {"inequality.enabled"};

    std::vector<Algorithm> all{nearest, catchments, e2sfca, what_if, green, deri, composite, clusters, ineq};
    // The geometry each layer must have, by the job key it fills: QGIS then offers only such
    // layers (a facility picker never starts on the LSOA polygons).
    const std::map<std::string, std::string> geometry_of{{"areas.path", "polygon"},         {"services.path", "point"},
                                                         {"origins.path", "point"},         {"greenspace.path", "polygon"},
                                                         {"greenspace.entrances", "point"}, {"scenarios.services.add_from", "point"},
                                                         {"scenarios.roads.close_area", "polygon"}, {"network.coverage", "polygon"}};
    for (auto& a : all)
        for (auto& p : a.params)
            if (const auto g = geometry_of.find(p.job_key); g != geometry_of.end() && p.type == T::vector_file) p.geometry = g->second;
    // Defaults and ranges of job keys come from the key table (job_keys.cpp), not from here.
    for (auto& a : all)
        for (auto& p : a.params)
            if (const job::JobKey* k = job::find_job_key(p.job_key); k && (p.type == T::number || p.type == T::number_list)) {
                if (p.default_value.empty()) p.default_value = job::plain_default(*k);
                if (!p.minimum && std::isfinite(k->minimum)) p.minimum = k->minimum;
                if (!p.maximum && std::isfinite(k->maximum)) p.maximum = k->maximum;
            }
    // Every algorithm can also write the HTML report (maps, histograms, the decile charts).
    for (auto& a : all)
        a.params.push_back(with_help(Param{"report", "job.report", T::report_file, "HTML report", ""}, "Optional: the maps, histograms and decile charts of the results in one page; QGIS lists it in the Results Viewer."));
    for (auto& a : all)
        a.params.push_back(with_help(Param{"project", "job.project", T::project_file, "QGIS project (.qgz)", ""},
                                     "Optional: a QGIS project beside the GeoPackage that opens the results as the same designed map."));
    return all;
}

// Splits "a,b,c" and trims spaces.
std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(' ');
        const auto e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

// The table a dotted job key lives in ("indices.deri.fields.pct_65_plus" -> indices.deri.fields),
// created on the way; [[services]] is the one array of tables.
toml::table& section(toml::table& root, const std::string& dotted) {
    toml::table* t = &root;
    std::size_t start = 0;
    while (start <= dotted.size()) {
        const auto dot = dotted.find('.', start);
        const std::string name = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (name == "services" || name == "scenarios" || name == "groups") {
            // Lists of sections ([[services]], [[scenarios]], [[scenarios.services]]): the
            // parameters fill the first one.
            if (!t->contains(name)) t->insert(name, toml::array{toml::table{}});
            t = (*t)[name].as_array()->get(0)->as_table();
        } else {
            if (!t->contains(name)) t->insert(name, toml::table{});
            t = (*t)[name].as_table();
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return *t;
}

// clang-format on
}  // namespace

const std::vector<Algorithm>& all() {
    static const std::vector<Algorithm> registry = make_registry();
    return registry;
}

const Algorithm* find(const std::string& id) {
    for (const auto& a : all())
        if (a.id == id) return &a;
    return nullptr;
}

std::string name_parameters(std::string message, const Algorithm& algorithm, ParameterNaming naming) {
    // Whole keys only: "population.field" is not replaced inside "geography.population.field".
    const auto replace_all = [&](const std::string& from, const std::string& to) {
        std::size_t at = 0;
        while ((at = message.find(from, at)) != std::string::npos) {
            const char before = at == 0 ? ' ' : message[at - 1];
            if (std::isalnum(static_cast<unsigned char>(before)) || before == '_' || before == '.') {
                ++at;
                continue;
            }
            message.replace(at, from.size(), to);
            at += to.size();
        }
    };
    for (const auto& p : algorithm.params) {
        if (p.job_key.empty()) continue;
        const std::string as_set = naming == ParameterNaming::qgis_label ? "\"" + p.description + "\"" : "--" + p.name;
        replace_all("key '" + p.job_key + "'", naming == ParameterNaming::qgis_label ? "parameter " + as_set : "option " + as_set);
        replace_all(p.job_key + " not given", naming == ParameterNaming::qgis_label ? as_set + " left empty" : as_set + " not given");
    }
    return message;
}

std::string layer_key_for(const std::string& job_key) {
    const auto dot = job_key.rfind('.');
    const std::string last = job_key.substr(dot + 1);
    return job_key.substr(0, dot + 1) + (last == "path" ? std::string("layer") : last + "_layer");
}

job::Job job_from_parameters(const Algorithm& algorithm, const std::map<std::string, std::string>& values,
                             const std::map<std::string, std::string>& layers) {
    for (const auto& [k, v] : values) {
        bool known = false;
        for (const auto& p : algorithm.params) known = known || p.name == k;
        if (!known) {
            std::vector<std::string> names;
            for (const auto& p : algorithm.params) names.push_back(p.name);
            throw InputError(fmt::format("{}: unknown parameter '{}'", algorithm.id, k), {},
                             "did you mean '" + job::nearest_word(k, names) + "'?");
        }
    }
    toml::table root;
    for (const auto& p : algorithm.params) {
        const auto it = values.find(p.name);
        std::string value = it != values.end() ? it->second : p.default_value;
        if (value.empty()) {
            if (p.required) throw InputError(fmt::format("{}: parameter '{}' is required", algorithm.id, p.name), {}, p.description);
            continue;
        }
        if (!p.only_with.empty()) {
            const auto w = values.find(p.only_with);
            if (w == values.end() || w->second.empty()) continue;
        }
        const auto dot = p.job_key.rfind('.');
        toml::table& t = section(root, p.job_key.substr(0, dot));
        const std::string key = p.job_key.substr(dot + 1);
        switch (p.type) {
        case ParamType::number: {
            char* end = nullptr;
            const double d = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0')
                throw InputError(fmt::format("{}: parameter '{}' must be a number, not '{}'", algorithm.id, p.name, value));
            t.insert_or_assign(key, d);
            break;
        }
        case ParamType::number_list: {
            toml::array a;
            for (const auto& s : split(value)) {
                char* end = nullptr;
                const double d = std::strtod(s.c_str(), &end);
                if (end == s.c_str() || *end != '\0')
                    throw InputError(
                        fmt::format("{}: parameter '{}' must be numbers separated by commas, not '{}'", algorithm.id, p.name, value));
                a.push_back(d);
            }
            t.insert_or_assign(key, a);
            break;
        }
        case ParamType::boolean: {
            if (value != "true" && value != "false")
                throw InputError(fmt::format("{}: parameter '{}' must be true or false, not '{}'", algorithm.id, p.name, value));
            t.insert_or_assign(key, value == "true");
            break;
        }
        case ParamType::text_list:
        case ParamType::file_list:
        case ParamType::enumeration_list: {
            toml::array a;
            for (const auto& s : split(value)) a.push_back(s);
            t.insert_or_assign(key, a);
            break;
        }
        default: t.insert_or_assign(key, value); break;
        }
    }
    for (const auto& entry : layers) {
        const std::string& name = entry.first;  // not a structured binding: a lambda captures it (C++17)
        const std::string& layer = entry.second;
        if (layer.empty()) continue;
        const auto p = std::find_if(algorithm.params.begin(), algorithm.params.end(), [&](const Param& q) { return q.name == name; });
        if (p == algorithm.params.end()) throw InputError(fmt::format("{}: unknown parameter '{}' for a layer name", algorithm.id, name));
        const std::string key = layer_key_for(p->job_key);
        const auto dot = key.rfind('.');
        section(root, key.substr(0, dot)).insert_or_assign(key.substr(dot + 1), layer);
    }
    // The run is titled after the algorithm (the report's heading, the layers' metadata).
    section(root, "job").insert("title", algorithm.name);
    for (const auto& key : algorithm.switches_on) {
        const auto dot = key.rfind('.');
        section(root, key.substr(0, dot)).insert_or_assign(key.substr(dot + 1), true);
    }
    return job::parse_job_table(root, "", "parameters of " + algorithm.id);
}

std::string markdown_reference(const Algorithm& a) {
    std::string md = fmt::format("## {} (`{}`)\n\n{}\n\n{}\n\nCLI: `accessatlas {} --option value ...`; QGIS: `accessatlas:{}`.\n\n",
                                 a.name, a.id, a.summary, a.help, a.id, a.id);
    md += "| option | job key | description | default |\n|---|---|---|---|\n";
    for (const auto& p : a.params) {
        std::string def = p.default_value.empty() ? (p.required ? "required" : "") : "`" + p.default_value + "`";
        std::string desc = p.description;
        if (!p.help.empty()) desc += ": " + p.help;
        if (!p.choices.empty()) {
            desc += " (one of";
            for (const auto& c : p.choices) desc += " `" + c + "`";
            desc += ")";
        }
        md += fmt::format("| `--{}` | `{}` | {} | {} |\n", p.name, p.job_key, desc, def);
    }
    return md;
}

std::string markdown_reference() {
    std::string md = "# Algorithms\n\nGenerated from the algorithm registry (`accessatlas algorithms --markdown`): the CLI "
                     "options, the QGIS Processing parameters and this page come from the same table.\n";
    for (const auto& a : all()) md += "\n" + markdown_reference(a);
    return md;
}

}  // namespace accessatlas::algorithms
