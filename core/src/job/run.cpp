// run_job: the whole pipeline in one process (prepare, route while each graph exists, finish),
// shared by the CLI and the QGIS plugin; the distributed run splits the same stages (scaleout.cpp).
#include "job/stage_costs.hpp"
#include "job/stages.hpp"

#include <accessatlas/job/job.hpp>
#include <accessatlas/styles/styles.hpp>

#include <algorithm>
#include <chrono>

namespace accessatlas::job {

namespace detail {

double expected_stage_weight(const Job& job) {
    namespace cost = stage_cost;
    const RouteSettings route = route_settings(job);
    double n = 1;  // areas and population
    if (!job.graph_file.empty())
        n += cost::step;
    else if (!job.network.path.empty())
        n += 2 * cost::step;  // reading the network, cutting it into edges
    if (!job.services.empty()) {
        if (job.origin_method == OriginMethod::street_points) n += cost::step;
        const bool transit = std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end();
        if (transit) n += static_cast<double>(job.transit.feeds.size()) * cost::step;
        for (std::size_t si = 0; si <= job.scenarios.size(); ++si)
            for (const auto mode : job.modes) {
                const bool by_transit = mode == network::Mode::transit;
                n += 2 * cost::step;                  // the mode's graph, snapping the origins
                if (by_transit) n += 3 * cost::step;  // stops and walking legs, to stops, between stops
                const double routing = by_transit ? cost::transit_routing : cost::step;
                for (const auto& service : job.services) {
                    const bool polygons = route.polygons(service.name, mode);
                    n += routing;  // the nearest
                    if (polygons) n += cost::reach_area(mode);
                    if (route.reach_limit_s(service.name, mode) > 0) {
                        n += routing;  // catchments
                        if (polygons) n += cost::polygons(mode);
                    }
                }
            }
    }
    if (job.greenspace.enabled) n += cost::green_space_reading + static_cast<double>(2 + job.greenspace.tiers.size()) * cost::step;
    n += static_cast<double>(job.indices.size()) * cost::step;
    if (job.composite.enabled) n += cost::step;
    if (job.clustering.enabled) n += cost::step;
    if (job.inequality.enabled) n += cost::step;
    return n + cost::step;  // writing
}

}  // namespace detail

RunSummary run_job(const Job& job, Reporter& reporter) {
    detail::check_output(job);
    detail::check_area_field_names(job);
    io::initialise_gdal();
    // A guessed field is said as a warning: the user should see it and may want to check it.
    for (const auto& note : job.guessed_fields) reporter.warning(note);
    RunSummary summary;
    summary.output = job.output;
    // One progress bar for the whole run (QGIS's dialog, the terminal), from the stages.
    StagedProgress staged(reporter, detail::expected_stage_weight(job));
    CollectingReporter collect(&staged);
    std::vector<std::vector<detail::Column>> columns(1 + job.scenarios.size());
    // One process: route each (scenario, mode) while prepare holds its graph, all facilities
    // in one reach task; the distributed run splits the same tasks (scaleout.cpp).
    const detail::RouteSettings settings = detail::route_settings(job);
    auto route = [&](const detail::Prepared& p, std::size_t si, std::size_t mi, const network::ModeGraph& graph) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto& sc = p.scenarios[si];
        const auto scenario = static_cast<std::uint32_t>(si), mode = static_cast<std::uint32_t>(mi);
        routing::HierarchyCache hierarchy(graph.backward);  // built by the first task that pays for it, kept for the rest
        for (std::uint32_t s = 0; s < job.services.size(); ++s) {
            const auto n = static_cast<std::uint32_t>(sc.facilities[s].id.size());
            const detail::TaskSpec nt{detail::TaskKind::nearest, scenario, s, mode, 0, n};
            auto nearest = detail::run_task(settings, p.net, graph, sc.facility_snaps[mi], *sc.origin_snaps[mi], nt, collect,
                                            sc.transit.get(), &hierarchy);
            std::vector<std::pair<detail::TaskSpec, detail::TaskResult>> parts;
            if (settings.reach_limit_s(settings.services[s], settings.modes[mi]) > 0) {
                const detail::TaskSpec rt{detail::TaskKind::reach, scenario, s, mode, 0, n};
                parts.emplace_back(rt, detail::run_task(settings, p.net, graph, sc.facility_snaps[mi], *sc.origin_snaps[mi], rt, collect,
                                                        sc.transit.get(), &hierarchy));
            }
            columns[si].push_back(detail::assemble(settings, p, nt, std::move(nearest), std::move(parts)));
        }
        summary.seconds["route"] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    auto prepared = detail::prepare(job, collect, summary, route);
    detail::finish(job, prepared, columns, collect, summary);
    staged.finish();
    return summary;
}

}  // namespace accessatlas::job

namespace accessatlas::job {

std::vector<styles::StyleFile> reference_styles(const Job& job) {
    std::vector<std::string> services, modes;
    for (const auto& s : job.services) services.push_back(s.name);
    for (auto m : job.modes) modes.emplace_back(network::to_string(m));
    std::vector<std::string> phrases;
    for (auto m : job.modes) phrases.emplace_back(network::travel_phrase(m));
    auto files = styles::reference_set(services, modes, phrases, {job.thresholds_min.front()}, job.catchments.thresholds_min);
    for (const auto& s : detail::index_layer_styles(job)) files.push_back({s.layer + "." + s.style.name, s.style});
    return files;
}

}  // namespace accessatlas::job
