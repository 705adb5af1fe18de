// run_job: the whole nearest-service pipeline, shared by the CLI and the QGIS plugin.
#include "job/area_indices.hpp"
#include "job/pipeline.hpp"
#include "job/access_schema.hpp"
#include "job/inequality_stage.hpp"

#include <accessatlas/access.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace.hpp>
#include <accessatlas/io.hpp>
#include <accessatlas/job.hpp>
#include <accessatlas/snapping.hpp>
#include <accessatlas/report.hpp>
#include <accessatlas/styles.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <cmath>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace accessatlas::job {

using detail::Areas;
using detail::Facilities;
using detail::Origins;
using network::invalid_id;
using detail::list_some;
using detail::normalise_code;
using detail::threshold_label;

namespace {

class Stopwatch {
public:
    double lap() {
        const auto now = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(now - m_t).count();
        m_t = now;
        return s;
    }

private:
    std::chrono::steady_clock::time_point m_t = std::chrono::steady_clock::now();
};



Areas read_areas(const Job& job, Reporter& reporter) {
    Areas a;
    std::vector<std::string> fields{job.area_code_field};
    if (!job.area_name_field.empty()) fields.push_back(job.area_name_field);
    const bool pop_on_layer = job.population.path.empty() && !job.population_field.empty();
    if (pop_on_layer) fields.push_back(job.population_field);
    a.layer = io::read_layer(job.areas.path, job.areas.layer, io::GeometryKind::polygon, fields, reporter);
    const std::size_t repaired = io::repair_polygons(a.layer);
    if (repaired > 0)
        reporter.warning(fmt::format("{}: {} invalid area polygons (self-intersecting or broken rings) were repaired with GEOS "
                                     "make-valid; check them",
                                     job.areas.path, repaired));
    std::set<std::string> seen;
    std::size_t normalised = 0;
    for (std::size_t i = 0; i < a.layer.size(); ++i) {
        const auto& raw = a.layer.field(job.area_code_field)[i];
        const std::string fid = std::to_string(a.layer.fid[i]);
        bool changed = false;
        const std::string code = raw ? normalise_code(*raw, &changed) : std::string();
        normalised += changed;
        if (code.empty())
            throw InputError("empty area code", {job.areas.path, a.layer.layer_name, fid, job.area_code_field},
                             "every area needs a code");
        if (!seen.insert(code).second)
            throw InputError("duplicate area code " + code, {job.areas.path, a.layer.layer_name, fid, job.area_code_field},
                             "dissolve the duplicates or use another code field");
        a.code.push_back(code);
        a.name.push_back(job.area_name_field.empty() ? std::string() : a.layer.field(job.area_name_field)[i].value_or(""));
    }
    if (normalised > 0)
        reporter.warning(fmt::format("{}: {} area codes had spaces or lower case and were normalised (e.g. E01013787)",
                                     job.areas.path, normalised));
    a.population.assign(a.code.size(), 0.0);
    if (pop_on_layer) {
        for (std::size_t i = 0; i < a.code.size(); ++i) {
            const auto& v = a.layer.field(job.population_field)[i];
            a.population[i] = v ? io::parse_number(*v, job.areas.path, a.layer.layer_name, std::to_string(a.layer.fid[i]),
                                                   job.population_field)
                                : 0.0;
        }
    } else if (!job.population.path.empty()) {
        const auto raw_table = io::read_numeric_table(job.population.path, job.population_code_field, job.population_field, reporter,
                                                      job.population_filter_field, job.population_filter_value);
        std::map<std::string, double> table_values;
        std::size_t table_normalised = 0;
        for (const auto& [code, v] : raw_table.values) {
            bool changed = false;
            table_values[normalise_code(code, &changed)] = v;
            table_normalised += changed;
        }
        if (table_normalised > 0)
            reporter.warning(fmt::format("{}: {} codes had spaces or lower case and were normalised", job.population.path,
                                         table_normalised));
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < a.code.size(); ++i) {
            const auto it = table_values.find(a.code[i]);
            if (it == table_values.end()) missing.push_back(a.code[i]);
            else if (it->second < 0)
                throw InputError(fmt::format("negative population {} for {}", it->second, a.code[i]),
                                 {job.population.path, {}, {}, job.population_field}, "fix the value");
            else a.population[i] = it->second;
        }
        if (missing.size() == a.code.size())
            throw InputError(fmt::format("none of the {} area codes (e.g. {}) is in the table (e.g. {})", a.code.size(), a.code.front(),
                                         table_values.empty() ? std::string("empty") : table_values.begin()->first),
                             {job.population.path, {}, {}, job.population_code_field},
                             "are the codes from another LSOA year? Convert the table with the ONS LSOA 2011 to 2021 lookup "
                             "(LSOA11CD, LSOA21CD), or use the areas of the table's year");
        if (!missing.empty())
            reporter.warning(fmt::format("{}: no population for {} of {} areas ({}); they count as 0 people. Are the area "
                                         "codes from the same LSOA year (2011 vs 2021)? The ONS lookup converts them",
                                         job.population.path, missing.size(), a.code.size(), list_some(missing)));
    } else {
        reporter.warning("no population given: every area counts as 1 person, so results are not population-weighted");
        a.population.assign(a.code.size(), 1.0);
    }
    return a;
}

Origins make_origins(const Job& job, const Areas& areas, const network::RoadNetwork& net, const io::AreaLocator& locator,
                     Reporter& reporter) {
    Origins o;
    const std::size_t n_areas = areas.code.size();
    std::unordered_map<std::string, std::uint32_t> by_code;
    for (std::uint32_t i = 0; i < n_areas; ++i) by_code[areas.code[i]] = i;

    // Points from a layer, with area by code or point-in-polygon.
    std::vector<Point> pts;
    std::vector<std::uint32_t> pt_area;
    std::vector<double> pt_pop;
    if (!job.origin_points.path.empty()) {
        std::vector<std::string> fields;
        if (!job.origin_code_field.empty()) fields.push_back(job.origin_code_field);
        if (job.origin_method == OriginMethod::points && !job.origin_population_field.empty())
            fields.push_back(job.origin_population_field);
        const auto layer = io::read_layer(job.origin_points.path, job.origin_points.layer, io::GeometryKind::point, fields, reporter);
        std::size_t outside = 0;
        for (std::size_t i = 0; i < layer.size(); ++i) {
            std::uint32_t a = invalid_id;
            if (!job.origin_code_field.empty()) {
                const auto& code = layer.field(job.origin_code_field)[i];
                const auto it = code ? by_code.find(*code) : by_code.end();
                if (it != by_code.end()) a = it->second;
            } else {
                a = locator.locate(layer.points[i]);
            }
            if (a == invalid_id) {
                ++outside;
                continue;
            }
            double pop = 0;
            if (job.origin_method == OriginMethod::points && !job.origin_population_field.empty()) {
                const auto& v = layer.field(job.origin_population_field)[i];
                pop = v ? io::parse_number(*v, job.origin_points.path, layer.layer_name, std::to_string(layer.fid[i]),
                                           job.origin_population_field)
                        : 0.0;
                if (pop < 0)
                    throw InputError("negative population", {job.origin_points.path, layer.layer_name, std::to_string(layer.fid[i]),
                                                             job.origin_population_field}, "fix the value");
            }
            pts.push_back(layer.points[i]);
            pt_area.push_back(a);
            pt_pop.push_back(pop);
        }
        if (outside > 0)
            reporter.info(fmt::format("{}: {} origin points lie outside the study areas and were left out", job.origin_points.path, outside));
    }

    if (job.origin_method == OriginMethod::points) {
        o.location = pts;
        o.area = pt_area;
        o.population = pt_pop;
        o.kind.assign(pts.size(), "point");
        if (job.origin_population_field.empty()) {
            // No population on the points (e.g. postcodes): each area's people shared equally.
            std::vector<std::uint32_t> count(n_areas, 0);
            for (auto a : pt_area) ++count[a];
            for (std::size_t i = 0; i < pts.size(); ++i) o.population[i] = areas.population[pt_area[i]] / count[pt_area[i]];
            std::vector<std::string> empty_areas;
            for (std::uint32_t a = 0; a < n_areas; ++a)
                if (count[a] == 0) empty_areas.push_back(areas.code[a]);
            if (!empty_areas.empty())
                reporter.warning(fmt::format("{} areas have no origin point; their population is left out: {}", empty_areas.size(),
                                             list_some(empty_areas)));
        }
        return o;
    }

    std::vector<std::uint32_t> per_area(n_areas, 0);
    if (job.origin_method == OriginMethod::street_points) {
        reporter.stage("Placing origins along residential streets");
        for (const auto& sp : access::residential_street_points(net, job.street_classes, job.street_spacing_m)) {
            const std::uint32_t a = locator.locate(sp.location);
            if (a == invalid_id) continue;
            o.location.push_back(sp.location);
            o.area.push_back(a);
            o.kind.emplace_back("street_point");
            ++per_area[a];
        }
    }
    // Centroids: the method itself, or the fallback for areas with no residential street.
    std::vector<std::string> fallback;
    for (std::uint32_t a = 0; a < n_areas; ++a) {
        if (per_area[a] > 0) continue;
        Point p = areas.layer.points[a];  // point on surface
        for (std::size_t i = 0; i < pts.size(); ++i)
            if (pt_area[i] == a) {
                p = pts[i];
                break;
            }
        o.location.push_back(p);
        o.area.push_back(a);
        o.kind.emplace_back("centroid");
        ++per_area[a];
        if (job.origin_method == OriginMethod::street_points) fallback.push_back(areas.code[a]);
    }
    if (!fallback.empty())
        reporter.warning(fmt::format("{} areas have no residential street in the network; their population sits at one "
                                     "centroid: {}",
                                     fallback.size(), list_some(fallback)));
    o.population.resize(o.location.size());
    for (std::size_t i = 0; i < o.location.size(); ++i) o.population[i] = areas.population[o.area[i]] / per_area[o.area[i]];
    return o;
}


Facilities read_facilities(const ServiceSpec& s, Reporter& reporter) {
    std::vector<std::string> fields;
    if (!s.id_field.empty()) fields.push_back(s.id_field);
    if (!s.name_field.empty()) fields.push_back(s.name_field);
    if (!s.supply_field.empty()) fields.push_back(s.supply_field);
    const auto layer = io::read_layer(s.facilities.path, s.facilities.layer, io::GeometryKind::point, fields, reporter);
    Facilities f;
    f.location = layer.points;
    for (std::size_t i = 0; i < layer.size(); ++i) {
        const std::string fid = std::to_string(layer.fid[i]);
        f.id.push_back(s.id_field.empty() ? fid : layer.field(s.id_field)[i].value_or(fid));
        f.name.push_back(s.name_field.empty() ? std::string() : layer.field(s.name_field)[i].value_or(""));
        double supply = 1;
        if (!s.supply_field.empty()) {
            const auto& v = layer.field(s.supply_field)[i];
            if (!v)
                throw InputError("no supply value", {s.facilities.path, layer.layer_name, fid, s.supply_field},
                                 "fill in the supply (e.g. GP FTE) or remove the facility");
            supply = io::parse_number(*v, s.facilities.path, layer.layer_name, fid, s.supply_field);
            if (supply < 0)
                throw InputError("negative supply", {s.facilities.path, layer.layer_name, fid, s.supply_field}, "fix the value");
        }
        f.supply.push_back(supply);
    }
    return f;
}

// Where each point met the network, per mode: the connector length, the edge (its index in
// `accessatlas network --export`) and the offset along it. Lets anyone re-route independently.
void add_snap_fields(std::vector<io::FieldDef>& fields, const std::vector<network::Mode>& modes) {
    for (auto m : modes) {
        const std::string p = "snap_" + std::string(network::to_string(m));
        fields.push_back({p + "_m", io::FieldType::real});
        fields.push_back({p + "_edge", io::FieldType::integer});
        fields.push_back({p + "_offset_m", io::FieldType::real});
    }
}

void add_snap_values(std::vector<io::Value>& v, const snapping::Snap& s) {
    if (!s.ok()) {
        v.insert(v.end(), 3, io::Value());
        return;
    }
    v.emplace_back(s.distance_m);
    v.emplace_back(static_cast<std::int64_t>(s.edge));
    v.emplace_back(s.offset_m);
}

// What a planner needs to know about a layer in six months: stored in gpkg_metadata.
void describe(io::LayerWriter& layer, const Job& job, const std::string& what, const std::string& units, const std::string& method) {
    std::string inputs = job.network.path + "; " + job.areas.path;
    if (!job.population.path.empty()) inputs += "; " + job.population.path;
    for (const auto& s : job.services) inputs += "; " + s.facilities.path;
    std::string modes, thresholds;
    for (auto m : job.modes) modes += (modes.empty() ? "" : ",") + std::string(network::to_string(m));
    for (double t : job.thresholds_min) thresholds += (thresholds.empty() ? "" : ",") + threshold_label(t);
    layer.set_metadata("accessatlas_what", what);
    layer.set_metadata("accessatlas_units", units);
    layer.set_metadata("accessatlas_method", method);
    layer.set_metadata("accessatlas_inputs", inputs);
    detail::stamp_run(layer, job);
    layer.set_metadata("accessatlas_parameters",
                       fmt::format("modes={}; thresholds_min={}; max_snap_m={}; origins={}; street_spacing_m={}; catchments={}; e2sfca={}",
                                   modes, thresholds, job.max_snap_m,
                                   job.origin_method == OriginMethod::street_points ? "street_points"
                                   : job.origin_method == OriginMethod::points      ? "points"
                                                                                    : "centroids",
                                   job.street_spacing_m, job.catchments.enabled ? "yes" : "no", job.e2sfca.enabled ? "yes" : "no") +
                           // Only when chosen: the automatic choice is recorded in the run log.
                           (job.facility_search == access::ReachMethod::dijkstra    ? "; facility_search=dijkstra"
                            : job.facility_search == access::ReachMethod::hierarchy ? "; facility_search=hierarchy"
                                                                                    : ""));
}

std::size_t service_index(const Job& job, const std::string& name) {
    for (std::size_t i = 0; i < job.services.size(); ++i)
        if (job.services[i].name == name) return i;
    throw InternalError("unknown service " + name);
}

std::string band_label(double lower, double upper) {
    return threshold_label(lower) + "-" + threshold_label(upper);
}

// <service>_<mode>_catchments, _coverage, _supply and _catchment_members.
void write_catchment_layers(io::GpkgWriter& out, const Job& job, const std::string& prefix, const std::string& service, network::Mode mode,
                            const Facilities& facilities, const std::vector<snapping::Snap>& snaps, const access::Reach& reach,
                            const access::CatchmentPolygons& polygons, const access::E2sfca& e2, const access::NearestResult& nearest,
                            const std::vector<double>& population) {
    const std::string p = prefix + service + "_" + std::string(network::to_string(mode)) + "_";
    const auto& thresholds = job.catchments.thresholds_min;
    const bool catchments = job.catchments.applies_to(service, mode);
    if (catchments && job.catchments.polygons) {
        auto& layer = out.create_layer(p + "catchments", io::GeometryKind::polygon,
                                       {{"facility_id", io::FieldType::text}, {"name", io::FieldType::text},
                                        {"threshold_min", io::FieldType::real}, {"kind", io::FieldType::text},
                                        {"band", io::FieldType::text}, {"population", io::FieldType::real},
                                        {"area_ha", io::FieldType::real}},
                                       "Service areas per facility: 'within' = everywhere within the threshold; 'band' = "
                                       "the ring between the previous threshold and this one. Population from the origins.");
        describe(layer, job, "Service areas per facility and threshold, and nested bands", "minutes, people, hectares",
                 "reachable network (partly reached edges cut by interpolation) buffered by catchments.walk_off_m and dissolved");
        std::vector<std::string> band_names;
        for (std::size_t k = 0; k < thresholds.size(); ++k) band_names.push_back(band_label(k == 0 ? 0 : thresholds[k - 1], thresholds[k]));
        for (double t : thresholds) band_names.push_back(band_label(0, t));
        const auto st = styles::catchment_bands(band_names);
        out.add_style(p + "catchments", st.name, st.qml, st.sld, true, st.title);
        for (std::size_t f = 0; f < facilities.id.size(); ++f) {
            if (!snaps[f].ok()) continue;
            std::vector<double> within(thresholds.size(), 0);
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i)
                for (std::size_t k = 0; k < thresholds.size(); ++k)
                    if (reach.time_s[i] <= thresholds[k] * 60.0) within[k] += population[reach.origin[i]];
            for (std::size_t k = 0; k < thresholds.size(); ++k) {
                const auto& poly = polygons.facility[f][k];
                if (poly.empty()) continue;
                layer.add({facilities.id[f], facilities.name[f], thresholds[k], std::string("within"), band_label(0, thresholds[k]),
                           within[k], access::polygon_area_m2(poly) / 1e4},
                          &poly);
                const auto ring = k == 0 ? poly : access::polygon_difference(poly, polygons.facility[f][k - 1]);
                if (ring.empty()) continue;
                layer.add({facilities.id[f], facilities.name[f], thresholds[k], std::string("band"),
                           band_label(k == 0 ? 0 : thresholds[k - 1], thresholds[k]), within[k] - (k == 0 ? 0 : within[k - 1]),
                           access::polygon_area_m2(ring) / 1e4},
                          &ring);
            }
        }
        auto& cover = out.create_layer(p + "coverage", io::GeometryKind::polygon,
                                       {{"threshold_min", io::FieldType::real}, {"population_covered", io::FieldType::real},
                                        {"population_total", io::FieldType::real}, {"area_ha", io::FieldType::real}},
                                       "Union of the service areas of every facility, per threshold");
        describe(cover, job, "Area within each threshold of any facility", "minutes, people, hectares", "one multi-source search");
        const auto cs = styles::coverage();
        out.add_style(p + "coverage", cs.name, cs.qml, cs.sld, true, cs.title);
        double total = 0;
        for (double v : population) total += v;
        for (std::size_t k = 0; k < thresholds.size(); ++k) {
            double covered = 0;
            for (std::size_t o = 0; o < population.size(); ++o)
                if (nearest.time_s[o] <= thresholds[k] * 60.0) covered += population[o];
            const auto& poly = polygons.coverage[k];
            if (poly.empty()) continue;
            cover.add({thresholds[k], covered, total, access::polygon_area_m2(poly) / 1e4}, &poly);
        }
    }
    if (catchments && job.catchments.members) {
        auto& members = out.create_layer(p + "catchment_members", io::GeometryKind::none,
                                         {{"facility_id", io::FieldType::text}, {"origin_id", io::FieldType::integer},
                                          {"time_min", io::FieldType::real}, {"population", io::FieldType::real}},
                                         "Every origin within the largest threshold of each facility");
        for (std::size_t f = 0; f < facilities.id.size(); ++f)
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i)
                if (reach.time_s[i] <= thresholds.back() * 60.0)
                    members.add({facilities.id[f], static_cast<std::int64_t>(reach.origin[i]), reach.time_s[i] / 60.0,
                                 population[reach.origin[i]]},
                                nullptr);
    }
    if (job.e2sfca.enabled) {
        auto& supply = out.create_layer(p + "supply", io::GeometryKind::point,
                                        {{"facility_id", io::FieldType::text}, {"name", io::FieldType::text},
                                         {"supply", io::FieldType::real}, {"demand", io::FieldType::real},
                                         {"ratio_per_1000", io::FieldType::real}, {"population_within", io::FieldType::real}},
                                        "E2SFCA step 1 per facility: supply, decay-weighted demand, supply per 1,000 people");
        describe(supply, job, "E2SFCA step 1 per facility", "supply units, people, supply per 1,000 people",
                 "Luo & Qi (2009) E2SFCA; see docs/methods/catchments-e2sfca.md");
        const auto ss = styles::points("supply", "#08519c");
        out.add_style(p + "supply", ss.name, ss.qml, ss.sld, true, "Facilities with their E2SFCA ratio");
        for (std::size_t f = 0; f < facilities.id.size(); ++f) {
            if (!snaps[f].ok()) continue;
            supply.add_point({facilities.id[f], facilities.name[f], facilities.supply[f], e2.demand[f], 1000.0 * e2.ratio[f],
                              e2.population_within[f]},
                             facilities.location[f]);
        }
    }
}


} // namespace

void detail::check_output(const Job& job) {
    if (job.output.empty()) throw InputError("no output file given", {job.job_file, {}, {}, {}}, "set [job] output or pass --out FILE.gpkg");
    const fs::path out = fs::absolute(job.output).lexically_normal();
    std::vector<std::string> inputs{job.network.path, job.areas.path, job.population.path, job.origin_points.path, job.job_file};
    for (const auto& s : job.services) inputs.push_back(s.facilities.path);
    for (const auto& in : inputs)
        if (!in.empty() && fs::absolute(in).lexically_normal() == out)
            throw InputError("the output is also an input and would be overwritten", {job.output, {}, {}, {}},
                             "choose another output file");
    if (out.extension() != ".gpkg")
        throw InputError("the output must be a GeoPackage (.gpkg)", {job.output, {}, {}, {}}, "name the output FILE.gpkg");
}

struct GreenspaceResult {
    std::vector<greenspace::Site> sites;
    std::vector<std::vector<double>> tier_distance;  // [tier][origin], metres
    std::vector<double> provision;                   // per origin, ha per 1,000 (network mode)
    // Per area:
    std::vector<std::vector<double>> pct;  // [tier][area]
    std::vector<double> beyond_10min, mean_distance, ha_per_1000, score;
    std::vector<std::int64_t> decile;
};

GreenspaceResult run_greenspace(const Job& job, const network::RoadNetwork& net, const Areas& areas, const Origins& origins,
                                Reporter& reporter) {
    const auto& spec = job.greenspace;
    GreenspaceResult r;
    reporter.stage("Reading green spaces");
    greenspace::SiteStats stats;
    r.sites = greenspace::read_sites(spec.sites.path, spec.sites.layer, spec.site_options, reporter, &stats);
    reporter.info(fmt::format("green space: {} of {} polygons used, {} sites ({} woodland)", stats.polygons_used,
                              stats.polygons_read, stats.sites, stats.woodland_sites));
    std::vector<Point> given;
    if (!spec.entrances.path.empty())
        given = io::read_layer(spec.entrances.path, spec.entrances.layer, io::GeometryKind::point, {}, reporter).points;
    const auto walk = network::build_mode_graph(net, job.profiles.count(network::Mode::walk) ? job.profiles.at(network::Mode::walk)
                                                                                           : network::default_profile(network::Mode::walk));
    const snapping::EdgeIndex index(net, walk);
    reporter.stage("Finding green-space entrances");
    greenspace::assign_entrances(r.sites, given, net, walk, spec.site_options);
    std::size_t fallback = 0;
    for (const auto& s : r.sites) fallback += s.fallback_entrances;
    if (fallback > 0)
        reporter.warning(fmt::format("green space: {} of {} sites have no given entrance and no path touching them; their entrances are boundary "
                                     "points every {} m (flagged fallback_entrances)",
                                     fallback, r.sites.size(), spec.site_options.fallback_spacing_m));
    std::vector<snapping::Snap> osnaps;
    for (const auto& p : origins.location) osnaps.push_back(index.snap(p, job.max_snap_m));
    for (const auto& tier : spec.tiers) {
        reporter.stage("Distance to the nearest " + tier.name + " green space");
        r.tier_distance.push_back(spec.network_mode
                                      ? greenspace::network_distance(r.sites, tier, net, walk, index, osnaps, job.max_snap_m, reporter)
                                      : greenspace::straight_line_distance(r.sites, tier, origins.location));
    }
    if (spec.network_mode) {
        reporter.stage("Green-space provision per 1,000 residents");
        r.provision = greenspace::provision_ha_per_1000(r.sites, net, walk, index, osnaps, origins.population, spec.neighbourhood_m,
                                                        job.max_snap_m, job.threads, reporter);
    }
    // Per area.
    const std::size_t n = areas.code.size();
    std::vector<double> pop(n, 0);
    for (std::size_t o = 0; o < origins.location.size(); ++o) pop[origins.area[o]] += origins.population[o];
    std::size_t fit = spec.tiers.size(), any = spec.tiers.size();
    for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
        if (spec.tiers[t].name == "fit_10min") fit = t;
        if (!spec.tiers[t].woodland && spec.tiers[t].min_ha == 0 && any == spec.tiers.size()) any = t;
    }
    for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
        std::vector<double> within(n, 0);
        for (std::size_t o = 0; o < origins.location.size(); ++o)
            if (r.tier_distance[t][o] <= spec.tiers[t].max_distance_m) within[origins.area[o]] += origins.population[o];
        // Shares are capped at 100: a sum of per-point shares can round just above it.
        for (std::size_t a = 0; a < n; ++a) within[a] = pop[a] > 0 ? std::min(100.0, 100.0 * within[a] / pop[a]) : std::nan("");
        r.pct.push_back(std::move(within));
    }
    r.beyond_10min.assign(n, std::nan(""));
    r.mean_distance.assign(n, std::nan(""));
    r.ha_per_1000.assign(n, std::nan(""));
    std::vector<double> dist_sum(n, 0), dist_pop(n, 0), prov_sum(n, 0);
    for (std::size_t a = 0; a < n; ++a)
        if (fit < spec.tiers.size()) r.beyond_10min[a] = pop[a] * (1 - r.pct[fit][a] / 100.0);
    for (std::size_t o = 0; o < origins.location.size(); ++o) {
        const std::uint32_t a = origins.area[o];
        if (any < spec.tiers.size() && std::isfinite(r.tier_distance[any][o])) {
            dist_sum[a] += origins.population[o] * r.tier_distance[any][o];
            dist_pop[a] += origins.population[o];
        }
        if (!r.provision.empty()) prov_sum[a] += origins.population[o] * r.provision[o];
    }
    // Tiers no site in the data can meet (e.g. woodland when the source has no woodland type)
    // would pull every score down alike: they are left out of the score, and said so.
    std::vector<bool> scored(spec.tiers.size(), false);
    std::vector<std::string> unscored;
    for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
        for (const auto& site : r.sites) scored[t] = scored[t] || greenspace::qualifies(site, spec.tiers[t]);
        if (!scored[t]) unscored.push_back(spec.tiers[t].name);
    }
    if (!unscored.empty())
        reporter.warning(fmt::format("green space: no site in the data can meet {}; left out of greenspace_score", list_some(unscored)));
    for (std::size_t a = 0; a < n; ++a) {
        if (dist_pop[a] > 0) r.mean_distance[a] = dist_sum[a] / dist_pop[a];
        if (!r.provision.empty() && pop[a] > 0) r.ha_per_1000[a] = prov_sum[a] / pop[a];
        double sum = 0;
        std::size_t counted = 0;
        for (std::size_t t = 0; t < spec.tiers.size(); ++t)
            if (scored[t]) {
                sum += std::isfinite(r.pct[t][a]) ? r.pct[t][a] : 0;
                ++counted;
            }
        r.score.push_back(counted == 0 ? 0 : sum / static_cast<double>(counted));
    }
    // Deciles within the study area: 1 = the tenth with the least access.
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return r.score[x] < r.score[y] || (r.score[x] == r.score[y] && areas.code[x] < areas.code[y]);
    });
    r.decile.assign(n, 0);
    for (std::size_t rank = 0; rank < n; ++rank) r.decile[order[rank]] = static_cast<std::int64_t>(rank * 10 / n + 1);
    return r;
}

void write_greenspace_layers(io::GpkgWriter& out, const Job& job, const Areas& areas, const GreenspaceResult& g) {
    const auto& spec = job.greenspace;
    std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text},
                                     {"population", io::FieldType::real}, {"greenspace_mode", io::FieldType::text},
                                     {"greenspace_score", io::FieldType::real}, {"greenspace_decile", io::FieldType::integer}};
    for (const auto& t : spec.tiers) fields.push_back({"pct_" + t.name, io::FieldType::real});
    fields.push_back({"pop_beyond_10min", io::FieldType::real});
    fields.push_back({"mean_dist_m", io::FieldType::real});
    fields.push_back({"ha_per_1000", io::FieldType::real});
    fields.push_back({"meets_capacity", io::FieldType::integer});
    auto& layer = out.create_layer("lsoa_greenspace", io::GeometryKind::polygon, fields,
                                   "Green-space access per area: % meeting each size/distance standard, score and decile");
    describe(layer, job, "Green-space access per LSOA: tiers (ANGSt / Green Infrastructure Framework, Fields in Trust, Woodland Trust)",
             "% of population (pct_*), people (pop_beyond_10min), metres (mean_dist_m), hectares per 1,000 people (ha_per_1000), "
             "score 0-100 (higher = better access), decile 1-10 (1 = least access in the study area)",
             std::string(spec.network_mode ? "network walking distance" : "straight-line distance") +
                 " to the nearest qualifying site; see docs/greenspace.md");
    const auto style = styles::percent_better_high("greenspace_score", "Green-space access score (0-100, higher = better)");
    out.add_style("lsoa_greenspace", style.name, style.qml, style.sld, true, style.title);
    for (std::size_t a = 0; a < areas.code.size(); ++a) {
        double pop = areas.population[a];
        std::vector<io::Value> v{areas.code[a], areas.name[a], pop, std::string(spec.network_mode ? "network" : "straight_line"),
                                 g.score[a], g.decile[a]};
        for (std::size_t t = 0; t < spec.tiers.size(); ++t) v.emplace_back(g.pct[t][a]);
        v.emplace_back(g.beyond_10min[a]);
        v.emplace_back(g.mean_distance[a]);
        v.emplace_back(g.ha_per_1000[a]);
        v.emplace_back(std::isfinite(g.ha_per_1000[a]) ? io::Value(static_cast<std::int64_t>(g.ha_per_1000[a] >= spec.capacity_ha_per_1000))
                                                      : io::Value());
        layer.add(v, &areas.layer.wkb[a]);
    }
    auto& sites = out.create_layer("greenspace_sites", io::GeometryKind::polygon,
                                   {{"site_id", io::FieldType::integer}, {"name", io::FieldType::text}, {"area_ha", io::FieldType::real},
                                    {"woodland", io::FieldType::integer}, {"entrances", io::FieldType::integer},
                                    {"given_entrances", io::FieldType::integer}, {"fallback_entrances", io::FieldType::integer}},
                                   "Green-space sites (touching polygons dissolved; woods also as their own sites)");
    describe(sites, job, "Green-space sites used", "hectares", "polygons repaired and dissolved with GEOS");
    const auto cs = styles::coverage();
    out.add_style("greenspace_sites", cs.name, cs.qml, cs.sld, true, "Green-space sites");
    auto& entrances = out.create_layer("greenspace_entrances", io::GeometryKind::point,
                                       {{"site_id", io::FieldType::integer}, {"kind", io::FieldType::text}},
                                       "Access points of the green-space sites: given, derived (path meets boundary) or fallback");
    describe(entrances, job, "Green-space access points", "none (locations)", "given entrances, or walking edges meeting the boundary, or fallback points");
    const auto es = styles::points("entrances", "#238b45");
    out.add_style("greenspace_entrances", es.name, es.qml, es.sld, true, "Green-space entrances");
    for (std::size_t s = 0; s < g.sites.size(); ++s) {
        const auto& site = g.sites[s];
        sites.add({static_cast<std::int64_t>(s), site.name, site.area_ha, static_cast<std::int64_t>(site.woodland),
                   static_cast<std::int64_t>(site.entrances.size()), static_cast<std::int64_t>(site.given_entrances),
                   static_cast<std::int64_t>(site.fallback_entrances)},
                  &site.wkb);
        const std::string kind = site.given_entrances ? "given" : site.fallback_entrances ? "fallback" : "derived";
        for (const auto& p : site.entrances) entrances.add_point({static_cast<std::int64_t>(s), kind}, p);
    }
}

namespace detail {

namespace {

std::string mode_name(network::Mode m) { return std::string(network::to_string(m)); }

std::string scenario_suffix(const ScenarioInputs& sc) { return sc.name.empty() ? std::string() : " [" + sc.name + "]"; }

// The baseline's facilities with a scenario's supply changes, closures and openings (in that order).
Facilities apply_changes(const Job& job, const ScenarioSpec& sc, const ServiceSpec& service, const Facilities& base, Reporter& reporter) {
    Facilities f = base;
    const ErrorContext where{job.job_file, {}, {}, {}};
    for (const auto& ch : sc.services) {
        if (ch.service != service.name) continue;
        auto index_of = [&](const std::string& id) {
            const auto it = std::find(f.id.begin(), f.id.end(), id);
            if (it == f.id.end())
                throw InputError(fmt::format("scenario '{}': there is no {} facility with id '{}'", sc.name, service.name, id), where,
                                 fmt::format("use ids from the field '{}' of {} (e.g. {})",
                                             service.id_field.empty() ? std::string("fid") : service.id_field, service.facilities.path,
                                             list_some(base.id, 3)));
            return static_cast<std::size_t>(it - f.id.begin());
        };
        for (const auto& [id, supply] : ch.supply) f.supply[index_of(id)] = supply;
        std::vector<std::size_t> drop;
        for (const auto& id : ch.remove) drop.push_back(index_of(id));
        std::sort(drop.begin(), drop.end());
        drop.erase(std::unique(drop.begin(), drop.end()), drop.end());
        for (auto it = drop.rbegin(); it != drop.rend(); ++it) {
            const auto i = static_cast<std::ptrdiff_t>(*it);
            f.location.erase(f.location.begin() + i);
            f.id.erase(f.id.begin() + i);
            f.name.erase(f.name.begin() + i);
            f.supply.erase(f.supply.begin() + i);
        }
        auto add = [&](const std::string& id, const std::string& name, Point p, double supply) {
            if (std::find(f.id.begin(), f.id.end(), id) != f.id.end())
                throw InputError(fmt::format("scenario '{}': the new {} facility '{}' has the id of another one", sc.name, service.name, id),
                                 where, "give each new facility its own id");
            f.location.push_back(p);
            f.id.push_back(id);
            f.name.push_back(name);
            f.supply.push_back(supply);
        };
        for (const auto& nf : ch.add) add(nf.id, nf.name, nf.location, nf.supply);
        if (!ch.add_layer.path.empty()) {
            ServiceSpec s = service;
            s.facilities = ch.add_layer;
            const Facilities extra = read_facilities(s, reporter);
            for (std::size_t i = 0; i < extra.id.size(); ++i) add(extra.id[i], extra.name[i], extra.location[i], extra.supply[i]);
        }
    }
    if (f.id.empty())
        throw InputError(fmt::format("scenario '{}' leaves no {} facility", sc.name, service.name), where, "keep or add at least one");
    return f;
}

std::vector<std::uint32_t> scenario_closures(const Job& job, const ScenarioSpec& sc, const network::RoadNetwork& net, Reporter& reporter) {
    std::vector<std::int64_t> missing;
    auto edges = network::edges_of_ways(net, sc.close_ways, &missing);
    if (!missing.empty()) {
        std::vector<std::string> ids;
        for (auto id : missing) ids.push_back(std::to_string(id));
        throw InputError(fmt::format("scenario '{}': {} closed way(s) are not in the network: {}", sc.name, missing.size(), list_some(ids)),
                         {job.job_file, {}, {}, {}},
                         "give OSM way ids of roads in " + job.network.path + " (feature ids for a line layer)");
    }
    if (!sc.close_area.path.empty()) {
        const auto layer = io::read_layer(sc.close_area.path, sc.close_area.layer, io::GeometryKind::polygon, {}, reporter);
        const auto more = network::edges_meeting(net, layer.wkb);
        if (more.empty())
            reporter.warning(fmt::format("scenario '{}': no road meets the closure polygons in {}", sc.name, sc.close_area.path));
        edges.insert(edges.end(), more.begin(), more.end());
        std::sort(edges.begin(), edges.end());
        edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    }
    if (sc.changes_network()) reporter.info(fmt::format("scenario '{}': {} road edges closed", sc.name, edges.size()));
    return edges;
}

// Two profiles open the same edges (speeds may differ): snaps made for one hold for the other.
bool same_open_classes(const network::Profile& a, const network::Profile& b) {
    for (std::size_t c = 0; c < network::road_class_count; ++c)
        if ((a.speed_kmh[c] > 0) != (b.speed_kmh[c] > 0)) return false;
    return true;
}

} // namespace

std::shared_ptr<const transit::Timetable> scenario_timetable(const Job& job, std::size_t si, std::shared_ptr<const transit::Timetable> baseline,
                                                             Reporter& reporter) {
    auto read = [&](const std::string& date) { return std::make_shared<const transit::Timetable>(transit::read_gtfs(job.transit.feeds, date, reporter)); };
    if (!baseline) baseline = read(job.transit.date);
    if (si == 0) return baseline;
    const auto& spec = job.scenarios.at(si - 1);
    const auto& ch = spec.transit;
    auto tt = !ch.date.empty() && transit::parse_date(ch.date, "date") != transit::parse_date(job.transit.date, "date") ? read(ch.date) : baseline;
    transit::TimetableEdit edit;
    edit.remove_routes = ch.remove_routes;
    edit.remove_stops = ch.remove_stops;
    edit.route_frequency.assign(ch.route_frequency.begin(), ch.route_frequency.end());
    if (edit.empty()) return tt;
    return std::make_shared<const transit::Timetable>(transit::edit_timetable(*tt, edit, "scenario '" + spec.name + "'", reporter));
}

transit::WindowOptions scenario_window(const Job& job, std::size_t si) {
    transit::WindowOptions w = job.transit.window;
    w.threads = job.threads;
    if (si > 0) {
        const auto& ch = job.scenarios.at(si - 1).transit;
        if (ch.window_start_s >= 0) w.start_s = ch.window_start_s;
        if (ch.window_end_s >= 0) w.end_s = ch.window_end_s;
        if (w.end_s <= w.start_s)
            throw InputError(fmt::format("scenario '{}': the transit window ends ({}) before it starts ({})", job.scenarios.at(si - 1).name,
                                         transit::format_clock(w.end_s), transit::format_clock(w.start_s)),
                             {job.job_file, {}, {}, "transit.window_end"}, "give window_start before window_end");
    }
    return w;
}

std::shared_ptr<const TransitState> build_transit(const Job& job, const network::RoadNetwork& net, const network::ModeGraph& graph,
                                                  std::shared_ptr<const transit::Timetable> timetable, const transit::WindowOptions& window,
                                                  const Snaps& origin_snaps, const std::string& scenario_label, Reporter& reporter) {
    auto state = std::make_shared<TransitState>();
    state->timetable = timetable;
    state->window = window;
    const auto& tt = *timetable;
    Snaps stop_snaps(tt.stops.size());
    std::vector<std::string> far;
    {
        const snapping::EdgeIndex index(net, graph, true);
        for (std::size_t s = 0; s < tt.stops.size(); ++s) {
            if (!tt.stops[s].located) continue;  // named by the reader
            stop_snaps[s] = index.snap(tt.stops[s].location, job.max_snap_m);
            if (!stop_snaps[s].ok()) far.push_back(tt.feeds[tt.stops[s].feed].name + ":" + tt.stops[s].id);
        }
    }
    if (!far.empty())
        reporter.warning(fmt::format("transit{}: {} of {} stops lie more than {} m from the walk network (beyond the area it covers) and "
                                     "cannot be walked to; trips still pass them: {}",
                                     scenario_label, far.size(), tt.stops.size(), job.max_snap_m, list_some(far, 10)));
    if (far.size() + std::count_if(tt.stops.begin(), tt.stops.end(), [](const transit::Stop& s) { return !s.located; }) == tt.stops.size())
        reporter.warning(fmt::format("transit{}: no stop of the timetable lies on the walk network, so transit times equal walking; check the "
                                     "feeds cover the network's area",
                                     scenario_label));
    state->network = transit::prepare_transit(net, graph, tt, std::move(stop_snaps), origin_snaps, window, reporter);
    state->network.timetable = state->timetable.get();
    return state;
}

network::ModeGraph scenario_graph(const network::RoadNetwork& net, const ScenarioInputs& scenario, std::size_t mode) {
    return network::build_mode_graph(net, scenario.profiles[mode], scenario.closed_edges);
}

Prepared prepare(const Job& job, Reporter& collect, RunSummary& summary, const WithGraph& with_graph) {
    Stopwatch clock;
    Prepared p;
    auto& net = p.net;  // stays empty for straight-line-only jobs
    network::ReadStats read_stats;
    if (!job.graph_file.empty()) {
        collect.stage("Loading the graph file " + job.graph_file);
        net = job.network.path.empty() || job.network.path == job.graph_file
                  ? network::load_graph_file(job.graph_file)
                  : network::load_graph_file_for(job.graph_file, job.network.path, job.network_options);
        collect.info(fmt::format("network: {} nodes, {} edges from the graph file", net.node_count(), net.edge_count()));
    } else if (!job.network.path.empty()) {
        net = network::read_network(job.network.path, job.network_options, collect, &read_stats);
        collect.info(fmt::format("network: {} nodes, {} edges from {} ways/lines", net.node_count(), net.edge_count(),
                                 read_stats.features_used));
    } else if (job.origin_method == OriginMethod::street_points && job.needs_origins()) {
        throw InputError("street-point origins need a road network", {job.job_file, {}, {}, {}},
                         "add a [network] section, or use [origins] method = \"points\" or \"centroids\"");
    }
    summary.network_nodes = net.node_count();
    summary.network_edges = net.edge_count();
    collect.check_cancelled();

    collect.stage("Reading areas and population");
    p.areas = read_areas(job, collect);
    const auto& areas = p.areas;
    const io::AreaLocator locator(areas.layer.wkb);
    summary.areas = areas.code.size();

    // Edge effects: people cross boundaries for care; the network should reach beyond.
    const auto near_edge = net.node_count() > 0 ? io::areas_beyond_coverage(areas.layer.wkb, net.nodes, job.edge_buffer_m)
                                                : std::vector<std::uint32_t>{};
    if (!near_edge.empty()) {
        std::vector<std::string> codes;
        for (auto i : near_edge) codes.push_back(areas.code[i]);
        collect.warning(fmt::format("the network does not reach {:.1f} km beyond {} of {} areas; services across the "
                                    "boundary may be missed there (extend the network and facility lists): {}",
                                    job.edge_buffer_m / 1000.0, near_edge.size(), areas.code.size(), list_some(codes)));
    }
    if (job.needs_origins()) p.origins = make_origins(job, areas, net, locator, collect);
    // A clipped network covers part of the areas: people beyond it are not served by this run
    // (named), rather than routed along the few roads that stick out of the extract.
    io::Layer coverage_layer;
    std::unique_ptr<io::AreaLocator> coverage;
    if (!job.network_coverage.path.empty()) {
        coverage_layer = io::read_layer(job.network_coverage.path, job.network_coverage.layer, io::GeometryKind::polygon, {}, collect);
        if (coverage_layer.wkb.empty())
            throw InputError("the network's coverage layer holds no polygon", {job.network_coverage.path, coverage_layer.layer_name, {}, {}},
                             "give the extract's box or polygon, or leave network.coverage out");
        coverage = std::make_unique<io::AreaLocator>(coverage_layer.wkb);
        auto& o = p.origins;
        std::size_t kept = 0;
        double beyond_pop = 0;
        for (std::size_t i = 0; i < o.location.size(); ++i) {
            if (coverage->locate(o.location[i]) == invalid_id) {
                beyond_pop += o.population[i];
                continue;
            }
            o.location[kept] = o.location[i];
            o.area[kept] = o.area[i];
            o.population[kept] = o.population[i];
            o.kind[kept] = o.kind[i];
            ++kept;
        }
        if (kept < o.location.size())
            collect.info(fmt::format("{} origins ({:.0f} people) lie beyond the network's coverage ({})", o.location.size() - kept, beyond_pop,
                                     job.network_coverage.path));
        o.location.resize(kept);
        o.area.resize(kept);
        o.population.resize(kept);
        o.kind.resize(kept);
    }
    if (job.needs_origins()) {
        auto& o = p.origins;
        o.area_served.assign(areas.code.size(), 0);
        for (auto a : o.area) o.area_served[a] = 1;
        std::vector<std::string> unserved;
        for (std::size_t a = 0; a < areas.code.size(); ++a)
            if (!o.area_served[a]) unserved.push_back(areas.code[a]);
        if (!unserved.empty())
            collect.warning(fmt::format("{} of {} areas are not served: no origin of theirs lies {}; their rows say served = 0 and "
                                        "carry no travel times: {}",
                                        unserved.size(), areas.code.size(),
                                        coverage ? "within the network's coverage (" + job.network_coverage.path + ")" : "in them", list_some(unserved, 10)));
    }
    const auto& origins = p.origins;
    summary.origins = origins.location.size();
    if (job.needs_origins())
        collect.info(fmt::format("{} origins carry the population of {} areas", origins.location.size(), areas.code.size()));

    ScenarioInputs base;
    for (const auto& s : job.services) base.facilities.push_back(read_facilities(s, collect));
    for (auto m : job.modes) base.profiles.push_back(job.profiles.at(m));
    p.scenarios.push_back(std::move(base));
    for (const auto& spec : job.scenarios) {
        ScenarioInputs sc;
        sc.name = spec.name;
        sc.title = spec.title;
        for (std::size_t s = 0; s < job.services.size(); ++s)
            sc.facilities.push_back(apply_changes(job, spec, job.services[s], p.scenarios[0].facilities[s], collect));
        sc.closed_edges = scenario_closures(job, spec, net, collect);
        for (auto m : job.modes) sc.profiles.push_back(spec.profiles.at(m));
        p.scenarios.push_back(std::move(sc));
    }
    summary.scenarios = job.scenarios.size();
    if (std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end())
        for (std::size_t si = 0; si < p.scenarios.size(); ++si) {
            p.scenarios[si].timetable = scenario_timetable(job, si, si == 0 ? nullptr : p.scenarios[0].timetable, collect);
            p.scenarios[si].window = scenario_window(job, si);
            collect.check_cancelled();
        }
    summary.seconds["read"] += clock.lap();
    if (job.services.empty()) return p;

    for (std::size_t si = 0; si < p.scenarios.size(); ++si) {
        auto& sc = p.scenarios[si];
        sc.origin_snaps.resize(job.modes.size());
        sc.facility_snaps.resize(job.modes.size());
        for (std::size_t mi = 0; mi < job.modes.size(); ++mi) {
            const std::string mode = mode_name(job.modes[mi]);
            collect.stage("Building the " + mode + " graph" + scenario_suffix(sc));
            // Without its reversed half until the snapping index is gone (lower peak memory).
            network::ModeGraph graph = network::build_mode_graph(net, sc.profiles[mi], sc.closed_edges, false);
            if (si == 0)
                collect.info(fmt::format("{} graph: {} arcs, {} components, the largest holds {} of {} nodes ({:.1f}%); {:.1f} MB", mode,
                                         graph.forward.arc_count(), graph.component_count, graph.largest_component_nodes,
                                         net.node_count(),
                                         100.0 * graph.largest_component_nodes / std::max<std::size_t>(1, net.node_count()),
                                         2 * graph.forward.memory_bytes() / 1e6));  // with the reversed half, added below
            // A scenario that leaves the open network as it is keeps the baseline's origin snaps.
            const bool reuse = si > 0 && sc.closed_edges.empty() && same_open_classes(sc.profiles[mi], p.scenarios[0].profiles[mi]);
            {
                // The snapping index is only needed until every point is placed: it is dropped
                // before routing, which on a national graph lowers the peak by the R-tree's size.
                const snapping::EdgeIndex index(net, graph, true);
                summary.seconds["graph"] += clock.lap();
                if (reuse) {
                    sc.origin_snaps[mi] = p.scenarios[0].origin_snaps[mi];
                } else {
                    collect.stage("Snapping origins to the " + mode + " network" + scenario_suffix(sc));
                    auto snaps = std::make_shared<Snaps>();
                    snaps->reserve(origins.location.size());
                    std::size_t off = 0;
                    double off_pop = 0;
                    for (std::size_t i = 0; i < origins.location.size(); ++i) {
                        snaps->push_back(index.snap(origins.location[i], job.max_snap_m));
                        if (!snaps->back().ok()) {
                            ++off;
                            off_pop += origins.population[i];
                        }
                    }
                    if (off > 0) {
                        std::set<std::string> codes;
                        for (std::size_t i = 0; i < origins.location.size(); ++i)
                            if (!(*snaps)[i].ok()) codes.insert(areas.code[origins.area[i]]);
                        collect.warning(fmt::format("{}{}: {} origins ({:.0f} people) in {} areas lie more than {} m from the network and "
                                                    "count as not reached: {}",
                                                    mode, scenario_suffix(sc), off, off_pop, codes.size(), job.max_snap_m,
                                                    list_some(std::vector<std::string>(codes.begin(), codes.end()), 10)));
                    }
                    sc.origin_snaps[mi] = std::move(snaps);
                }
                for (std::size_t s = 0; s < job.services.size(); ++s) {
                    auto& fs = sc.facility_snaps[mi].emplace_back();
                    std::vector<std::string> beyond;
                    for (std::size_t f = 0; f < sc.facilities[s].location.size(); ++f) {
                        const auto& loc = sc.facilities[s].location[f];
                        if (coverage && coverage->locate(loc) == invalid_id) {
                            fs.emplace_back();
                            beyond.push_back(sc.facilities[s].name[f].empty() ? sc.facilities[s].id[f] : sc.facilities[s].name[f]);
                        } else {
                            fs.push_back(index.snap(loc, job.max_snap_m));
                        }
                    }
                    if (!beyond.empty() && si == 0 && mi == 0)
                        collect.warning(fmt::format("{}: {} of {} facilities lie beyond the network's coverage and were excluded: {}",
                                                    job.services[s].name, beyond.size(), sc.facilities[s].location.size(), list_some(beyond, 10)));
                }
            }
            for (std::size_t s = 0; s < job.services.size(); ++s) {
                const auto& service = job.services[s];
                const auto& fac = sc.facilities[s];
                std::vector<std::string> excluded;
                std::size_t unusable = 0;
                for (std::size_t f = 0; f < fac.location.size(); ++f) {
                    if (sc.facility_snaps[mi][s][f].ok()) continue;
                    ++unusable;
                    if (!coverage || coverage->locate(fac.location[f]) != invalid_id) excluded.push_back(fac.name[f].empty() ? fac.id[f] : fac.name[f]);
                }
                if (!excluded.empty())
                    collect.warning(fmt::format("{} ({}){}: {} of {} facilities lie more than {} m from the network and were "
                                                "excluded: {}",
                                                service.name, mode, scenario_suffix(sc), excluded.size(), fac.location.size(),
                                                job.max_snap_m, list_some(excluded, 5)));
                if (unusable == fac.location.size())
                    throw InputError(fmt::format("no {} facility lies within {} m of the {} network{}", service.name, job.max_snap_m,
                                                 mode, scenario_suffix(sc)),
                                     {service.facilities.path, {}, {}, {}},
                                     "check the facilities and the network cover the same area and CRS, or raise analysis.max_snap_m");
            }
            network::add_backward_graph(graph, net);
            if (job.modes[mi] == network::Mode::transit) {
                collect.stage("Transit: stops and walking legs" + scenario_suffix(sc));
                sc.transit = build_transit(job, net, graph, sc.timetable, sc.window, *sc.origin_snaps[mi], scenario_suffix(sc), collect);
            }
            summary.seconds["snap"] += clock.lap();
            if (with_graph) with_graph(p, si, mi, graph);
            clock.lap();
        }
    }
    return p;
}

namespace {

// The transit counterpart of run_task: the same outputs, from the timetable's profile searches.
TaskResult run_transit_task(const Job& job, const network::RoadNetwork& net, const network::ModeGraph& graph, const Snaps& snaps,
                            const Snaps& origin_snaps, const TaskSpec& task, const TransitState& transit, Reporter& reporter) {
    TaskResult r;
    const std::string& service = job.services.at(task.service).name;
    const auto& window = transit.window;
    const std::string span = transit::format_clock(window.start_s) + "-" + transit::format_clock(window.end_s);
    const bool polygons = job.catchments.applies_to(service, network::Mode::transit) && job.catchments.polygons;
    access::CatchmentOptions copt;
    copt.thresholds_min = job.catchments.thresholds_min;
    copt.walk_off_m = job.catchments.walk_off_m;
    copt.threads = job.threads;
    if (task.kind == TaskKind::nearest) {
        reporter.stage(fmt::format("Routing to the nearest {} (transit, departures {} every {} min)", service, span, window.step_s / 60));
        access::NearestOptions options;
        options.thresholds_min = job.thresholds_min;
        options.count_within_thresholds = job.count_within_thresholds;
        options.threads = job.threads;
        r.nearest = transit::transit_nearest(net, graph, transit.network, snaps, origin_snaps, options, window, reporter);
        if (polygons) {
            reporter.stage(fmt::format("Area within reach of any {} (transit)", service));
            copt.facility_polygons = false;
            r.coverage = transit::transit_polygons(net, graph, transit.network, snaps, copt, window, reporter).coverage;
        }
        return r;
    }
    Snaps mine(snaps.size());
    const std::uint32_t end = std::min<std::uint32_t>(task.end_facility, static_cast<std::uint32_t>(snaps.size()));
    for (std::uint32_t f = task.first_facility; f < end; ++f) mine[f] = snaps[f];
    const double limit_s = reach_limit_s(job, service, network::Mode::transit);
    reporter.stage(fmt::format("Catchments of {} {} facilities (transit, p{} of departures {}, {} min)", end - task.first_facility, service,
                               window.reach_percentile, span, limit_s / 60.0));
    r.reach = transit::transit_reach(net, graph, transit.network, mine, origin_snaps, limit_s, transit::Statistic::percentile, window, reporter);
    reporter.info(fmt::format("{} (facility, origin) pairs within {} min by transit", r.reach.origin.size(), limit_s / 60.0));
    if (polygons) {
        reporter.stage(fmt::format("Service-area polygons for {} (transit)", service));
        copt.coverage = false;
        auto polys = transit::transit_polygons(net, graph, transit.network, mine, copt, window, reporter);
        r.polygons.assign(std::make_move_iterator(polys.facility.begin() + task.first_facility),
                          std::make_move_iterator(polys.facility.begin() + end));
    }
    return r;
}

} // namespace

double reach_limit_s(const Job& job, const std::string& service, network::Mode mode) {
    double limit_min = 0;
    if (job.catchments.applies_to(service, mode)) limit_min = job.catchments.thresholds_min.back();
    if (job.e2sfca.enabled) limit_min = std::max(limit_min, job.e2sfca.decay.max_time_min);
    return limit_min * 60.0;
}

std::vector<TaskSpec> plan_tasks(const Job& job, const Prepared& prepared, std::uint32_t facilities_per_task) {
    std::vector<TaskSpec> tasks;
    for (std::uint32_t si = 0; si < prepared.scenarios.size(); ++si)
        for (std::uint32_t mi = 0; mi < job.modes.size(); ++mi)
            for (std::uint32_t s = 0; s < job.services.size(); ++s) {
                const auto n = static_cast<std::uint32_t>(prepared.scenarios[si].facilities[s].id.size());
                tasks.push_back({TaskKind::nearest, si, s, mi, 0, n});
                if (reach_limit_s(job, job.services[s].name, job.modes[mi]) <= 0) continue;
                const std::uint32_t chunk = facilities_per_task == 0 ? std::max(n, 1u) : facilities_per_task;
                for (std::uint32_t first = 0; first < n; first += chunk) tasks.push_back({TaskKind::reach, si, s, mi, first, std::min(n, first + chunk)});
            }
    return tasks;
}

TaskResult run_task(const Job& job, const network::RoadNetwork& net, const network::ModeGraph& graph, const std::vector<Snaps>& facility_snaps,
                    const Snaps& origin_snaps, const TaskSpec& task, Reporter& reporter, const TransitState* transit) {
    TaskResult r;
    const auto& snaps = facility_snaps.at(task.service);
    const std::string& service = job.services.at(task.service).name;
    const std::string mode = mode_name(job.modes.at(task.mode));
    if (job.modes.at(task.mode) == network::Mode::transit) {
        if (!transit) throw InternalError("a transit task was given no timetable");
        return run_transit_task(job, net, graph, snaps, origin_snaps, task, *transit, reporter);
    }
    const bool polygons = job.catchments.applies_to(service, job.modes.at(task.mode)) && job.catchments.polygons;
    access::CatchmentOptions copt;
    copt.thresholds_min = job.catchments.thresholds_min;
    copt.walk_off_m = job.catchments.walk_off_m;
    copt.threads = job.threads;
    if (task.kind == TaskKind::nearest) {
        reporter.stage(fmt::format("Routing to the nearest {} ({})", service, mode));
        access::NearestOptions options;
        options.thresholds_min = job.thresholds_min;
        options.count_within_thresholds = job.count_within_thresholds;
        options.count_method = job.facility_search;
        options.threads = job.threads;
        r.nearest = access::nearest_facility(net, graph, snaps, origin_snaps, options, reporter);
        if (polygons) {
            reporter.stage(fmt::format("Area within reach of any {} ({})", service, mode));
            copt.facility_polygons = false;
            r.coverage = access::catchment_polygons(net, graph, snaps, copt, reporter).coverage;
        }
        return r;
    }
    // Facilities outside the task's range are masked (not snapped): their rows stay empty.
    Snaps mine(snaps.size());
    const std::uint32_t end = std::min<std::uint32_t>(task.end_facility, static_cast<std::uint32_t>(snaps.size()));
    for (std::uint32_t f = task.first_facility; f < end; ++f) mine[f] = snaps[f];
    const double limit_s = reach_limit_s(job, service, job.modes.at(task.mode));
    reporter.stage(fmt::format("Catchments of {} {} facilities ({}, {} min)", end - task.first_facility, service, mode, limit_s / 60.0));
    r.reach = access::reach_origins(net, graph, mine, origin_snaps, limit_s, job.threads, reporter, job.facility_search);
    reporter.info(fmt::format("{} (facility, origin) pairs within {} min", r.reach.origin.size(), limit_s / 60.0));
    if (polygons) {
        reporter.stage(fmt::format("Service-area polygons for {} ({})", service, mode));
        copt.coverage = false;
        auto polys = access::catchment_polygons(net, graph, mine, copt, reporter);
        r.polygons.assign(std::make_move_iterator(polys.facility.begin() + task.first_facility),
                          std::make_move_iterator(polys.facility.begin() + end));
    }
    return r;
}

Column assemble(const Job& job, const Prepared& prepared, const TaskSpec& nt, TaskResult&& nearest,
                std::vector<std::pair<TaskSpec, TaskResult>>&& reach_parts) {
    const auto& sc = prepared.scenarios.at(nt.scenario);
    const auto& origins = prepared.origins;
    const auto& areas = prepared.areas;
    Column col;
    col.service = job.services.at(nt.service).name;
    col.mode = job.modes.at(nt.mode);
    col.facility_snaps = sc.facility_snaps.at(nt.mode).at(nt.service);
    col.result = std::move(nearest.nearest);
    col.areas = access::aggregate_to_areas(areas.code.size(), origins.area, origins.population, col.result, job.thresholds_min);
    const std::size_t nf = col.facility_snaps.size();
    const bool polygons = job.catchments.applies_to(col.service, col.mode) && job.catchments.polygons;
    if (reach_limit_s(job, col.service, col.mode) > 0) {
        std::sort(reach_parts.begin(), reach_parts.end(),
                  [](const auto& a, const auto& b) { return a.first.first_facility < b.first.first_facility; });
        auto& reach = col.reach;
        reach.first.assign(1, 0);
        if (polygons) col.polygons.facility.resize(nf);
        std::uint32_t next = 0;
        for (auto& [spec, part] : reach_parts) {
            if (spec.first_facility != next || part.reach.facility_count() != nf)
                throw InternalError(fmt::format("the reach tasks of {} ({}) do not cover facilities {} onwards", col.service,
                                                mode_name(col.mode), next));
            for (std::uint32_t f = spec.first_facility; f < spec.end_facility; ++f) {
                for (std::uint64_t i = part.reach.first[f]; i < part.reach.first[f + 1]; ++i) {
                    reach.origin.push_back(part.reach.origin[i]);
                    reach.time_s.push_back(part.reach.time_s[i]);
                }
                reach.first.push_back(reach.origin.size());
                if (polygons) col.polygons.facility[f] = std::move(part.polygons.at(f - spec.first_facility));
            }
            reach.nodes_settled += part.reach.nodes_settled;
            reach.seconds += part.reach.seconds;
            next = spec.end_facility;
        }
        if (next != nf)
            throw InternalError(fmt::format("the reach tasks of {} ({}) stop at facility {} of {}", col.service, mode_name(col.mode), next, nf));
    }
    col.polygons.coverage = std::move(nearest.coverage);
    if (job.e2sfca.enabled) {
        const auto& supply = sc.facilities.at(nt.service).supply;
        col.e2sfca = access::e2sfca(col.reach, supply, origins.population, origins.location.size(), job.e2sfca.decay);
        std::vector<double> sum(areas.code.size(), 0), pop(areas.code.size(), 0);
        for (std::size_t o = 0; o < origins.location.size(); ++o) {
            sum[origins.area[o]] += origins.population[o] * col.e2sfca.accessibility[o];
            pop[origins.area[o]] += origins.population[o];
        }
        for (std::size_t a = 0; a < areas.code.size(); ++a) col.area_e2sfca.push_back(pop[a] > 0 ? 1000.0 * sum[a] / pop[a] : std::nan(""));
    }
    return col;
}

namespace {

// lsoa_access, origins_nearest and facilities of one scenario (prefixed by its name).
void write_service_layers(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si, const std::vector<Column>& columns) {
    const auto& sc = prepared.scenarios[si];
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const auto& facilities = sc.facilities;
    const std::string prefix = sc.name.empty() ? std::string() : sc.name + "_";
    const std::string sc_what = sc.name.empty() ? std::string() : "Scenario '" + sc.title + "': ";
    if (!job.services.empty()) {
        std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text},
                                         {"population", io::FieldType::real}, {"served", io::FieldType::integer}};
        std::vector<std::vector<AccessField>> schema;
        for (const auto& c : columns) {
            schema.push_back(access_fields(job, c.service, c.mode));
            for (const auto& f : schema.back()) fields.push_back({f.name, io::FieldType::real});
        }
        auto& layer = out.create_layer(prefix + "lsoa_access", io::GeometryKind::polygon, fields,
                                       "Travel time and distance to the nearest service per area, population-weighted");
        describe(layer, job, sc_what + "Access to services per area (LSOA): nearest-facility time and distance, % within thresholds, "
                             "facilities within thresholds, E2SFCA",
                 "minutes (time_min), km (dist_km), % of population (pct_T), facilities (count_T), people (unreached_pop), "
                 "supply per 1,000 people (e2sfca_per_1000)",
                 "Multi-source Dijkstra on the OSM/OGR network per mode; origins weighted by population; see docs/methods");
        bool first_style = true;
        for (const auto& c : columns) {
            const std::string p = c.service + "_" + std::string(network::to_string(c.mode)) + "_";
            const std::string nice = c.service + " by " + std::string(network::to_string(c.mode));
            const auto t = styles::time_minutes(p + "time_min", "Time to the nearest " + nice + " (minutes)");
            out.add_style(prefix + "lsoa_access", t.name, t.qml, t.sld, first_style, t.title);
            first_style = false;
            const std::string pct = p + "pct_" + threshold_label(job.thresholds_min.front());
            const auto pc = styles::percent_better_high(pct, fmt::format("% of people within {} min of a {}", threshold_label(job.thresholds_min.front()), nice));
            out.add_style(prefix + "lsoa_access", pc.name, pc.qml, pc.sld, false, pc.title);
            if (job.e2sfca.enabled) {
                const auto e = styles::quantiles_better_high(p + "e2sfca_per_1000", nice + " E2SFCA (supply per 1,000 people)", c.area_e2sfca);
                out.add_style(prefix + "lsoa_access", e.name, e.qml, e.sld, false, e.title);
            }
        }
        std::vector<std::vector<io::Value>> rows;
        for (std::size_t a = 0; a < areas.code.size(); ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a], static_cast<std::int64_t>(origins.area_served[a])};
            for (std::size_t ci = 0; ci < columns.size(); ++ci)
                for (const auto& f : schema[ci]) v.emplace_back(f.value(columns[ci].areas[a], columns[ci].area_e2sfca.empty() ? 0.0 : columns[ci].area_e2sfca[a]));
            layer.add(v, &areas.layer.wkb[a]);
            rows.push_back(std::move(v));
        }
        if (job.write_csv) io::write_csv(fs::path(job.output).replace_extension("." + prefix + "lsoa_access.csv").string(), fields, rows);
    }
    if (!job.services.empty()) {
        std::vector<io::FieldDef> fields{{"origin_id", io::FieldType::integer}, {"lsoa_code", io::FieldType::text},
                                         {"kind", io::FieldType::text}, {"population", io::FieldType::real}};
        add_snap_fields(fields, job.modes);
        for (const auto& c : columns) {
            const std::string p = c.service + "_" + std::string(network::to_string(c.mode)) + "_";
            fields.push_back({p + "facility", io::FieldType::text});
            fields.push_back({p + "time_min", io::FieldType::real});
            fields.push_back({p + "dist_km", io::FieldType::real});
        }
        auto& layer = out.create_layer(prefix + "origins_nearest", io::GeometryKind::point, fields,
                                       "Origins (population points) with the nearest facility per service and mode");
        describe(layer, job, sc_what + "Population points (origins) with their nearest facility per service and mode",
                 "people (population), minutes (time_min), km (dist_km), metres (snap_*)", "see docs/methods/nearest-service.md");
        const auto st = styles::points("origins", "#525252");
        out.add_style(prefix + "origins_nearest", st.name, st.qml, st.sld, true, "Population points");
        for (std::size_t o = 0; o < origins.location.size(); ++o) {
            std::vector<io::Value> v{static_cast<std::int64_t>(o), areas.code[origins.area[o]], origins.kind[o], origins.population[o]};
            for (std::size_t mi = 0; mi < job.modes.size(); ++mi) add_snap_values(v, (*sc.origin_snaps[mi])[o]);
            for (std::size_t ci = 0; ci < columns.size(); ++ci) {
                const auto& c = columns[ci];
                const std::size_t service = ci % job.services.size();
                const std::uint32_t f = c.result.facility[o];
                v.emplace_back(f == invalid_id ? io::Value() : io::Value(facilities[service].id[f]));
                v.emplace_back(c.result.time_s[o] / 60.0);
                v.emplace_back(c.result.length_m[o] / 1000.0);
            }
            layer.add_point(v, origins.location[o]);
        }
    }
    if (!job.services.empty()) {
        std::vector<io::FieldDef> fields{{"service", io::FieldType::text}, {"facility_id", io::FieldType::text},
                                         {"name", io::FieldType::text}, {"snapped", io::FieldType::integer}};
        add_snap_fields(fields, job.modes);
        auto& layer = out.create_layer(prefix + "facilities", io::GeometryKind::point, fields,
                                       "Input facilities as used: snapped = 1 when on the network for every mode");
        describe(layer, job, sc_what + "Facilities as used, with their snap distance per mode; snapped = 0: off the network, excluded",
                 "metres (snap_*)", "nearest usable edge within analysis.max_snap_m (Boost.Geometry R-tree)");
        const auto st = styles::facilities();
        out.add_style(prefix + "facilities", st.name, st.qml, st.sld, true, st.title);
        for (std::size_t s = 0; s < job.services.size(); ++s)
            for (std::size_t f = 0; f < facilities[s].location.size(); ++f) {
                std::vector<io::Value> v{job.services[s].name, facilities[s].id[f], facilities[s].name[f], std::int64_t{0}};
                bool all = true;
                for (std::size_t mi = 0; mi < job.modes.size(); ++mi) {
                    const auto& snap = columns[mi * job.services.size() + s].facility_snaps[f];
                    all = all && snap.ok();
                    add_snap_values(v, snap);
                }
                v[3] = static_cast<std::int64_t>(all ? 1 : 0);
                layer.add_point(v, facilities[s].location[f]);
            }
    }
}

// <scenario>_lsoa_delta: the scenario minus the baseline per area, and the people who cross
// each threshold; one row per (service, mode) in scenario_summary.
struct ScenarioTotals {
    std::string service, mode;
    double mean_base = 0, mean_scenario = 0;
    std::vector<double> newly_beyond, newly_within;
    std::int64_t areas_slower = 0, areas_faster = 0;
};

std::vector<ScenarioTotals> write_delta_layer(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si,
                                              const std::vector<Column>& base, const std::vector<Column>& scen) {
    const auto& sc = prepared.scenarios[si];
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const std::string layer_name = sc.name + "_lsoa_delta";
    std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text}, {"population", io::FieldType::real}};
    for (const auto& c : base) {
        const std::string p = c.service + "_" + mode_name(c.mode) + "_";
        fields.push_back({p + "time_min_delta", io::FieldType::real});
        fields.push_back({p + "unreached_pop_delta", io::FieldType::real});
        for (double t : job.thresholds_min) fields.push_back({p + "newly_beyond_" + threshold_label(t), io::FieldType::real});
        for (double t : job.thresholds_min) fields.push_back({p + "newly_within_" + threshold_label(t), io::FieldType::real});
        if (job.e2sfca.enabled) fields.push_back({p + "e2sfca_per_1000_delta", io::FieldType::real});
    }
    auto& layer = out.create_layer(layer_name, io::GeometryKind::polygon, fields,
                                   "Scenario '" + sc.title + "' minus the baseline, per area");
    describe(layer, job, "Scenario '" + sc.title + "' against the baseline: change in time to the nearest service, people newly beyond "
                             "or within each threshold",
             "minutes (time_min_delta, + = slower), people (newly_beyond_T, newly_within_T, unreached_pop_delta), supply per 1,000 "
             "people (e2sfca_per_1000_delta)",
             "the same origins routed on the baseline and on the scenario; see docs/scenarios.md");
    layer.set_metadata("accessatlas_scenario", sc.name);
    bool first_style = true;
    for (const auto& c : base) {
        const std::string p = c.service + "_" + mode_name(c.mode) + "_";
        const auto st = styles::difference_minutes(p + "time_min_delta", "Change in time to the nearest " + c.service + " by " +
                                                                              mode_name(c.mode) + " (minutes, + = slower)");
        out.add_style(layer_name, st.name, st.qml, st.sld, first_style, st.title);
        first_style = false;
    }
    const std::size_t n = areas.code.size(), k_count = job.thresholds_min.size();
    std::vector<ScenarioTotals> totals;
    std::vector<std::vector<double>> beyond(base.size(), std::vector<double>(n * k_count, 0)), within = beyond;
    for (std::size_t ci = 0; ci < base.size(); ++ci) {
        const auto& b = base[ci].result;
        const auto& s = scen[ci].result;
        ScenarioTotals t{base[ci].service, mode_name(base[ci].mode), 0, 0, std::vector<double>(k_count, 0), std::vector<double>(k_count, 0), 0, 0};
        double wb = 0, pb = 0, ws = 0, ps = 0;
        for (std::size_t o = 0; o < origins.location.size(); ++o) {
            const double pop = origins.population[o];
            if (std::isfinite(b.time_s[o])) wb += pop * b.time_s[o] / 60.0, pb += pop;
            if (std::isfinite(s.time_s[o])) ws += pop * s.time_s[o] / 60.0, ps += pop;
            for (std::size_t k = 0; k < k_count; ++k) {
                const double limit = job.thresholds_min[k] * 60.0;
                const bool in_b = b.time_s[o] <= limit, in_s = s.time_s[o] <= limit;
                if (in_b && !in_s) beyond[ci][origins.area[o] * k_count + k] += pop, t.newly_beyond[k] += pop;
                if (!in_b && in_s) within[ci][origins.area[o] * k_count + k] += pop, t.newly_within[k] += pop;
            }
        }
        t.mean_base = pb > 0 ? wb / pb : std::nan("");
        t.mean_scenario = ps > 0 ? ws / ps : std::nan("");
        for (std::size_t a = 0; a < n; ++a) {
            const double d = scen[ci].areas[a].mean_time_min - base[ci].areas[a].mean_time_min;
            t.areas_slower += d > 0;
            t.areas_faster += d < 0;
        }
        totals.push_back(std::move(t));
    }
    for (std::size_t a = 0; a < n; ++a) {
        std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a]};
        for (std::size_t ci = 0; ci < base.size(); ++ci) {
            const auto& ab = base[ci].areas[a];
            const auto& as = scen[ci].areas[a];
            v.emplace_back(as.mean_time_min - ab.mean_time_min);
            v.emplace_back(as.unreached_population - ab.unreached_population);
            for (std::size_t k = 0; k < k_count; ++k) v.emplace_back(beyond[ci][a * k_count + k]);
            for (std::size_t k = 0; k < k_count; ++k) v.emplace_back(within[ci][a * k_count + k]);
            if (job.e2sfca.enabled) v.emplace_back(scen[ci].area_e2sfca[a] - base[ci].area_e2sfca[a]);
        }
        layer.add(v, &areas.layer.wkb[a]);
    }
    return totals;
}

void write_scenario_summary(io::GpkgWriter& out, const Job& job, const Prepared& prepared,
                            const std::vector<std::vector<ScenarioTotals>>& totals) {
    std::vector<io::FieldDef> fields{{"scenario", io::FieldType::text},          {"title", io::FieldType::text},
                                     {"service", io::FieldType::text},           {"mode", io::FieldType::text},
                                     {"facilities_baseline", io::FieldType::integer}, {"facilities_scenario", io::FieldType::integer},
                                     {"closed_edges", io::FieldType::integer},   {"mean_time_min_baseline", io::FieldType::real},
                                     {"mean_time_min_scenario", io::FieldType::real}};
    for (double t : job.thresholds_min) fields.push_back({"people_newly_beyond_" + threshold_label(t), io::FieldType::real});
    for (double t : job.thresholds_min) fields.push_back({"people_newly_within_" + threshold_label(t), io::FieldType::real});
    fields.push_back({"areas_slower", io::FieldType::integer});
    fields.push_back({"areas_faster", io::FieldType::integer});
    auto& layer = out.create_layer("scenario_summary", io::GeometryKind::none, fields,
                                   "Each scenario against the baseline, per service and mode: mean time and people crossing each threshold");
    describe(layer, job, "What-if scenarios against the baseline", "minutes (population-weighted over reached people), people, areas",
             "see docs/scenarios.md");
    for (std::size_t si = 1; si < prepared.scenarios.size(); ++si) {
        const auto& sc = prepared.scenarios[si];
        for (const auto& t : totals[si]) {
            const std::size_t s = service_index(job, t.service);
            std::vector<io::Value> v{sc.name, sc.title, t.service, t.mode,
                                     static_cast<std::int64_t>(prepared.scenarios[0].facilities[s].id.size()),
                                     static_cast<std::int64_t>(sc.facilities[s].id.size()), static_cast<std::int64_t>(sc.closed_edges.size()),
                                     t.mean_base, t.mean_scenario};
            for (double x : t.newly_beyond) v.emplace_back(x);
            for (double x : t.newly_within) v.emplace_back(x);
            v.emplace_back(t.areas_slower);
            v.emplace_back(t.areas_faster);
            layer.add(v, nullptr);
        }
    }
}

} // namespace

void finish(const Job& job, Prepared& prepared, std::vector<std::vector<Column>>& all_columns, CollectingReporter& collect, RunSummary& summary) {
    Stopwatch clock;
    const auto& net = prepared.net;
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const auto& facilities = prepared.scenarios[0].facilities;
    const auto& columns = all_columns[0];
    for (const auto& cols : all_columns)
        for (const auto& c : cols) summary.nodes_settled += c.result.nodes_settled + c.reach.nodes_settled;

    GreenspaceResult green;
    if (job.greenspace.enabled) green = run_greenspace(job, net, areas, origins, collect);
    summary.seconds["route"] += clock.lap();

    // Area fields for the composite index and clustering, then the area-level stages.
    detail::FieldStore store;
    for (const auto& c : columns)
        for (const auto& f : access_fields(job, c.service, c.mode)) {
            std::vector<double> values;
            for (std::size_t a = 0; a < c.areas.size(); ++a) values.push_back(f.value(c.areas[a], c.area_e2sfca.empty() ? 0.0 : c.area_e2sfca[a]));
            store.put(f.name, std::move(values));
        }
    if (job.greenspace.enabled) {
        store.put("greenspace_score", green.score);
        store.put("pop_beyond_10min", green.beyond_10min);
        store.put("mean_dist_m", green.mean_distance);
        store.put("ha_per_1000", green.ha_per_1000);
        for (std::size_t t = 0; t < job.greenspace.tiers.size(); ++t) store.put("pct_" + job.greenspace.tiers[t].name, green.pct[t]);
    }
    const detail::AreaSet area_set{areas.code, areas.name, areas.population, areas.layer.wkb};
    const auto area_indices = detail::compute_area_indices(job, area_set, store, collect);
    const auto inequality = job.inequality.enabled ? detail::compute_inequality(job, area_set, store, collect) : detail::InequalityOutcome{};
    summary.seconds["indices"] += clock.lap();

    collect.stage("Writing " + job.output);
    io::GpkgWriter out(job.output);
    if (!job.services.empty()) write_service_layers(out, job, prepared, 0, columns);
    if (job.greenspace.enabled) write_greenspace_layers(out, job, areas, green);
    write_area_indices(out, job, area_set, area_indices, store);
    if (job.inequality.enabled) write_inequality(out, job, area_set, inequality);
    for (std::size_t si = 0; si < prepared.scenarios.size(); ++si) {
        const auto& sc = prepared.scenarios[si];
        if (si > 0) write_service_layers(out, job, prepared, si, all_columns[si]);
        for (const auto& c : all_columns[si])
            write_catchment_layers(out, job, sc.name.empty() ? std::string() : sc.name + "_", c.service, c.mode,
                                   sc.facilities[service_index(job, c.service)], c.facility_snaps, c.reach, c.polygons, c.e2sfca,
                                   c.result, origins.population);
        collect.check_cancelled();
    }
    if (prepared.scenarios.size() > 1) {
        std::vector<std::vector<ScenarioTotals>> totals(prepared.scenarios.size());
        for (std::size_t si = 1; si < prepared.scenarios.size(); ++si)
            totals[si] = write_delta_layer(out, job, prepared, si, columns, all_columns[si]);
        write_scenario_summary(out, job, prepared, totals);
    }
    collect.check_cancelled();  // Ctrl-C while writing: drop the temporary file, keep the old output
    out.commit();
    summary.warnings = collect.warnings();

    if (!job.report.empty()) {
        report::Report rep;
        rep.title = job.title.empty() ? std::string("Access to health services") : job.title;
        rep.summary = {{"Output", job.output}, {"Job", job.job_file.empty() ? std::string("(parameters)") : job.job_file}};
        if (!job.network.path.empty())
            rep.summary.push_back({"Network", fmt::format("{} ({} nodes, {} edges)", job.network.path, net.node_count(), net.edge_count())});
        rep.summary.push_back({"Areas", fmt::format("{} ({} areas)", job.areas.path, areas.code.size())});
        rep.summary.push_back({"Population", job.population.path.empty() ? std::string("(areas layer)") : job.population.path});
        if (job.needs_origins()) rep.summary.push_back({"Origins", fmt::format("{} points", origins.location.size())});
        std::string modes, thresholds;
        for (auto m : job.modes) modes += (modes.empty() ? "" : ", ") + std::string(network::to_string(m));
        for (double t : job.thresholds_min) thresholds += (thresholds.empty() ? "" : ", ") + threshold_label(t);
        if (!job.services.empty()) {
            rep.summary.push_back({"Modes", modes});
            rep.summary.push_back({"Thresholds (min)", thresholds});
            rep.summary.push_back({"Maximum snap distance", fmt::format("{} m", job.max_snap_m)});
        }
        for (std::size_t s = 0; s < job.services.size(); ++s)
            rep.summary.push_back({"Service " + job.services[s].name,
                                   fmt::format("{} ({} facilities)", job.services[s].facilities.path, facilities[s].location.size())});
        rep.warnings = summary.warnings;
        rep.area_code = areas.code;
        rep.area_name = areas.name;
        rep.population = areas.population;
        rep.area_wkb = areas.layer.wkb;
        for (const auto& c : columns) {
            const std::string p = c.service + "_" + std::string(network::to_string(c.mode)) + "_";
            report::Indicator ind{p + "time_min", "Time to the nearest " + c.service + " by " + std::string(network::to_string(c.mode)) + " (minutes)",
                                  {}, styles::time_classes(), true};
            for (const auto& a : c.areas) ind.values.push_back(a.mean_time_min);
            rep.indicators.push_back(std::move(ind));
            if (job.e2sfca.enabled) {
                report::Indicator e{p + "e2sfca_per_1000", c.service + " by " + std::string(network::to_string(c.mode)) +
                                                               ": E2SFCA supply per 1,000 people",
                                    c.area_e2sfca, styles::quantile_classes(c.area_e2sfca, "per 1,000"), false};
                rep.indicators.push_back(std::move(e));
            }
        }
        if (job.greenspace.enabled) {
            report::Indicator g{"greenspace_score", "Green-space access score (0-100, higher = better access)", green.score,
                                styles::percent_classes(), false};
            rep.indicators.push_back(std::move(g));
            if (rep.indicators.size() == 1) rep.ranking_indicator = 0;
            rep.sources.push_back("Green space: " + job.greenspace.sites.path +
                                  " (OpenStreetMap: ODbL 1.0, © OpenStreetMap contributors; OS Open Greenspace: OGL v3.0, contains OS data "
                                  "© Crown copyright and database right)");
        }
        for (const auto& ix : area_indices.indices) {
            const auto& def = ix.spec->def;
            if (def.normalisation != indices::Normalisation::minmax) continue;
            rep.indicators.push_back({def.name + "_score", def.title + " (0-10, higher = higher risk)", ix.result.score,
                                      styles::score_classes(), true});
            if (rep.indicators.size() == 1) rep.ranking_indicator = 0;
        }
        if (job.composite.enabled) {
            // The "most excluded" list follows the composite index when there is one.
            rep.indicators.push_back({"composite_score", "Composite index of access and exclusion (higher = higher need)",
                                      area_indices.composite.result.score,
                                      styles::quantile_classes(area_indices.composite.result.score, ""), true});
            rep.ranking_indicator = rep.indicators.size() - 1;
        }
        if (!area_indices.inputs.empty()) {
            std::string tables;
            for (const auto& i : area_indices.inputs) tables += (tables.empty() ? "" : ", ") + i;
            rep.sources.push_back("Index tables: " + tables + " (ONS, MHCLG: Open Government Licence v3.0; mySociety composite IMD: CC BY 4.0)");
            rep.sources.push_back("Methods: docs/indices.md (GMCA DERI v1.6 method notes, OGL v3.0)");
        }
        if (!job.network.path.empty())
            rep.sources.push_back("Road network: " + job.network.path +
                           " (OpenStreetMap data: ODbL 1.0, © OpenStreetMap contributors; OS Open Roads: OGL v3.0, contains OS data © "
                           "Crown copyright and database right)");
        rep.sources.push_back("Areas and population: " + job.areas.path + (job.population.path.empty() ? "" : ", " + job.population.path) +
                           " (ONS: Open Government Licence v3.0; contains National Statistics data © Crown copyright and database right)");
        for (const auto& sv : job.services)
            rep.sources.push_back("Facilities (" + sv.name + "): " + sv.facilities.path + " (NHS data: Open Government Licence)");
        rep.sources.push_back("Methods: docs/methods/nearest-service.md and docs/methods/catchments-e2sfca.md in the Access Atlas sources");
        rep.deprivation_name = job.inequality.deprivation_name;
        rep.gradients = detail::inequality_gradients(inequality);
        report::write_html(rep, job.report);
    }
    summary.seconds["write"] += clock.lap();
}

} // namespace detail

RunSummary run_job(const Job& job, Reporter& reporter) {
    detail::check_output(job);
    detail::check_area_field_names(job);
    io::initialise_gdal();
    RunSummary summary;
    summary.output = job.output;
    CollectingReporter collect(&reporter);
    std::vector<std::vector<detail::Column>> columns(1 + job.scenarios.size());
    // One process: route each (scenario, mode) while prepare holds its graph, all facilities
    // in one reach task; the distributed run splits the same tasks (scaleout.cpp).
    auto route = [&](const detail::Prepared& p, std::size_t si, std::size_t mi, const network::ModeGraph& graph) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto& sc = p.scenarios[si];
        const auto scenario = static_cast<std::uint32_t>(si), mode = static_cast<std::uint32_t>(mi);
        for (std::uint32_t s = 0; s < job.services.size(); ++s) {
            const auto n = static_cast<std::uint32_t>(sc.facilities[s].id.size());
            const detail::TaskSpec nt{detail::TaskKind::nearest, scenario, s, mode, 0, n};
            auto nearest = detail::run_task(job, p.net, graph, sc.facility_snaps[mi], *sc.origin_snaps[mi], nt, collect, sc.transit.get());
            std::vector<std::pair<detail::TaskSpec, detail::TaskResult>> parts;
            if (detail::reach_limit_s(job, job.services[s].name, job.modes[mi]) > 0) {
                const detail::TaskSpec rt{detail::TaskKind::reach, scenario, s, mode, 0, n};
                parts.emplace_back(rt, detail::run_task(job, p.net, graph, sc.facility_snaps[mi], *sc.origin_snaps[mi], rt, collect, sc.transit.get()));
            }
            columns[si].push_back(detail::assemble(job, p, nt, std::move(nearest), std::move(parts)));
        }
        summary.seconds["route"] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto prepared = detail::prepare(job, collect, summary, route);
    detail::finish(job, prepared, columns, collect, summary);
    return summary;
}

} // namespace accessatlas::job

namespace accessatlas::job {

std::vector<styles::StyleFile> reference_styles(const Job& job) {
    std::vector<std::string> services, modes;
    for (const auto& s : job.services) services.push_back(s.name);
    for (auto m : job.modes) modes.emplace_back(network::to_string(m));
    auto files = styles::reference_set(services, modes, {job.thresholds_min.front()}, job.catchments.thresholds_min);
    for (const auto& s : detail::index_layer_styles(job)) files.push_back({s.layer + "." + s.style.name, s.style});
    return files;
}

} // namespace accessatlas::job
