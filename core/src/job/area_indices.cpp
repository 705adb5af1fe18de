// Indices, the composite index and clustering as job stages: indicator tables read and joined
// by area code, converted between LSOA geographies, scored, written with styles and metadata.
#include "job/area_indices.hpp"

#include <accessatlas/indices/area_codes.hpp>
#include "job/access_schema.hpp"
#include "job/source_reader.hpp"
#include "job/job_parse.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/network.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>

namespace accessatlas::job::detail {

namespace {

const double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<int> score_bands(const std::vector<double>& score) {
    std::vector<int> out;
    for (double s : score) out.push_back(std::isnan(s) ? -1 : std::clamp(static_cast<int>(std::floor(s)), 0, 9));
    return out;
}

}  // namespace

void check_area_field_names(const Job& job) {
    std::vector<std::string> names;
    for (auto mode : job.modes)
        for (const auto& s : job.services)
            for (const auto& f : access_fields(job, s.name, mode)) names.push_back(f.name);
    if (job.greenspace.enabled) {
        for (const char* f : {"greenspace_score", "pop_beyond_10min", "mean_dist_m", "ha_per_1000"}) names.emplace_back(f);
        for (const auto& t : job.greenspace.tiers) names.push_back("pct_" + t.name);
    }
    for (const auto& ix : job.indices) {
        names.push_back(ix.def.name + "_score");
        for (const auto& c : ix.def.components) names.push_back(ix.def.name + "_" + c.id);
        for (const auto& i : ix.def.indicators) {
            names.push_back(ix.def.name + "_" + i.id);
            names.push_back(ix.def.name + "_" + i.id + "_score");
        }
    }
    // Fields of the areas layer itself may be used too (e.g. indicators an officer already has).
    std::vector<std::string> layer_fields;
    bool layer_read = false;
    const auto check = [&](const std::string& name, const std::string& who) {
        if (std::find(names.begin(), names.end(), name) != names.end()) return;
        if (!layer_read) {
            layer_fields = io::layer_field_names(job.areas.path, job.areas.layer);
            layer_read = true;
        }
        if (std::find(layer_fields.begin(), layer_fields.end(), name) != layer_fields.end()) return;
        names.insert(names.end(), layer_fields.begin(), layer_fields.end());
        throw InputError(fmt::format("{}: this job computes no area field '{}'", who, name), {job.job_file, {}, {}, {}},
                         names.empty() ? std::string("give a table instead (path, code_field, field)")
                                       : fmt::format("did you mean '{}'?", nearest_word(name, names)));
    };
    if (job.composite.enabled)
        for (const auto& d : job.composite.domains)
            if (!d.field.empty()) check(d.field, "composite.domains." + d.name + ".field");
    if (job.composite.enabled) {
        names.push_back("composite_score");
        for (const auto& d : job.composite.domains) names.push_back(d.name + "_score");
    }
    if (job.clustering.enabled)
        for (const auto& f : job.clustering.fields) check(f, "clustering.fields");
    if (job.inequality.enabled) {
        if (!job.inequality.no_car_group.empty())
            for (const auto& s : job.services) names.push_back(s.name + "_realistic_time_min");
        for (const auto& f : job.inequality.indicators) check(f, "inequality.indicators");
    }
}

namespace {

// How much the composite's ranking owes to its weights: each domain left out in turn, then
// `draws` random weightings drawn uniformly over all weightings (normalised exponential draws,
// seeded, so a run repeats exactly). The ranks of the areas under every weighting give each
// area's range, and the random ones its 5th-95th percentile band and how often it falls in the
// highest-need fifth.
void composite_sensitivity(const indices::IndexDef& def, CompositeOutcome& c, std::size_t n, Reporter& reporter) {
    CancelOnly quiet(reporter);  // 200 draws of one index: no stage of their own
    constexpr std::size_t draws = 200;
    indices::IndexInput input;
    input.values = c.raw;
    const std::size_t k_count = def.components.size();
    auto ranks_with = [&](const std::vector<double>& weights) {
        indices::IndexDef d = def;
        for (std::size_t k = 0; k < k_count; ++k) d.components[k].weight = weights[k];
        return indices::descending_ranks(indices::compute_index(d, input, quiet).score);
    };
    std::vector<std::vector<int>> one_out, random;
    for (std::size_t k = 0; k < k_count; ++k) {
        std::vector<double> w;
        for (const auto& comp : def.components) w.push_back(comp.weight);
        w[k] = 0;
        one_out.push_back(ranks_with(w));
    }
    std::mt19937_64 rng(20240305);
    std::exponential_distribution<double> e(1.0);
    for (std::size_t r = 0; r < draws; ++r) {
        reporter.check_cancelled();
        std::vector<double> w(k_count);
        for (auto& x : w) x = e(rng);
        random.push_back(ranks_with(w));
    }
    const std::size_t fifth = (n + 4) / 5;
    c.weightings = one_out.size() + random.size();
    c.rank_min.assign(n, 0);
    c.rank_max.assign(n, 0);
    c.rank_p05.assign(n, 0);
    c.rank_p95.assign(n, 0);
    c.top_fifth_pct.assign(n, std::numeric_limits<double>::quiet_NaN());
    std::size_t always = 0, sometimes = 0;
    std::vector<int> band;
    for (std::size_t a = 0; a < n; ++a) {
        if (c.rank[a] <= 0) continue;  // no score
        int lo = c.rank[a], hi = c.rank[a];
        for (const auto* set : {&one_out, &random})
            for (const auto& r : *set)
                if (r[a] > 0) lo = std::min(lo, r[a]), hi = std::max(hi, r[a]);
        band.clear();
        std::size_t top = 0;
        for (const auto& r : random)
            if (r[a] > 0) {
                band.push_back(r[a]);
                top += static_cast<std::size_t>(r[a]) <= fifth;
            }
        std::sort(band.begin(), band.end());
        c.rank_min[a] = lo;
        c.rank_max[a] = hi;
        if (!band.empty()) {
            c.rank_p05[a] = band[band.size() * 5 / 100];
            c.rank_p95[a] = band[std::min(band.size() - 1, band.size() * 95 / 100)];
            c.top_fifth_pct[a] = 100.0 * double(top) / double(band.size());
        }
        always += top == band.size() && !band.empty();
        sometimes += top > 0 && top < band.size();
    }
    reporter.info(
        fmt::format("composite: under {} re-weightings (each domain left out, {} random), {} areas stay in the highest-need fifth "
                    "every time and {} move in or out of it",
                    c.weightings, draws, always, sometimes));
}

}  // namespace

AreaIndicesOutcome compute_area_indices(const Job& job, const AreaSet& areas, FieldStore& store, Reporter& reporter) {
    AreaIndicesOutcome out;
    SourceReader reader(job, reporter, out.inputs, out.conversions);
    const std::size_t n = areas.code.size();
    // A field this run computed, or else a numeric field of the areas layer.
    const auto run_or_layer_field = [&](const std::string& name, const std::string& who) {
        if (const auto* v = store.find(name)) return *v;
        IndicatorSource s;
        s.numerator = {name};
        s.code_field = job.area_code_field;
        return reader.read_for_areas(s, who, areas.code);
    };

    for (const auto& spec : job.indices) {
        const auto& def = spec.def;
        reporter.stage("Index " + def.name);
        IndexOutcome io;
        io.spec = &spec;
        indices::IndexInput input;
        for (std::size_t k = 0; k < def.indicators.size(); ++k) {
            const auto& src = spec.sources[k];
            const std::string who = fmt::format("index {} indicator {}", def.name, def.indicators[k].id);
            if (!src.given()) {
                input.values.emplace_back(n, nan);
            } else {
                input.values.push_back(reader.read_for_areas(src, who, areas.code));
            }
            std::vector<double> reference;
            if (def.basis == indices::Basis::reference) {
                if (spec.references[k].given()) {
                    for (const auto& [code, v] : reader.read_map(spec.references[k], who + " reference", false)) reference.push_back(v);
                } else if (src.given()) {
                    reporter.warning(fmt::format("{}: basis reference but no reference table; scored against the study area", who));
                }
            }
            input.reference.push_back(std::move(reference));
            reporter.check_cancelled();
        }
        if (def.basis == indices::Basis::group) {
            const auto t = io::read_attribute_table(job.areas.path, job.areas.layer, job.area_code_field);
            const int gc = t.require(spec.group_field);
            std::map<std::string, std::string> group_of;
            for (const auto& row : t.rows)
                group_of[normalise_code(row[static_cast<std::size_t>(t.code_column)])] = row[static_cast<std::size_t>(gc)];
            std::map<std::string, std::uint32_t> ids;
            for (const auto& code : areas.code) {
                const auto it = ids.try_emplace(group_of[code], static_cast<std::uint32_t>(ids.size())).first;
                input.groups.push_back(it->second);
            }
            reporter.info(fmt::format("index {}: min-max per {} ({} groups)", def.name, spec.group_field, ids.size()));
        }
        io.result = indices::compute_index(def, input, reporter);
        io.raw = std::move(input.values);
        io.band = score_bands(io.result.score);
        io.quintile = indices::quantile_groups(io.result.score, 5);
        io.decile = indices::quantile_groups(io.result.score, 10);
        store.put(def.name + "_score", io.result.score);
        for (std::size_t c = 0; c < def.components.size(); ++c)
            store.put(def.name + "_" + def.components[c].id, io.result.component_score[c]);
        for (std::size_t k = 0; k < def.indicators.size(); ++k) {
            store.put(def.name + "_" + def.indicators[k].id, io.raw[k]);
            store.put(def.name + "_" + def.indicators[k].id + "_score", io.result.indicator_score[k]);
        }
        double mean = 0;
        std::size_t counted = 0;
        for (double s : io.result.score)
            if (!std::isnan(s)) {
                mean += s;
                ++counted;
            }
        reporter.info(fmt::format("index {}: {} areas scored, mean {:.2f}; {} incomplete", def.name, counted,
                                  counted ? mean / static_cast<double>(counted) : nan,
                                  std::count(io.result.incomplete.begin(), io.result.incomplete.end(), 1)));
        out.indices.push_back(std::move(io));
    }

    if (job.composite.enabled) {
        reporter.stage("Composite index");
        const auto& spec = job.composite;
        indices::IndexDef def;
        def.name = "composite";
        def.title = "Composite access and exclusion index";
        def.normalisation = spec.method;
        def.basis = indices::Basis::area;
        indices::IndexInput input;
        for (const auto& d : spec.domains) {
            def.components.push_back({d.name, d.title, d.weight});
            def.indicators.push_back({d.name, d.title, d.name, 1, d.direction});
            const std::string who = "composite domain " + d.name;
            input.values.push_back(d.field.empty() ? reader.read_for_areas(d.source, who, areas.code) : run_or_layer_field(d.field, who));
        }
        auto& c = out.composite;
        c.result = indices::compute_index(def, input, reporter);
        c.raw = std::move(input.values);
        c.rank = indices::descending_ranks(c.result.score);
        c.decile = indices::quantile_groups(c.result.score, 10);
        c.imd_decile.assign(n, 0);
        if (spec.imd_decile.given()) {
            const auto d = reader.read_for_areas(spec.imd_decile, "composite Core20 (IMD decile)", areas.code);
            for (std::size_t a = 0; a < n; ++a) {
                if (std::isnan(d[a])) continue;
                if (d[a] < 1 || d[a] > 10 || d[a] != std::floor(d[a]))
                    throw InputError(fmt::format("IMD decile {} for {} is not a whole number from 1 to 10", d[a], areas.code[a]),
                                     {spec.imd_decile.path, {}, areas.code[a], spec.imd_decile.numerator.front()},
                                     "give the IMD decile field (1 = most deprived 10%)");
                c.imd_decile[a] = static_cast<int>(d[a]);
            }
        }
        store.put("composite_score", c.result.score);
        for (std::size_t k = 0; k < spec.domains.size(); ++k) store.put(spec.domains[k].name + "_score", c.result.indicator_score[k]);
        if (spec.domains.size() >= 2) composite_sensitivity(def, c, n, reporter);
    }

    if (job.clustering.enabled) {
        reporter.stage("Spatial clustering (Moran's I, LISA)");
        const auto& spec = job.clustering;
        const auto w = indices::contiguity(areas.wkb, spec.contiguity, spec.tolerance_m);
        auto& cl = out.clusters;
        std::vector<std::string> islands;
        for (std::size_t a = 0; a < n; ++a) {
            cl.neighbour_count.push_back(static_cast<std::uint32_t>(w[a].size()));
            if (w[a].empty()) islands.push_back(areas.code[a]);
        }
        if (!islands.empty())
            reporter.warning(fmt::format("clustering: {} areas have no neighbour ({}) and are left out; raise clustering.tolerance_m if "
                                         "the boundaries were generalised one by one",
                                         islands.size(), list_some(islands)));
        for (const auto& f : spec.fields) {
            const auto values = run_or_layer_field(f, "clustering");
            if (!store.find(f)) store.put(f, values);
            cl.global.push_back(indices::moran_global(values, w, spec.permutations, spec.seed));
            cl.local.push_back(indices::local_moran(values, w, spec.permutations, spec.seed, spec.significance, reporter));
            const auto& g = cl.global.back();
            std::map<indices::LisaClass, std::size_t> counts;
            for (auto k : cl.local.back().cls) ++counts[k];
            reporter.info(fmt::format(
                "{}: Moran's I = {:.3f} (expected {:.3f}, pseudo p = {:.3f} from {} permutations); LISA: {} high-high, "
                "{} low-low, {} high-low, {} low-high",
                f, g.i, g.expected, g.p_value, g.permutations, counts[indices::LisaClass::high_high], counts[indices::LisaClass::low_low],
                counts[indices::LisaClass::high_low], counts[indices::LisaClass::low_high]));
        }
    }
    return out;
}

}  // namespace accessatlas::job::detail
