// The prepare stage: read the inputs, apply each scenario, snap; transit timetables and walking legs.
#include "job/code_join.hpp"
#include "job/stages.hpp"

#include <accessatlas/geometry/polygons.hpp>
#include <accessatlas/access/nearest.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/indices/area_codes.hpp>
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
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace accessatlas::job::detail {

using network::invalid_id;

std::string mode_name(network::Mode m) { return std::string(network::to_string(m)); }

std::string scenario_suffix(const ScenarioInputs& sc) { return sc.name.empty() ? std::string() : " [" + sc.name + "]"; }

namespace {

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
                throw InputError(
                    fmt::format("scenario '{}': the new {} facility '{}' has the id of another one", sc.name, service.name, id), where,
                    "give each new facility its own id");
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

}  // namespace

void check_output(const Job& job) {
    if (job.output.empty())
        throw InputError("no output file given", {job.job_file, {}, {}, {}}, "set [job] output or pass --out FILE.gpkg");
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

std::shared_ptr<const transit::Timetable> scenario_timetable(const Job& job, std::size_t si,
                                                             std::shared_ptr<const transit::Timetable> baseline, Reporter& reporter) {
    auto read = [&](const std::string& date) {
        return std::make_shared<const transit::Timetable>(transit::read_gtfs(job.transit.feeds, date, reporter));
    };
    if (!baseline) baseline = read(job.transit.date);
    if (si == 0) return baseline;
    const auto& spec = job.scenarios.at(si - 1);
    const auto& ch = spec.transit;
    auto tt = !ch.date.empty() && transit::parse_date(ch.date, "date") != transit::parse_date(job.transit.date, "date") ? read(ch.date)
                                                                                                                        : baseline;
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

Snaps snap_stops(const Job& job, const transit::Timetable& tt, const snapping::EdgeIndex& index, const std::string& scenario_label,
                 Reporter& reporter) {
    Snaps stop_snaps(tt.stops.size());
    std::vector<std::string> far;
    for (std::size_t s = 0; s < tt.stops.size(); ++s) {
        if (!tt.stops[s].located) continue;  // named by the reader
        stop_snaps[s] = index.snap(tt.stops[s].location, job.max_snap_m);
        if (!stop_snaps[s].ok()) {
            far.push_back(tt.feeds[tt.stops[s].feed].name + ":" + tt.stops[s].id);
            reporter.item({"stop_off_walk_network",
                           tt.feeds[tt.stops[s].feed].path,
                           "stops.txt",
                           tt.stops[s].id,
                           {},
                           {},
                           fmt::format("more than {} m from the walk network: trips pass it, nobody walks to it", job.max_snap_m)});
        }
    }
    if (!far.empty())
        reporter.warning(fmt::format("transit{}: {} of {} stops lie more than {} m from the walk network (beyond the area it covers) and "
                                     "cannot be walked to; trips still pass them: {}",
                                     scenario_label, far.size(), tt.stops.size(), job.max_snap_m, list_some(far, 10)));
    if (std::none_of(stop_snaps.begin(), stop_snaps.end(), [](const snapping::Snap& sn) { return sn.ok(); }))
        reporter.warning(
            fmt::format("transit{}: no stop of the timetable lies on the walk network, so transit times equal walking; check the "
                        "feeds cover the network's area",
                        scenario_label));
    return stop_snaps;
}

std::shared_ptr<const TransitState> build_transit(const network::RoadNetwork& net, const network::ModeGraph& graph,
                                                  std::shared_ptr<const transit::Timetable> timetable, const transit::WindowOptions& window,
                                                  Snaps stop_snaps, const Snaps& origin_snaps, Reporter& reporter) {
    auto state = std::make_shared<TransitState>();
    state->timetable = timetable;
    state->window = window;
    state->network = transit::prepare_transit(net, graph, *timetable, std::move(stop_snaps), origin_snaps, window, reporter);
    state->network.timetable = state->timetable.get();
    return state;
}

network::ModeGraph scenario_graph(const network::RoadNetwork& net, const ScenarioInputs& scenario, std::size_t mode) {
    return network::build_mode_graph(net, scenario.profiles[mode], scenario.closed_edges);
}

namespace {

// The road network the job names (a .aagraph file or a network to read), or none for a
// straight-line-only job.
network::RoadNetwork read_road_network(const Job& job, Reporter& collect) {
    if (!job.graph_file.empty()) {
        collect.stage("Loading the graph file " + job.graph_file);
        auto net = job.network.path.empty() || job.network.path == job.graph_file
                       ? network::load_graph_file(job.graph_file)
                       : network::load_graph_file_for(job.graph_file, job.network.path, job.network_options);
        collect.info(fmt::format("network: {} nodes, {} edges from the graph file", net.node_count(), net.edge_count()));
        return net;
    }
    if (!job.network.path.empty()) {
        network::ReadStats read_stats;
        auto net = network::read_network(job.network.path, job.network_options, collect, &read_stats);
        collect.info(
            fmt::format("network: {} nodes, {} edges from {} ways/lines", net.node_count(), net.edge_count(), read_stats.features_used));
        return net;
    }
    if (job.origin_method == OriginMethod::street_points && job.needs_origins())
        throw InputError("street-point origins need a road network", {job.job_file, {}, {}, {}},
                         "add a [network] section, or use [origins] method = \"points\" or \"centroids\"");
    return {};
}

// Both in EPSG:27700 by now: layers that do not meet were misplaced or are of two places.
void check_network_meets_areas(const Job& job, const network::RoadNetwork& net, const Areas& areas) {
    if (net.node_count() == 0) return;
    Box area_box, net_box = net.extent();
    for (const auto& pt : areas.layer.points) area_box.expand(pt);
    const bool apart = area_box.max_x < net_box.min_x || area_box.min_x > net_box.max_x || area_box.max_y < net_box.min_y ||
                       area_box.min_y > net_box.max_y;
    if (apart)
        throw InputError(fmt::format("the network and the areas do not overlap: the network covers x {:.0f} to {:.0f}, y {:.0f} to "
                                     "{:.0f}, the areas x {:.0f} to {:.0f}, y {:.0f} to {:.0f} (EPSG:27700 metres)",
                                     net_box.min_x, net_box.max_x, net_box.min_y, net_box.max_y, area_box.min_x, area_box.max_x,
                                     area_box.min_y, area_box.max_y),
                         {job.areas.path, {}, {}, {}}, "check both are of the same place, and each layer's CRS");
}

// The baseline (the job as given) and each what-if: facilities, closures, profiles and, with
// a transit mode, timetables and windows.
std::vector<ScenarioInputs> scenario_inputs(const Job& job, const network::RoadNetwork& net, Reporter& collect) {
    std::vector<ScenarioInputs> out;
    ScenarioInputs base;
    for (const auto& s : job.services) base.facilities.push_back(read_facilities(s, collect));
    for (auto m : job.modes) base.profiles.push_back(job.profiles.at(m));
    out.push_back(std::move(base));
    for (const auto& spec : job.scenarios) {
        ScenarioInputs sc;
        sc.name = spec.name;
        sc.title = spec.title;
        for (std::size_t s = 0; s < job.services.size(); ++s)
            sc.facilities.push_back(apply_changes(job, spec, job.services[s], out[0].facilities[s], collect));
        sc.closed_edges = scenario_closures(job, spec, net, collect);
        for (auto m : job.modes) sc.profiles.push_back(spec.profiles.at(m));
        out.push_back(std::move(sc));
    }
    if (std::find(job.modes.begin(), job.modes.end(), network::Mode::transit) != job.modes.end())
        for (std::size_t si = 0; si < out.size(); ++si) {
            out[si].timetable = scenario_timetable(job, si, si == 0 ? nullptr : out[0].timetable, collect);
            out[si].window = scenario_window(job, si);
            collect.check_cancelled();
        }
    return out;
}

// The origins on one mode's network; those beyond max_snap_m are named by area and count as
// not reached.
std::shared_ptr<const Snaps> snap_origins(const Job& job, const snapping::EdgeIndex& index, const Areas& areas, const Origins& origins,
                                          const std::string& mode, const std::string& suffix, Reporter& collect) {
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
    if (off == 0) return snaps;
    std::set<std::string> codes;
    std::map<std::string, std::pair<std::size_t, double>> per_area;
    for (std::size_t i = 0; i < origins.location.size(); ++i)
        if (!(*snaps)[i].ok()) {
            codes.insert(areas.code[origins.area[i]]);
            auto& pa = per_area[areas.code[origins.area[i]]];
            ++pa.first;
            pa.second += origins.population[i];
        }
    for (const auto& [code, pa] : per_area)
        collect.item({"origins_off_network",
                      job.areas.path,
                      {},
                      {},
                      code,
                      {},
                      fmt::format("{} origin(s), {:.0f} people, more than {} m from the {} network{}: counted as not reached", pa.first,
                                  pa.second, job.max_snap_m, mode, suffix)});
    collect.warning(fmt::format("{}{}: {} origins ({:.0f} people) in {} areas lie more than {} m from the network and count as not "
                                "reached: {}",
                                mode, suffix, off, off_pop, codes.size(), job.max_snap_m,
                                list_some(std::vector<std::string>(codes.begin(), codes.end()), 10)));
    return snaps;
}

// One service's facilities on one mode's network; those beyond a clipped network's coverage are
// left unsnapped and named once (`say_beyond`: the baseline's first mode).
Snaps snap_facilities(const Job& job, const ServiceSpec& service, const Facilities& fac, const snapping::EdgeIndex& index,
                      const Coverage& coverage, bool say_beyond, Reporter& collect) {
    Snaps fs;
    std::vector<std::string> beyond;
    for (std::size_t f = 0; f < fac.location.size(); ++f) {
        if (!coverage.covers(fac.location[f])) {
            fs.emplace_back();
            beyond.push_back(fac.name[f].empty() ? fac.id[f] : fac.name[f]);
            if (say_beyond)
                collect.item({"facility_beyond_coverage",
                              service.facilities.path,
                              {},
                              fac.id[f],
                              {},
                              {},
                              service.name + ": excluded, beyond the network's coverage"});
        } else {
            fs.push_back(index.snap(fac.location[f], job.max_snap_m));
        }
    }
    if (!beyond.empty() && say_beyond)
        collect.warning(fmt::format("{}: {} of {} facilities lie beyond the network's coverage and were excluded: {}", service.name,
                                    beyond.size(), fac.location.size(), list_some(beyond, 10)));
    return fs;
}

// Facilities within the coverage but too far from the network are named; none left on it at
// all stops the run.
void check_facility_snaps(const Job& job, const ServiceSpec& service, const Facilities& fac, const Snaps& snaps, const Coverage& coverage,
                          const std::string& mode, const std::string& suffix, Reporter& collect) {
    std::vector<std::string> excluded;
    std::size_t unusable = 0;
    for (std::size_t f = 0; f < fac.location.size(); ++f) {
        if (snaps[f].ok()) continue;
        ++unusable;
        if (coverage.covers(fac.location[f])) {
            excluded.push_back(fac.name[f].empty() ? fac.id[f] : fac.name[f]);
            collect.item({"facility_off_network",
                          service.facilities.path,
                          {},
                          fac.id[f],
                          {},
                          {},
                          fmt::format("{} ({}){}: excluded, more than {} m from the network", service.name, mode, suffix, job.max_snap_m)});
        }
    }
    // Most of them far away: a national list on a local network, which is expected; said as
    // what to do rather than as a fault.
    const bool mostly = excluded.size() * 2 > fac.location.size();
    if (!excluded.empty())
        collect.warning(fmt::format("{} ({}){}: {} of {} facilities lie more than {} m from the network and were excluded{}: {}",
                                    service.name, mode, suffix, excluded.size(), fac.location.size(), job.max_snap_m,
                                    mostly ? " (the facility list covers more than the network: that is fine when they are beyond "
                                             "the study area's reach; else extend the network)"
                                           : "",
                                    list_some(excluded, 5)));
    if (unusable == fac.location.size())
        throw InputError(fmt::format("no {} facility lies within {} m of the {} network{}", service.name, job.max_snap_m, mode, suffix),
                         {service.facilities.path, {}, {}, {}},
                         "check the facilities and the network cover the same area and CRS, or raise analysis.max_snap_m");
}

// One scenario and mode: its graph, the origins, facilities and stops snapped to it, transit's
// walking legs; then `with_graph` routes while the graph exists.
void prepare_mode(const Job& job, Prepared& p, std::size_t si, std::size_t mi, const Coverage& coverage, Reporter& collect,
                  RunSummary& summary, Stopwatch& clock, const WithGraph& with_graph) {
    const auto& net = p.net;
    auto& sc = p.scenarios[si];
    const std::string mode = mode_name(job.modes[mi]);
    const std::string suffix = scenario_suffix(sc);
    collect.stage("Building the " + mode + " graph" + suffix);
    // Without its reversed half until the snapping index is gone (lower peak memory).
    network::ModeGraph graph = network::build_mode_graph(net, sc.profiles[mi], sc.closed_edges, false);
    if (graph.usable_edges == 0)
        throw InputError(fmt::format("no road of the network can be used by the {} mode{}: every edge's class is excluded from the {} "
                                     "profile{}",
                                     mode, suffix, mode, sc.closed_edges.empty() ? "" : " or closed by the scenario"),
                         {job.network.path, job.network.layer, {}, job.network_options.class_field},
                         fmt::format("check the network's road classes (the class field of a GIS layer, highway=* in OSM) and "
                                     "[profiles.{}] speed_kmh; or leave {} out of analysis.modes",
                                     mode, mode));
    if (si == 0)
        collect.info(fmt::format("{} graph: {} arcs, {} components, the largest holds {} of {} nodes ({:.1f}%); {:.1f} MB", mode,
                                 graph.forward.arc_count(), graph.component_count, graph.largest_component_nodes, net.node_count(),
                                 100.0 * graph.largest_component_nodes / std::max<std::size_t>(1, net.node_count()),
                                 2 * graph.forward.memory_bytes() / 1e6));  // with the reversed half, added below
    // A scenario that leaves the open network as it is keeps the baseline's origin snaps.
    const bool reuse = si > 0 && sc.closed_edges.empty() && same_open_classes(sc.profiles[mi], p.scenarios[0].profiles[mi]);
    Snaps stop_snaps;
    {
        // The snapping index is only needed until every point is placed: it is dropped before
        // routing, which on a national graph lowers the peak by the R-tree's size.
        const snapping::EdgeIndex index(net, graph, true);
        summary.seconds["graph"] += clock.lap();
        if (reuse) {
            sc.origin_snaps[mi] = p.scenarios[0].origin_snaps[mi];
        } else {
            collect.stage("Snapping origins to the " + mode + " network" + suffix);
            sc.origin_snaps[mi] = snap_origins(job, index, p.areas, p.origins, mode, suffix, collect);
        }
        // Transit's stops snap with the same index as the origins (the walk graph's).
        if (job.modes[mi] == network::Mode::transit) stop_snaps = snap_stops(job, *sc.timetable, index, suffix, collect);
        for (std::size_t s = 0; s < job.services.size(); ++s)
            sc.facility_snaps[mi].push_back(
                snap_facilities(job, job.services[s], sc.facilities[s], index, coverage, si == 0 && mi == 0, collect));
    }
    for (std::size_t s = 0; s < job.services.size(); ++s)
        check_facility_snaps(job, job.services[s], sc.facilities[s], sc.facility_snaps[mi][s], coverage, mode, suffix, collect);
    network::add_backward_graph(graph, net);
    if (job.modes[mi] == network::Mode::transit) {
        collect.stage("Transit: stops and walking legs" + suffix);
        sc.transit = build_transit(net, graph, sc.timetable, sc.window, std::move(stop_snaps), *sc.origin_snaps[mi], collect);
    }
    summary.seconds["snap"] += clock.lap();
    if (with_graph) with_graph(p, si, mi, graph);
    clock.lap();
}

}  // namespace

Prepared prepare(const Job& job, Reporter& collect, RunSummary& summary, const WithGraph& with_graph) {
    Stopwatch clock;
    Prepared p;
    p.net = read_road_network(job, collect);  // stays empty for straight-line-only jobs
    const auto& net = p.net;
    summary.network_nodes = net.node_count();
    summary.network_edges = net.edge_count();
    collect.check_cancelled();

    collect.stage("Reading areas and population");
    p.areas = read_areas(job, collect);
    const auto& areas = p.areas;
    check_network_meets_areas(job, net, areas);
    const geometry::AreaLocator locator(areas.layer.wkb);
    summary.areas = areas.code.size();
    const auto near_edge = net.node_count() > 0 ? geometry::areas_beyond_coverage(areas.layer.wkb, net.nodes, job.edge_buffer_m)
                                                : std::vector<std::uint32_t>{};
    if (job.needs_origins()) {
        p.origins = make_origins(job, areas, net, locator, collect);
        drop_origins_without_people(areas, p.origins);
    }
    const Coverage coverage = read_coverage(job, collect);
    if (coverage.locator) drop_origins_beyond(job, coverage, p.origins, collect);
    if (job.needs_origins()) mark_served_areas(job, areas, coverage.locator != nullptr, p.origins, collect);
    warn_areas_near_edge(job, areas, near_edge, coverage.locator != nullptr, p.origins, collect);
    summary.origins = p.origins.location.size();
    if (job.needs_origins())
        collect.info(fmt::format("{} origins carry the population of {} areas", p.origins.location.size(), areas.code.size()));

    p.scenarios = scenario_inputs(job, net, collect);
    summary.scenarios = job.scenarios.size();
    summary.seconds["read"] += clock.lap();
    if (job.services.empty()) return p;

    for (std::size_t si = 0; si < p.scenarios.size(); ++si) {
        p.scenarios[si].origin_snaps.resize(job.modes.size());
        p.scenarios[si].facility_snaps.resize(job.modes.size());
        for (std::size_t mi = 0; mi < job.modes.size(); ++mi) prepare_mode(job, p, si, mi, coverage, collect, summary, clock, with_graph);
    }
    return p;
}

}  // namespace accessatlas::job::detail
