// run_job: the whole pipeline in one process (prepare, route while each graph exists, finish),
// shared by the CLI and the QGIS plugin; the distributed run splits the same stages (scaleout.cpp).
#include "job/stages.hpp"

#include <accessatlas/job/job.hpp>
#include <accessatlas/io/styles.hpp>

#include <algorithm>
#include <chrono>

namespace accessatlas::job {

namespace detail {

std::size_t expected_stages(const Job& job) {
    std::size_t n = 1;  // areas and population
    if (!job.graph_file.empty()) ++n;
    if (!job.services.empty()) {
        if (job.origin_method == OriginMethod::street_points) ++n;
        const bool transit = std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end();
        if (transit) n += job.transit.feeds.size();
        for (std::size_t si = 0; si <= job.scenarios.size(); ++si)
            for (const auto mode : job.modes) {
                n += 2;  // the mode's graph, snapping the origins
                if (mode == network::Mode::transit) n += 3;  // stops and walking legs, to stops, between stops
                for (const auto& service : job.services) {
                    const bool polygons = job.catchments.applies_to(service.name, mode) && job.catchments.polygons;
                    n += 1 + (polygons ? 1 : 0);  // nearest, the area within reach
                    if (reach_limit_s(job, service.name, mode) > 0) n += 1 + (polygons ? 1 : 0);  // catchments, their polygons
                }
            }
    }
    if (job.greenspace.enabled) n += 3 + job.greenspace.tiers.size();
    n += job.indices.size();
    if (job.composite.enabled) ++n;
    if (job.clustering.enabled) ++n;
    if (job.inequality.enabled) ++n;
    return n + 1;  // writing
}

} // namespace detail

RunSummary run_job(const Job& job, Reporter& reporter) {
    detail::check_output(job);
    detail::check_area_field_names(job);
    io::initialise_gdal();
    // A guessed field is said as a warning: the user should see it and may want to check it.
    for (const auto& note : job.guessed_fields) reporter.warning(note);
    RunSummary summary;
    summary.output = job.output;
    // One progress bar for the whole run (QGIS's dialog, the terminal), from the stages.
    StagedProgress staged(reporter, detail::expected_stages(job));
    CollectingReporter collect(&staged);
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
    staged.finish();
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
