// The finish stage: green space, the area stages (indices, composite, clusters, inequality) and
// writing the GeoPackage (every layer family, every scenario) and the report.
#include "job/stages.hpp"
#include "job/layer_schema.hpp"

#include <accessatlas/io/project.hpp>

#include <filesystem>
#include "job/access_schema.hpp"

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

// One row per item a warning named, to join to the map by code or feature id.
void write_run_warnings(io::GpkgWriter& out, const Job& job, const std::vector<WarningItem>& items) {
    auto& layer = run_warnings_schema().create(out);
    describe(layer, job,
             "Every item the run's warnings name (a facility excluded, an area not served, a polygon repaired, a stop or trip "
             "left out ...): join by code (areas) or feature_id (facilities, features, stops, trips)",
             "text", "one row per item; the run's log sums them up");
    for (const auto& i : items) layer.add({i.kind, i.file, i.layer, i.feature, i.code, i.field, i.action}, nullptr);
}

}  // namespace

void finish(const Job& job, Prepared& prepared, std::vector<std::vector<Column>>& all_columns, CollectingReporter& collect,
            RunSummary& summary) {
    Stopwatch clock;
    const auto& net = prepared.net;
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const auto& columns = all_columns[0];
    for (const auto& cols : all_columns)
        for (const auto& c : cols) summary.nodes_settled += c.result.nodes_settled + c.reach.nodes_settled;

    GreenspaceResult green;
    if (job.greenspace.enabled) green = run_greenspace(greenspace_settings(job), net, areas, origins, collect);
    summary.seconds["route"] += clock.lap();

    // Area fields for the composite index and clustering, then the area-level stages.
    detail::FieldStore store;
    for (const auto& c : columns)
        for (const auto& f : access_fields(job, c.service, c.mode)) {
            std::vector<double> values;
            for (std::size_t a = 0; a < c.areas.size(); ++a)
                values.push_back(f.value(c.areas[a], c.area_e2sfca.empty() ? 0.0 : c.area_e2sfca[a]));
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
    const auto inequality =
        job.inequality.enabled ? detail::compute_inequality(job, area_set, store, collect) : detail::InequalityOutcome{};
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
                                   sc.facilities[service_index(job, c.service)], c.facility_snaps, c.reach, c.polygons, c.e2sfca, c.result,
                                   origins.population);
        collect.check_cancelled();
    }
    if (prepared.scenarios.size() > 1) {
        std::vector<std::vector<ScenarioTotals>> totals(prepared.scenarios.size());
        for (std::size_t si = 1; si < prepared.scenarios.size(); ++si)
            totals[si] = write_delta_layer(out, job, prepared, si, columns, all_columns[si]);
        write_scenario_summary(out, job, prepared, totals);
    }
    if (!collect.items().empty()) write_run_warnings(out, job, collect.items());
    collect.check_cancelled();  // Ctrl-C while writing: drop the temporary file, keep the old output
    out.commit();
    summary.warnings = collect.warnings();

    if (!job.report.empty()) {
        auto rep = build_report(job, prepared, columns, green, area_indices, inequality, summary.warnings);
        for (const auto& i : collect.items()) rep.warning_items.push_back({i.kind, i.file, i.feature, i.code, i.action});
        report::write_html(rep, job.report);
    }
    if (!job.project.empty())
        io::write_qgis_project(job.project, job.output, job.title.empty() ? std::filesystem::path(job.output).stem().string() : job.title);
    summary.seconds["write"] += clock.lap();
}

}  // namespace accessatlas::job::detail
