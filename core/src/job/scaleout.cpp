// plan / run-task / merge: the stages of pipeline.hpp with files between them.
#include "job/area_indices.hpp"
#include "job/pipeline.hpp"
#include "job/task_files.hpp"
#include "network/profile_io.hpp"
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/scaleout.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
namespace bin = accessatlas::detail;  // binary files (util/), not the job stages (job::detail)

namespace accessatlas::job {

namespace {

constexpr std::int64_t manifest_version = 2;  // 2: hierarchies in .aach files of their own

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

std::uint64_t file_hash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the file", {path, {}, {}, {}}, "check the path");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    return bin::hash_bytes(s.data(), s.size());
}

// A task file belongs to one plan: its key mixes the job, the inputs and the task's index.
std::uint64_t task_key(const Plan& plan, std::size_t index) {
    return bin::hash_bytes(&index, sizeof index, plan.job_hash ^ (plan.inputs_hash * 0x9E3779B97F4A7C15ull));
}

fs::path plan_dir(const Plan& plan) { return fs::path(plan.manifest).parent_path(); }

// Each (scenario, mode) graph is saved by plan, so a worker maps it instead of building it.
std::string mode_graph_file(const std::string& scenario, const std::string& mode) { return "graphs/" + scenario + "-" + mode + ".aamode"; }
// Beside it, the contraction hierarchy of its reversed arcs when plan built one.
std::string hierarchy_file(const std::string& scenario, const std::string& mode) { return "graphs/" + scenario + "-" + mode + ".aach"; }

bool task_complete(const Plan& plan, std::size_t index) {
    const fs::path path = plan_dir(plan) / plan.tasks[index].file;
    if (!fs::exists(path)) return false;
    const auto key = detail::task_file_key(path.string());
    return key && *key == task_key(plan, index);  // damaged or from another plan: computed again
}

detail::TaskSpec spec_of(const Job& job, const PlanTask& t) {
    detail::TaskSpec s;
    s.kind = t.kind == "nearest" ? detail::TaskKind::nearest : detail::TaskKind::reach;
    s.scenario = 0;
    for (std::size_t i = 0; i < job.scenarios.size(); ++i)
        if (job.scenarios[i].name == t.scenario) s.scenario = static_cast<std::uint32_t>(i + 1);
    s.service = static_cast<std::uint32_t>(
        std::find_if(job.services.begin(), job.services.end(), [&](const ServiceSpec& sv) { return sv.name == t.service; }) -
        job.services.begin());
    s.mode = static_cast<std::uint32_t>(
        std::find_if(job.modes.begin(), job.modes.end(), [&](network::Mode m) { return network::to_string(m) == t.mode; }) -
        job.modes.begin());
    if (s.service >= job.services.size() || s.mode >= job.modes.size() || (s.scenario == 0 && t.scenario != "baseline"))
        throw InputError(fmt::format("task {} names a scenario, service or mode the job does not have", t.index), {},
                         "the job file changed since the plan: plan again");
    s.first_facility = t.first_facility;
    s.end_facility = t.end_facility;
    return s;
}

Job load_planned_job(const Plan& plan) {
    if (file_hash(plan.job_file) != plan.job_hash)
        throw InputError("the job file has changed since the plan", {plan.job_file, {}, {}, {}},
                         "plan again (accessatlas plan JOB --dir DIR) or restore the job file");
    Job job = load_job(plan.job_file);
    job.output = plan.output;
    job.threads = plan.threads;
    return job;
}

}  // namespace

Plan plan_job(const Job& job_in, const PlanOptions& options, Reporter& reporter) {
    if (job_in.job_file.empty()) throw InputError("a plan needs a job file (workers read it)", {}, "save the job as TOML and plan that");
    if (job_in.services.empty())
        throw InputError("the job routes to no service: there is nothing to spread", {job_in.job_file, {}, {}, {}},
                         "run it in one process: accessatlas run JOB");
    if (options.dir.empty()) throw InputError("no plan folder given", {}, "pass --dir DIR");
    detail::check_output(job_in);
    detail::check_area_field_names(job_in);
    io::initialise_gdal();
    const fs::path dir = fs::absolute(options.dir).lexically_normal();
    fs::create_directories(dir / "tasks");

    CollectingReporter collect(&reporter);
    RunSummary summary;
    fs::create_directories(dir / "graphs");
    std::map<std::string, std::uint64_t> graph_files;  // file -> checksum, recorded in the manifest
    const detail::RouteSettings route = detail::route_settings(job_in);
    const auto keep_graph = [&](const detail::Prepared& p, std::size_t si, std::size_t mi, const network::ModeGraph& graph) {
        const std::string scenario = si == 0 ? std::string("baseline") : p.scenarios[si].name;
        const std::string mode(network::to_string(job_in.modes[mi]));
        const std::string name = mode_graph_file(scenario, mode);
        // Long searches from many facilities will take the contraction hierarchy: built here
        // once and saved beside the graph, not in every worker that routes a share of them.
        const auto& sc = p.scenarios[si];
        routing::HierarchyCache hierarchy(graph.backward);
        for (std::size_t s = 0; s < job_in.services.size() && !hierarchy.built(); ++s) {
            double limit_s = route.reach_limit_s(route.services[s], route.modes[mi]);
            if (job_in.count_within_thresholds && !job_in.thresholds_min.empty())
                limit_s = std::max(limit_s, 60.0 * *std::max_element(job_in.thresholds_min.begin(), job_in.thresholds_min.end()));
            if (!(limit_s > 0) || job_in.facility_search == access::ReachMethod::dijkstra) continue;
            if (job_in.facility_search == access::ReachMethod::hierarchy ||
                access::hierarchy_pays(p.net, graph, sc.facility_snaps[mi][s], *sc.origin_snaps[mi], limit_s, job_in.threads, collect)) {
                collect.stage("Contraction hierarchy of the " + std::string(network::to_string(job_in.modes[mi])) + " network");
                hierarchy.get(collect, job_in.threads);
            }
        }
        graph_files[name] = network::save_mode_graph(graph, (dir / name).string());
        if (hierarchy.built()) {
            const std::string hierarchy_name = hierarchy_file(scenario, mode);
            graph_files[hierarchy_name] = routing::save_hierarchy(hierarchy.get(collect), (dir / hierarchy_name).string());
        }
    };
    const detail::Prepared prepared = detail::prepare(job_in, collect, summary, keep_graph);

    Plan plan;
    plan.manifest = (dir / "manifest.toml").string();
    plan.job_file = fs::absolute(job_in.job_file).lexically_normal().string();
    plan.output = fs::absolute(job_in.output).lexically_normal().string();
    plan.threads = job_in.threads;
    plan.job_hash = file_hash(plan.job_file);
    if (job_in.graph_file.empty()) {
        collect.stage("Saving the graph file");
        plan.graph_file = (dir / "network.aagraph").string();
        network::save_graph_file(prepared.net, network::describe_source(job_in.network.path, job_in.network_options), plan.graph_file);
    } else {
        plan.graph_file = fs::absolute(job_in.graph_file).lexically_normal().string();
    }
    collect.stage("Saving the snapped inputs");
    plan.inputs_file = (dir / "inputs.aainputs").string();
    plan.inputs_hash = detail::save_routing_inputs(prepared, plan.inputs_file);

    plan.graph_files = graph_files;

    const auto specs = detail::plan_tasks(route, prepared, options.facilities_per_task);
    toml::table manifest{{"format", "accessatlas-manifest"},
                         {"version", manifest_version},
                         {"job", plan.job_file},
                         {"job_hash", hex(plan.job_hash)},
                         {"output", plan.output},
                         {"graph", plan.graph_file},
                         {"inputs", plan.inputs_file},
                         {"inputs_hash", hex(plan.inputs_hash)},
                         {"threads", static_cast<std::int64_t>(plan.threads)}};
    toml::array tasks;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const auto& s = specs[i];
        PlanTask t;
        t.index = i;
        t.kind = s.kind == detail::TaskKind::nearest ? "nearest" : "reach";
        t.scenario = s.scenario == 0 ? std::string("baseline") : job_in.scenarios[s.scenario - 1].name;
        t.service = job_in.services[s.service].name;
        t.mode = std::string(network::to_string(job_in.modes[s.mode]));
        t.first_facility = s.first_facility;
        t.end_facility = s.end_facility;
        t.file = fmt::format("tasks/{:05d}-{}-{}-{}-{}{}.aatask", i, t.scenario, t.service, t.mode, t.kind,
                             s.kind == detail::TaskKind::reach ? fmt::format("-{}", s.first_facility) : std::string());
        tasks.push_back(toml::table{{"index", static_cast<std::int64_t>(i)},
                                    {"kind", t.kind},
                                    {"scenario", t.scenario},
                                    {"service", t.service},
                                    {"mode", t.mode},
                                    {"first_facility", static_cast<std::int64_t>(t.first_facility)},
                                    {"end_facility", static_cast<std::int64_t>(t.end_facility)},
                                    {"file", t.file}});
        plan.tasks.push_back(std::move(t));
    }
    toml::table graph_sums;
    for (const auto& [name, sum] : plan.graph_files) graph_sums.insert(name, hex(sum));
    manifest.insert("graph_files", std::move(graph_sums));
    manifest.insert("tasks", std::move(tasks));
    std::ostringstream text;
    text << "# Access Atlas task plan: run every task (accessatlas run-task " << plan.manifest << " N), then merge.\n" << manifest << "\n";
    bin::write_file_atomically(plan.manifest, {text.str()});
    collect.info(fmt::format("plan: {} tasks in {}", plan.tasks.size(), plan.manifest));
    return plan;
}

Plan read_plan(const std::string& manifest) {
    toml::table t;
    try {
        t = toml::parse_file(manifest);
    } catch (const toml::parse_error& e) {
        throw InputError(fmt::format("not a valid manifest: {}", e.description()), {manifest, {}, {}, {}}, "plan again");
    }
    if (t["format"].value_or(std::string()) != "accessatlas-manifest")
        throw InputError("not an Access Atlas manifest", {manifest, {}, {}, {}}, "give the manifest.toml written by accessatlas plan");
    if (t["version"].value_or(std::int64_t{0}) != manifest_version)
        throw InputError(fmt::format("manifest version {}, this build reads {}", t["version"].value_or(std::int64_t{0}), manifest_version),
                         {manifest, {}, {}, {}}, "plan again with this build");
    // A checksum as plan wrote it: 16 hexadecimal digits.
    const auto checksum = [&](const std::string& text, const std::string& key) {
        const bool hex_digits =
            text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (!hex_digits)
            throw InputError(fmt::format("{} is '{}', not a checksum of 16 hexadecimal digits", key, text), {manifest, {}, {}, {}},
                             "the manifest was edited or damaged: plan again");
        return static_cast<std::uint64_t>(std::stoull(text, nullptr, 16));
    };
    Plan p;
    p.manifest = fs::absolute(manifest).lexically_normal().string();
    p.job_file = t["job"].value_or(std::string());
    p.output = t["output"].value_or(std::string());
    p.graph_file = t["graph"].value_or(std::string());
    p.inputs_file = t["inputs"].value_or(std::string());
    p.job_hash = checksum(t["job_hash"].value_or(std::string()), "job_hash");
    p.inputs_hash = checksum(t["inputs_hash"].value_or(std::string()), "inputs_hash");
    p.threads = static_cast<unsigned>(t["threads"].value_or(std::int64_t{0}));
    if (const auto* graphs = t["graph_files"].as_table())
        for (const auto& [name, sum] : *graphs)
            p.graph_files[std::string(name.str())] = checksum(sum.value_or(std::string()), "graph_files." + std::string(name.str()));
    if (const auto* tasks = t["tasks"].as_array())
        for (const auto& node : *tasks) {
            const auto& tt = *node.as_table();
            PlanTask task;
            task.index = static_cast<std::size_t>(tt["index"].value_or(std::int64_t{0}));
            task.kind = tt["kind"].value_or(std::string());
            task.scenario = tt["scenario"].value_or(std::string());
            task.service = tt["service"].value_or(std::string());
            task.mode = tt["mode"].value_or(std::string());
            task.first_facility = static_cast<std::uint32_t>(tt["first_facility"].value_or(std::int64_t{0}));
            task.end_facility = static_cast<std::uint32_t>(tt["end_facility"].value_or(std::int64_t{0}));
            task.file = tt["file"].value_or(std::string());
            if (task.index != p.tasks.size() || (task.kind != "nearest" && task.kind != "reach") || task.file.empty())
                throw InputError(fmt::format("task {} is malformed", p.tasks.size()), {manifest, {}, {}, {}}, "plan again");
            p.tasks.push_back(std::move(task));
        }
    return p;
}

std::vector<std::size_t> missing_tasks(const Plan& plan) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < plan.tasks.size(); ++i)
        if (!task_complete(plan, i)) out.push_back(i);
    return out;
}

bool run_plan_task(const std::string& manifest, std::size_t index, unsigned threads, Reporter& reporter) {
    const Plan plan = read_plan(manifest);
    if (index >= plan.tasks.size())
        throw InputError(fmt::format("there is no task {}: the plan has {} tasks (0 to {})", index, plan.tasks.size(),
                                     plan.tasks.size() == 0 ? 0 : plan.tasks.size() - 1),
                         {manifest, {}, {}, {}}, "");
    Job job = load_planned_job(plan);  // first: a changed job file is said even when the task is done
    if (task_complete(plan, index)) {
        reporter.info(fmt::format("task {} is already complete", index));
        return false;
    }
    if (threads > 0) job.threads = threads;
    const auto& task = plan.tasks[index];
    const auto spec = spec_of(job, task);
    reporter.stage(fmt::format("Task {}: loading the graph", index));
    const auto net = network::load_graph_file(plan.graph_file);
    const auto sc = detail::read_routing_inputs(plan.inputs_file, plan.inputs_hash, spec.scenario, spec.mode);
    // The graph plan saved for this scenario and mode, else built here.
    const std::string graph_name = mode_graph_file(task.scenario, task.mode);
    const auto saved = plan.graph_files.find(graph_name);
    const auto graph = saved != plan.graph_files.end() ? network::load_mode_graph((plan_dir(plan) / graph_name).string(), saved->second)
                                                       : detail::scenario_graph(net, sc, spec.mode);
    routing::HierarchyCache hierarchy(graph.backward);
    const auto saved_hierarchy = plan.graph_files.find(hierarchy_file(task.scenario, task.mode));
    if (saved_hierarchy != plan.graph_files.end())
        hierarchy.adopt(
            routing::load_hierarchy((plan_dir(plan) / saved_hierarchy->first).string(), saved_hierarchy->second, graph.backward));
    // A transit task reads the timetable and builds its walking legs itself: the plan's inputs
    // file carries the street side only.
    std::shared_ptr<const detail::TransitState> transit;
    if (job.modes.at(spec.mode) == network::Mode::transit) {
        reporter.stage(fmt::format("Task {}: reading the timetable", index));
        const auto tt = detail::scenario_timetable(job, spec.scenario, nullptr, reporter);
        detail::Snaps stops;
        {
            const snapping::EdgeIndex edge_index(net, graph, true);
            stops = detail::snap_stops(job, *tt, edge_index, "", reporter);
        }
        transit = detail::build_transit(net, graph, tt, detail::scenario_window(job, spec.scenario), std::move(stops),
                                        *sc.origin_snaps.at(spec.mode), reporter);
    }
    const auto result = detail::run_task(detail::route_settings(job), net, graph, sc.facility_snaps.at(spec.mode),
                                         *sc.origin_snaps.at(spec.mode), spec, reporter, transit.get(), &hierarchy);
    reporter.check_cancelled();
    detail::save_task_result((plan_dir(plan) / task.file).string(), task_key(plan, index), spec, result);
    return true;
}

RunSummary merge_plan(const std::string& manifest, const std::string& output, Reporter& reporter) {
    const Plan plan = read_plan(manifest);
    const auto missing = missing_tasks(plan);
    if (!missing.empty()) {
        std::vector<std::string> ids;
        for (auto i : missing) ids.push_back(std::to_string(i));
        throw InputError(fmt::format("{} of {} tasks are not complete: {}", missing.size(), plan.tasks.size(), detail::list_some(ids, 20)),
                         {manifest, {}, {}, {}},
                         fmt::format("run them first (complete ones are skipped): accessatlas run-task {} {}", manifest,
                                     missing.size() <= 20 ? fmt::format("{}", fmt::join(ids, " ")) : std::string("N")));
    }
    Job job = load_planned_job(plan);
    if (!output.empty()) job.output = output;
    job.graph_file = plan.graph_file;
    detail::check_output(job);
    detail::check_area_field_names(job);
    io::initialise_gdal();
    CollectingReporter collect(&reporter);
    RunSummary summary;
    summary.output = job.output;
    auto prepared = detail::prepare(job, collect, summary, nullptr);
    if (detail::routing_inputs_hash(prepared) != plan.inputs_hash)
        throw InputError("the inputs (network, areas, population, origins or facilities) have changed since the plan",
                         {manifest, {}, {}, {}}, "plan again and run the tasks again");

    collect.stage(fmt::format("Assembling {} tasks", plan.tasks.size()));
    const detail::RouteSettings route = detail::route_settings(job);
    std::vector<std::vector<detail::Column>> columns(prepared.scenarios.size());
    for (std::size_t i = 0; i < plan.tasks.size();) {
        const auto nearest_spec = spec_of(job, plan.tasks[i]);
        if (nearest_spec.kind != detail::TaskKind::nearest)
            throw InputError(fmt::format("task {} should be a nearest task", i), {manifest, {}, {}, {}}, "plan again");
        const auto load = [&](std::size_t k, const detail::TaskSpec& spec) {
            return detail::load_task_result((plan_dir(plan) / plan.tasks[k].file).string(), spec);
        };
        auto nearest = load(i, nearest_spec);
        std::vector<std::pair<detail::TaskSpec, detail::TaskResult>> parts;
        for (++i; i < plan.tasks.size() && plan.tasks[i].kind == "reach"; ++i) {
            const auto s = spec_of(job, plan.tasks[i]);
            parts.emplace_back(s, load(i, s));
        }
        columns[nearest_spec.scenario].push_back(detail::assemble(route, prepared, nearest_spec, std::move(nearest), std::move(parts)));
        collect.check_cancelled();
    }
    detail::finish(job, prepared, columns, collect, summary);
    return summary;
}

}  // namespace accessatlas::job
