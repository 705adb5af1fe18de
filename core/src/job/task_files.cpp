// The files between the distributed stages: the routing inputs plan writes for its workers,
// and a task's result a worker writes for the merge.
#include "job/task_files.hpp"
#include "network/profile_io.hpp"
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>

#include <fmt/format.h>

namespace bin = accessatlas::detail;  // binary files (util/), not the job stages (job::detail)

namespace accessatlas::job::detail {

namespace {

constexpr char inputs_magic[8] = {'A', 'A', 'I', 'N', 'P', 'U', 'T', '\0'};
constexpr char task_magic[8] = {'A', 'A', 'T', 'A', 'S', 'K', '\0', '\0'};
constexpr std::uint32_t inputs_version = 1;
constexpr std::uint32_t task_version = 2;  // 2: transit's window percentiles

// ---- routing inputs -------------------------------------------------------------------

void put_snaps(bin::BinaryWriter& w, const Snaps& snaps) {
    std::vector<std::uint32_t> edge;
    std::vector<double> offset, dist, x, y;
    for (const auto& s : snaps) {
        edge.push_back(s.edge);
        offset.push_back(s.offset_m);
        dist.push_back(s.distance_m);
        x.push_back(s.point.x);
        y.push_back(s.point.y);
    }
    w.put_array(edge);
    w.put_array(offset);
    w.put_array(dist);
    w.put_array(x);
    w.put_array(y);
}

void skip_snaps(bin::BinaryReader& r) {
    r.skip_array<std::uint32_t>();
    for (int k = 0; k < 4; ++k) r.skip_array<double>();
}

Snaps get_snaps(bin::BinaryReader& r) {
    const auto edge = r.get_array<std::uint32_t>();
    const auto offset = r.get_array<double>();
    const auto dist = r.get_array<double>();
    const auto x = r.get_array<double>();
    const auto y = r.get_array<double>();
    Snaps out(edge.size());
    if (offset.size() != out.size() || dist.size() != out.size() || x.size() != out.size() || y.size() != out.size())
        r.fail("snap arrays of different lengths");
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = {edge[i], offset[i], dist[i], {x[i], y[i]}};
    return out;
}

// What a worker needs besides the graph and the job: per scenario the closures, profiles and
// snapped points. Facility names and supply stay with the merge, which reads the inputs again.
std::vector<unsigned char> routing_inputs(const Prepared& p) {
    bin::BinaryWriter w;
    w.put<std::uint64_t>(p.scenarios.size());
    for (const auto& sc : p.scenarios) {
        w.put_string(sc.name);
        w.put_array(sc.closed_edges);
        w.put<std::uint64_t>(sc.profiles.size());
        for (const auto& pr : sc.profiles) network::put_profile(w, pr);
        w.put<std::uint64_t>(sc.origin_snaps.size());
        for (const auto& s : sc.origin_snaps) put_snaps(w, *s);
        w.put<std::uint64_t>(sc.facility_snaps.size());
        for (const auto& per_mode : sc.facility_snaps) {
            w.put<std::uint64_t>(per_mode.size());
            for (const auto& s : per_mode) put_snaps(w, s);
        }
    }
    return w.bytes();
}

// ---- task results ---------------------------------------------------------------------

void put_blobs(bin::BinaryWriter& w, const std::vector<std::vector<unsigned char>>& blobs) {
    w.put<std::uint64_t>(blobs.size());
    for (const auto& b : blobs) w.put_array(b);
}

std::vector<std::vector<unsigned char>> get_blobs(bin::BinaryReader& r) {
    std::vector<std::vector<unsigned char>> out(r.get<std::uint64_t>());
    for (auto& b : out) b = r.get_array<unsigned char>();
    return out;
}

std::vector<unsigned char> encode(const TaskSpec& spec, const TaskResult& t) {
    bin::BinaryWriter w;
    w.put<std::uint32_t>(static_cast<std::uint32_t>(spec.kind));
    if (spec.kind == TaskKind::nearest) {
        w.put_array(t.nearest.time_s);
        w.put_array(t.nearest.length_m);
        w.put_array(t.nearest.facility);
        w.put_array(t.nearest.counts);
        w.put<std::uint64_t>(t.nearest.threshold_count);
        w.put<std::uint64_t>(t.nearest.nodes_settled);
        for (const auto* v : {&t.nearest.p25_s, &t.nearest.p50_s, &t.nearest.p75_s, &t.nearest.best_s}) w.put_array(*v);
        put_blobs(w, t.coverage);
    } else {
        w.put_array(t.reach.first);
        w.put_array(t.reach.origin);
        w.put_array(t.reach.time_s);
        w.put<std::uint64_t>(t.reach.nodes_settled);
        w.put<double>(t.reach.seconds);
        w.put<std::uint64_t>(t.polygons.size());
        for (const auto& f : t.polygons) put_blobs(w, f);
    }
    return w.bytes();
}

TaskResult decode(const bin::CheckedFile& file, const TaskSpec& spec) {
    auto r = file.payload();
    TaskResult t;
    if (r.get<std::uint32_t>() != static_cast<std::uint32_t>(spec.kind))
        throw InputError("the task file holds another kind of task", {file.path, {}, {}, {}}, "delete it and run the task again");
    if (spec.kind == TaskKind::nearest) {
        t.nearest.time_s = r.get_array<double>();
        t.nearest.length_m = r.get_array<double>();
        t.nearest.facility = r.get_array<std::uint32_t>();
        t.nearest.counts = r.get_array<std::uint32_t>();
        t.nearest.threshold_count = r.get<std::uint64_t>();
        t.nearest.nodes_settled = r.get<std::uint64_t>();
        for (auto* v : {&t.nearest.p25_s, &t.nearest.p50_s, &t.nearest.p75_s, &t.nearest.best_s}) *v = r.get_array<double>();
        t.coverage = get_blobs(r);
    } else {
        t.reach.first = r.get_array<std::uint64_t>();
        t.reach.origin = r.get_array<std::uint32_t>();
        t.reach.time_s = r.get_array<float>();
        t.reach.nodes_settled = r.get<std::uint64_t>();
        t.reach.seconds = r.get<double>();
        t.polygons.resize(r.get<std::uint64_t>());
        for (auto& f : t.polygons) f = get_blobs(r);
    }
    return t;
}

}  // namespace

// A worker reads only its task's scenario and mode: the other snaps are stepped over.
ScenarioInputs read_routing_inputs(const std::string& path, std::uint64_t expected_hash, std::size_t scenario, std::size_t mode) {
    const auto file = bin::open_binary_file(path, inputs_magic, inputs_version, "an Access Atlas inputs file",
                                            "plan again: accessatlas plan JOB --dir DIR");
    if (file.header.payload_hash != expected_hash)
        throw InputError("the inputs file does not belong to this manifest", {path, {}, {}, {}}, "plan again");
    auto r = file.payload();
    const auto count = r.get<std::uint64_t>();
    if (scenario >= count) r.fail(fmt::format("there is no scenario {} in the inputs file", scenario));
    ScenarioInputs sc;
    for (std::size_t si = 0; si <= scenario; ++si) {
        const bool wanted = si == scenario;
        sc.name = r.get_string();
        sc.closed_edges = r.get_array<std::uint32_t>();
        sc.profiles.resize(r.get<std::uint64_t>());
        for (auto& pr : sc.profiles) pr = network::get_profile(r);
        sc.origin_snaps.assign(r.get<std::uint64_t>(), nullptr);
        for (std::size_t mi = 0; mi < sc.origin_snaps.size(); ++mi) {
            if (wanted && mi == mode)
                sc.origin_snaps[mi] = std::make_shared<const Snaps>(get_snaps(r));
            else
                skip_snaps(r);
        }
        sc.facility_snaps.assign(r.get<std::uint64_t>(), {});
        for (std::size_t mi = 0; mi < sc.facility_snaps.size(); ++mi) {
            sc.facility_snaps[mi].resize(r.get<std::uint64_t>());
            for (auto& s : sc.facility_snaps[mi]) {
                if (wanted && mi == mode)
                    s = get_snaps(r);
                else
                    skip_snaps(r);
            }
        }
    }
    if (mode >= sc.origin_snaps.size() || !sc.origin_snaps[mode]) r.fail(fmt::format("there is no mode {} in the inputs file", mode));
    return sc;
}

std::uint64_t routing_inputs_hash(const Prepared& prepared) {
    const auto bytes = routing_inputs(prepared);
    return bin::hash_bytes(bytes.data(), bytes.size());
}

std::uint64_t save_routing_inputs(const Prepared& prepared, const std::string& path) {
    return bin::write_binary_file(path, inputs_magic, inputs_version, 0, routing_inputs(prepared));
}

void save_task_result(const std::string& path, std::uint64_t key, const TaskSpec& spec, const TaskResult& result) {
    bin::write_binary_file(path, task_magic, task_version, key, encode(spec, result));
}

TaskResult load_task_result(const std::string& path, const TaskSpec& spec) {
    return decode(bin::open_binary_file(path, task_magic, task_version, "a task file", "run the task again"), spec);
}

std::optional<std::uint64_t> task_file_key(const std::string& path) {
    try {
        return bin::open_binary_file(path, task_magic, task_version, "a task file", "").header.key;
    } catch (const InputError&) {
        return std::nullopt;
    }
}

}  // namespace accessatlas::job::detail
