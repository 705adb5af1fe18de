// The route stage: one task of routing (nearest, or reach over a range of facilities), by road or by
// transit, and the assembly of tasks into one column per (scenario, service, mode).
#include "job/stage_costs.hpp"
#include "job/stages.hpp"

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

// The transit counterpart of run_task: the same outputs, from the timetable's profile searches.
TaskResult run_transit_task(const RouteSettings& settings, const network::RoadNetwork& net, const network::ModeGraph& graph,
                            const Snaps& snaps, const Snaps& origin_snaps, const TaskSpec& task, const TransitState& transit,
                            Reporter& reporter) {
    TaskResult r;
    const std::string& service = settings.services.at(task.service);
    const auto& window = transit.window;
    const std::string span = transit::format_clock(window.start_s) + "-" + transit::format_clock(window.end_s);
    const bool polygons = settings.polygons(service, network::Mode::transit);
    access::CatchmentOptions copt;
    copt.thresholds_min = settings.catchments.thresholds_min;
    copt.walk_off_m = settings.catchments.walk_off_m;
    copt.threads = settings.threads;
    if (task.kind == TaskKind::nearest) {
        reporter.weigh_next_stage(stage_cost::transit_routing);
        reporter.stage(fmt::format("Routing to the nearest {} (transit, departures {} every {} min)", service, span, window.step_s / 60));
        access::NearestOptions options;
        options.thresholds_min = settings.thresholds_min;
        options.count_within_thresholds = settings.count_within_thresholds;
        options.threads = settings.threads;
        r.nearest = transit::transit_nearest(net, graph, transit.network, snaps, origin_snaps, options, window, reporter);
        if (polygons) {
            reporter.weigh_next_stage(stage_cost::reach_area(network::Mode::transit));
            reporter.stage(fmt::format("Area within reach of any {} (transit)", service));
            copt.facility_polygons = false;
            r.coverage = transit::transit_polygons(net, graph, transit.network, snaps, copt, window, reporter).coverage;
        }
        return r;
    }
    Snaps mine(snaps.size());
    const std::uint32_t end = std::min<std::uint32_t>(task.end_facility, static_cast<std::uint32_t>(snaps.size()));
    for (std::uint32_t f = task.first_facility; f < end; ++f) mine[f] = snaps[f];
    const double limit_s = settings.reach_limit_s(service, network::Mode::transit);
    reporter.weigh_next_stage(stage_cost::transit_routing);
    reporter.stage(fmt::format("Catchments of {} {} facilities (transit, p{} of departures {}, {} min)", end - task.first_facility, service,
                               window.reach_percentile, span, limit_s / 60.0));
    r.reach =
        transit::transit_reach(net, graph, transit.network, mine, origin_snaps, limit_s, transit::Statistic::percentile, window, reporter);
    reporter.info(fmt::format("{} (facility, origin) pairs within {} min by transit", r.reach.origin.size(), limit_s / 60.0));
    if (polygons) {
        reporter.weigh_next_stage(stage_cost::polygons(network::Mode::transit));
        reporter.stage(fmt::format("Service-area polygons for {} (transit)", service));
        copt.coverage = false;
        auto polys = transit::transit_polygons(net, graph, transit.network, mine, copt, window, reporter);
        r.polygons.assign(std::make_move_iterator(polys.facility.begin() + task.first_facility),
                          std::make_move_iterator(polys.facility.begin() + end));
    }
    return r;
}

}  // namespace

double RouteSettings::reach_limit_s(const std::string& service, network::Mode mode) const {
    double limit_min = 0;
    if (catchments.applies_to(service, mode)) limit_min = catchments.thresholds_min.back();
    if (e2sfca.enabled) limit_min = std::max(limit_min, e2sfca.decay.max_time_min);
    return limit_min * 60.0;
}

bool RouteSettings::polygons(const std::string& service, network::Mode mode) const { return catchments.polygons_for(service, mode); }

RouteSettings route_settings(const Job& job) {
    RouteSettings s;
    for (const auto& service : job.services) s.services.push_back(service.name);
    s.modes = job.modes;
    s.thresholds_min = job.thresholds_min;
    s.count_within_thresholds = job.count_within_thresholds;
    s.facility_search = job.facility_search;
    s.threads = job.threads;
    s.catchments = job.catchments;
    s.e2sfca = job.e2sfca;
    return s;
}

std::vector<TaskSpec> plan_tasks(const RouteSettings& settings, const Prepared& prepared, std::uint32_t facilities_per_task) {
    std::vector<TaskSpec> tasks;
    for (std::uint32_t si = 0; si < prepared.scenarios.size(); ++si)
        for (std::uint32_t mi = 0; mi < settings.modes.size(); ++mi)
            for (std::uint32_t s = 0; s < settings.services.size(); ++s) {
                const auto n = static_cast<std::uint32_t>(prepared.scenarios[si].facilities[s].id.size());
                tasks.push_back({TaskKind::nearest, si, s, mi, 0, n});
                if (settings.reach_limit_s(settings.services[s], settings.modes[mi]) <= 0) continue;
                const std::uint32_t chunk = facilities_per_task == 0 ? std::max(n, 1u) : facilities_per_task;
                for (std::uint32_t first = 0; first < n; first += chunk)
                    tasks.push_back({TaskKind::reach, si, s, mi, first, std::min(n, first + chunk)});
            }
    return tasks;
}

TaskResult run_task(const RouteSettings& settings, const network::RoadNetwork& net, const network::ModeGraph& graph,
                    const std::vector<Snaps>& facility_snaps, const Snaps& origin_snaps, const TaskSpec& task, Reporter& reporter,
                    const TransitState* transit, routing::HierarchyCache* hierarchy) {
    TaskResult r;
    const auto& snaps = facility_snaps.at(task.service);
    const std::string& service = settings.services.at(task.service);
    const std::string mode = mode_name(settings.modes.at(task.mode));
    if (settings.modes.at(task.mode) == network::Mode::transit) {
        if (!transit) throw InternalError("a transit task was given no timetable");
        return run_transit_task(settings, net, graph, snaps, origin_snaps, task, *transit, reporter);
    }
    const bool polygons = settings.polygons(service, settings.modes.at(task.mode));
    access::CatchmentOptions copt;
    copt.thresholds_min = settings.catchments.thresholds_min;
    copt.walk_off_m = settings.catchments.walk_off_m;
    copt.threads = settings.threads;
    if (task.kind == TaskKind::nearest) {
        reporter.stage(fmt::format("Routing to the nearest {} ({})", service, mode));
        access::NearestOptions options;
        options.thresholds_min = settings.thresholds_min;
        options.count_within_thresholds = settings.count_within_thresholds;
        options.count_method = settings.facility_search;
        options.threads = settings.threads;
        r.nearest = access::nearest_facility(net, graph, snaps, origin_snaps, options, reporter, hierarchy);
        if (polygons) {
            reporter.weigh_next_stage(stage_cost::reach_area(settings.modes.at(task.mode)));
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
    const double limit_s = settings.reach_limit_s(service, settings.modes.at(task.mode));
    reporter.stage(fmt::format("Catchments of {} {} facilities ({}, {} min)", end - task.first_facility, service, mode, limit_s / 60.0));
    r.reach =
        access::reach_origins(net, graph, mine, origin_snaps, limit_s, settings.threads, reporter, settings.facility_search, hierarchy);
    reporter.info(fmt::format("{} (facility, origin) pairs within {} min", r.reach.origin.size(), limit_s / 60.0));
    if (polygons) {
        reporter.weigh_next_stage(stage_cost::polygons(settings.modes.at(task.mode)));
        reporter.stage(fmt::format("Service-area polygons for {} ({})", service, mode));
        copt.coverage = false;
        auto polys = access::catchment_polygons(net, graph, mine, copt, reporter);
        r.polygons.assign(std::make_move_iterator(polys.facility.begin() + task.first_facility),
                          std::make_move_iterator(polys.facility.begin() + end));
    }
    return r;
}

Column assemble(const RouteSettings& settings, const Prepared& prepared, const TaskSpec& nt, TaskResult&& nearest,
                std::vector<std::pair<TaskSpec, TaskResult>>&& reach_parts) {
    const auto& sc = prepared.scenarios.at(nt.scenario);
    const auto& origins = prepared.origins;
    const auto& areas = prepared.areas;
    Column col;
    col.service = settings.services.at(nt.service);
    col.mode = settings.modes.at(nt.mode);
    col.facility_snaps = sc.facility_snaps.at(nt.mode).at(nt.service);
    col.result = std::move(nearest.nearest);
    col.areas = access::aggregate_to_areas(areas.code.size(), origins.area, origins.population, col.result, settings.thresholds_min);
    const std::size_t nf = col.facility_snaps.size();
    const bool polygons = settings.polygons(col.service, col.mode);
    if (settings.reach_limit_s(col.service, col.mode) > 0) {
        std::sort(reach_parts.begin(), reach_parts.end(),
                  [](const auto& a, const auto& b) { return a.first.first_facility < b.first.first_facility; });
        auto& reach = col.reach;
        reach.first.assign(1, 0);
        if (polygons) col.polygons.facility.resize(nf);
        std::uint32_t next = 0;
        for (auto& [spec, part] : reach_parts) {
            if (spec.first_facility != next || part.reach.facility_count() != nf)
                throw InternalError(
                    fmt::format("the reach tasks of {} ({}) do not cover facilities {} onwards", col.service, mode_name(col.mode), next));
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
            throw InternalError(
                fmt::format("the reach tasks of {} ({}) stop at facility {} of {}", col.service, mode_name(col.mode), next, nf));
    }
    col.polygons.coverage = std::move(nearest.coverage);
    if (settings.e2sfca.enabled) {
        const auto& supply = sc.facilities.at(nt.service).supply;
        col.e2sfca = access::e2sfca(col.reach, supply, origins.population, origins.location.size(), settings.e2sfca.decay);
        col.area_e2sfca = access::area_e2sfca_per_1000(col.e2sfca.accessibility, origins.area, origins.population, areas.code.size());
    }
    return col;
}

}  // namespace accessatlas::job::detail
