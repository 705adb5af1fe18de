// The access layer family: lsoa_access (fields from access_schema), origins_nearest, facilities,
// and per (service, mode) catchments, coverage, supply and members.
#include "job/stages.hpp"
#include "job/access_schema.hpp"
#include "job/layer_schema.hpp"

#include <accessatlas/geometry/polygons.hpp>
#include <accessatlas/access/nearest.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/report/report.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace accessatlas::job::detail {

using network::invalid_id;

namespace {

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

}  // namespace

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

static std::string band_label(double lower, double upper) { return threshold_label(lower) + "-" + threshold_label(upper); }

// <service>_<mode>_catchments, _coverage, _supply and _catchment_members.
void write_catchment_layers(io::GpkgWriter& out, const Job& job, const std::string& prefix, const std::string& service, network::Mode mode,
                            const Facilities& facilities, const std::vector<snapping::Snap>& snaps, const access::Reach& reach,
                            const access::CatchmentPolygons& polygons, const access::E2sfca& e2, const access::NearestResult& nearest,
                            const std::vector<double>& population) {
    const auto& thresholds = job.catchments.thresholds_min;
    const bool catchments = job.catchments.applies_to(service, mode);
    if (job.catchments.polygons_for(service, mode)) {
        auto& layer = catchments_schema(prefix, service, mode).create(out);
        describe(layer, job, "Service areas per facility and threshold, and nested bands", "minutes, people, hectares",
                 "reachable network (partly reached edges cut by interpolation) buffered by catchments.walk_off_m and dissolved");
        std::vector<std::string> band_names;
        for (std::size_t k = 0; k < thresholds.size(); ++k) band_names.push_back(band_label(k == 0 ? 0 : thresholds[k - 1], thresholds[k]));
        for (double t : thresholds) band_names.push_back(band_label(0, t));
        const auto st = styles::catchment_bands(band_names);
        out.add_style(layer.name(), st.name, st.qml, st.sld, true, st.title);
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
                           within[k], geometry::polygon_area_m2(poly) / 1e4},
                          &poly);
                const auto ring = k == 0 ? poly : geometry::polygon_difference(poly, polygons.facility[f][k - 1]);
                if (ring.empty()) continue;
                layer.add({facilities.id[f], facilities.name[f], thresholds[k], std::string("band"),
                           band_label(k == 0 ? 0 : thresholds[k - 1], thresholds[k]), within[k] - (k == 0 ? 0 : within[k - 1]),
                           geometry::polygon_area_m2(ring) / 1e4},
                          &ring);
            }
        }
        auto& cover = coverage_schema(prefix, service, mode).create(out);
        describe(cover, job, "Area within each threshold of any facility", "minutes, people, hectares", "one multi-source search");
        const auto cs = styles::coverage();
        out.add_style(cover.name(), cs.name, cs.qml, cs.sld, true, cs.title);
        double total = 0;
        for (double v : population) total += v;
        for (std::size_t k = 0; k < thresholds.size(); ++k) {
            double covered = 0;
            for (std::size_t o = 0; o < population.size(); ++o)
                if (nearest.time_s[o] <= thresholds[k] * 60.0) covered += population[o];
            const auto& poly = polygons.coverage[k];
            if (poly.empty()) continue;
            cover.add({thresholds[k], covered, total, geometry::polygon_area_m2(poly) / 1e4}, &poly);
        }
    }
    if (catchments && job.catchments.members) {
        auto& members = catchment_members_schema(prefix, service, mode).create(out);
        for (std::size_t f = 0; f < facilities.id.size(); ++f)
            for (std::uint64_t i = reach.first[f]; i < reach.first[f + 1]; ++i)
                if (reach.time_s[i] <= thresholds.back() * 60.0)
                    members.add(
                        {facilities.id[f], static_cast<std::int64_t>(reach.origin[i]), reach.time_s[i] / 60.0, population[reach.origin[i]]},
                        nullptr);
    }
    if (job.e2sfca.enabled) {
        auto& supply = supply_schema(prefix, service, mode).create(out);
        describe(supply, job, "E2SFCA step 1 per facility", "supply units, people, supply per 1,000 people",
                 "Luo & Qi (2009) E2SFCA; see docs/methods/catchments-e2sfca.md");
        const auto ss = styles::points("supply", "#08519c");
        out.add_style(supply.name(), ss.name, ss.qml, ss.sld, true, "E2SFCA supply of " + column_title(service, mode));
        for (std::size_t f = 0; f < facilities.id.size(); ++f) {
            if (!snaps[f].ok()) continue;
            supply.add_point(
                {facilities.id[f], facilities.name[f], facilities.supply[f], e2.demand[f], 1000.0 * e2.ratio[f], e2.population_within[f]},
                facilities.location[f]);
        }
    }
}

// lsoa_access, origins_nearest and facilities of one scenario (prefixed by its name).
void write_service_layers(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si,
                          const std::vector<Column>& columns) {
    const auto& sc = prepared.scenarios[si];
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const auto& facilities = sc.facilities;
    const std::string prefix = sc.name.empty() ? std::string() : sc.name + "_";
    const std::string sc_what = sc.name.empty() ? std::string() : "Scenario '" + sc.title + "': ";
    if (!job.services.empty()) {
        const auto access_schema = lsoa_access_schema(job, prefix);
        const auto fields = access_schema.field_defs();
        std::vector<std::vector<AccessField>> schema;
        for (const auto& c : columns) schema.push_back(access_fields(job, c.service, c.mode));
        auto& layer = access_schema.create(out);
        describe(layer, job,
                 sc_what + "Access to services per area (LSOA): nearest-facility time and distance, % within thresholds, "
                           "facilities within thresholds, E2SFCA",
                 "minutes (time_min), km (dist_km), % of population (pct_T), facilities (count_T), people (unreached_pop), "
                 "supply per 1,000 people (e2sfca_per_1000)",
                 "Multi-source Dijkstra on the OSM/OGR network per mode; origins weighted by population; see docs/methods");
        // The map that opens: public transport when the job has it (the mode the people most at
        // risk depend on), else the first column.
        std::size_t headline = 0;
        for (std::size_t ci = columns.size(); ci-- > 0;)
            if (columns[ci].mode == network::Mode::transit) headline = ci;
        for (std::size_t ci = 0; ci < columns.size(); ++ci) {
            const auto& c = columns[ci];
            const std::string p = column_prefix(c.service, c.mode);
            const std::string nice = column_title(c.service, c.mode);
            const auto t = styles::time_minutes(p + "time_min", "Time to the nearest " + nice + " (minutes)");
            out.add_style(layer.name(), t.name, t.qml, t.sld, ci == headline, t.title);
            const std::string pct = p + "pct_" + threshold_label(job.thresholds_min.front());
            const auto pc = styles::percent_better_high(
                pct, fmt::format("% of people within {} min of a {}", threshold_label(job.thresholds_min.front()), nice));
            out.add_style(layer.name(), pc.name, pc.qml, pc.sld, false, pc.title);
            if (job.e2sfca.enabled) {
                const auto e =
                    styles::quantiles_better_high(p + "e2sfca_per_1000", nice + " E2SFCA (supply per 1,000 people)", c.area_e2sfca);
                out.add_style(layer.name(), e.name, e.qml, e.sld, false, e.title);
            }
        }
        std::vector<std::vector<io::Value>> rows;
        for (std::size_t a = 0; a < areas.code.size(); ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a], static_cast<std::int64_t>(origins.area_served[a])};
            for (std::size_t ci = 0; ci < columns.size(); ++ci)
                for (const auto& f : schema[ci])
                    v.emplace_back(f.value(columns[ci].areas[a], columns[ci].area_e2sfca.empty() ? 0.0 : columns[ci].area_e2sfca[a]));
            layer.add(v, &areas.layer.wkb[a]);
            rows.push_back(std::move(v));
        }
        if (job.write_csv) io::write_csv(fs::path(job.output).replace_extension("." + prefix + "lsoa_access.csv").string(), fields, rows);
    }
    if (!job.services.empty()) {
        auto& layer = origins_nearest_schema(job, prefix).create(out);
        describe(layer, job, sc_what + "Population points (origins) with their nearest facility per service and mode",
                 "people (population), minutes (time_min), km (dist_km), metres (snap_*)", "see docs/methods/nearest-service.md");
        const auto st = styles::points("origins", "#525252");
        out.add_style(layer.name(), st.name, st.qml, st.sld, true, "Population points");
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
        auto& layer = facilities_schema(job, prefix).create(out);
        describe(layer, job, sc_what + "Facilities as used, with their snap distance per mode; snapped = 0: off the network, excluded",
                 "metres (snap_*)", "nearest usable edge within analysis.max_snap_m (Boost.Geometry R-tree)");
        std::vector<std::string> service_names;
        for (const auto& sv : job.services) service_names.push_back(sv.name);
        const auto st = styles::facilities(service_names);
        out.add_style(layer.name(), st.name, st.qml, st.sld, true, st.title);
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

}  // namespace accessatlas::job::detail
