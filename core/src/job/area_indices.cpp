// Indices, the composite index and clustering as job stages: indicator tables read and joined
// by area code, converted between LSOA geographies, scored, written with styles and metadata.
#include "job/area_indices.hpp"

#include <accessatlas/indices/area_codes.hpp>
#include "job/access_schema.hpp"
#include "job/source_reader.hpp"
#include "job/job_parse.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/network.hpp>
#include <accessatlas/io/styles.hpp>
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

const char* basis_name(indices::Basis b) {
    switch (b) {
    case indices::Basis::area: return "area (the study's areas)";
    case indices::Basis::group: return "group (per district)";
    case indices::Basis::reference: return "reference (a national table)";
    }
    return "";
}

const char* normalisation_name(indices::Normalisation n) {
    switch (n) {
    case indices::Normalisation::minmax: return "minmax (0-10)";
    case indices::Normalisation::rank: return "rank";
    case indices::Normalisation::normal: return "normal scores";
    case indices::Normalisation::zscore: return "z-score";
    case indices::Normalisation::exponential: return "exponential (IMD, 0-100)";
    }
    return "";
}

void common_metadata(io::LayerWriter& layer, const Job& job, const AreaIndicesOutcome& outcome) {
    std::string in = job.areas.path;
    for (const auto& i : outcome.inputs) in += "; " + i;
    layer.set_metadata("accessatlas_inputs", in);
    std::string conv;
    for (const auto& c : outcome.conversions) conv += (conv.empty() ? "" : " | ") + c;
    if (!conv.empty()) layer.set_metadata("accessatlas_geography_conversions", conv);
    stamp_run(layer, job);
}

io::Value num(double v) { return std::isnan(v) ? io::Value() : io::Value(v); }
io::Value whole(int v, int none = 0) { return v == none ? io::Value() : io::Value(static_cast<std::int64_t>(v)); }

} // namespace


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
    struct Quiet : Reporter {
        const Reporter& next;
        explicit Quiet(const Reporter& r) : next(r) {}
        bool cancelled() const override { return next.cancelled(); }
    } quiet(reporter);
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
    reporter.info(fmt::format("composite: under {} re-weightings (each domain left out, {} random), {} areas stay in the highest-need fifth "
                              "every time and {} move in or out of it",
                              c.weightings, draws, always, sometimes));
}

} // namespace

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
            for (const auto& row : t.rows) group_of[normalise_code(row[static_cast<std::size_t>(t.code_column)])] = row[static_cast<std::size_t>(gc)];
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
        for (std::size_t c = 0; c < def.components.size(); ++c) store.put(def.name + "_" + def.components[c].id, io.result.component_score[c]);
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
            reporter.info(fmt::format("{}: Moran's I = {:.3f} (expected {:.3f}, pseudo p = {:.3f} from {} permutations); LISA: {} high-high, "
                                      "{} low-low, {} high-low, {} low-high",
                                      f, g.i, g.expected, g.p_value, g.permutations, counts[indices::LisaClass::high_high],
                                      counts[indices::LisaClass::low_low], counts[indices::LisaClass::high_low],
                                      counts[indices::LisaClass::low_high]));
        }
    }
    return out;
}

namespace {

// The figures officers quote for each index: means, the people in the highest-need fifth,
// incomplete areas, Core20.
void write_summary(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const AreaIndicesOutcome& outcome) {
    if (outcome.indices.empty() && !job.composite.enabled) return;
    auto& table = out.create_layer("index_summary", io::GeometryKind::none,
                                   {{"field", io::FieldType::text},
                                    {"areas", io::FieldType::integer},
                                    {"population", io::FieldType::real},
                                    {"mean", io::FieldType::real},
                                    {"population_weighted_mean", io::FieldType::real},
                                    {"minimum", io::FieldType::real},
                                    {"maximum", io::FieldType::real},
                                    {"areas_highest_quintile", io::FieldType::integer},
                                    {"population_highest_quintile", io::FieldType::real},
                                    {"pct_population_highest_quintile", io::FieldType::real},
                                    {"areas_incomplete", io::FieldType::integer},
                                    {"areas_core20", io::FieldType::integer},
                                    {"population_core20", io::FieldType::real}},
                                   "Area statistics per index");
    table.set_metadata("accessatlas_what", "Summary statistics of each index over the study area");
    table.set_metadata("accessatlas_units", "index units; people; % of the study population");
    table.set_metadata("accessatlas_method", "highest quintile = quintile 1 (the 20% of areas with the highest need); Core20 = IMD decile 1-2");
    common_metadata(table, job, outcome);
    const auto row = [&](const std::string& field, const std::vector<double>& score, const std::vector<std::uint8_t>& incomplete,
                         const std::vector<int>* imd_decile) {
        const auto quintile = indices::quantile_groups(score, 5);
        std::int64_t count = 0, top = 0, inc = 0, core = 0;
        double pop = 0, sum = 0, wsum = 0, wpop = 0, top_pop = 0, core_pop = 0;
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t a = 0; a < score.size(); ++a) {
            const double p = std::isfinite(areas.population[a]) ? areas.population[a] : 0.0;  // missing: not counted
            pop += p;
            if (imd_decile && (*imd_decile)[a] >= 1 && (*imd_decile)[a] <= 2) {
                ++core;
                core_pop += p;
            }
            if (std::isnan(score[a])) continue;
            ++count;
            sum += score[a];
            wsum += p * score[a];
            wpop += p;
            lo = std::min(lo, score[a]);
            hi = std::max(hi, score[a]);
            inc += incomplete[a];
            if (quintile[a] == 1) {
                ++top;
                top_pop += p;
            }
        }
        table.add({field, count, pop, count ? io::Value(sum / static_cast<double>(count)) : io::Value(),
                   wpop > 0 ? io::Value(wsum / wpop) : io::Value(), count ? io::Value(lo) : io::Value(), count ? io::Value(hi) : io::Value(),
                   top, top_pop, pop > 0 ? io::Value(100.0 * top_pop / pop) : io::Value(), inc,
                   imd_decile ? io::Value(core) : io::Value(), imd_decile ? io::Value(core_pop) : io::Value()},
                  nullptr);
    };
    for (const auto& ix : outcome.indices) row(ix.spec->def.name + "_score", ix.result.score, ix.result.incomplete, nullptr);
    if (job.composite.enabled)
        row("composite_score", outcome.composite.result.score, outcome.composite.result.incomplete,
            job.composite.imd_decile.given() ? &outcome.composite.imd_decile : nullptr);
}

} // namespace

std::vector<LayerStyle> index_layer_styles(const Job& job) {
    std::vector<LayerStyle> out;
    for (const auto& spec : job.indices) {
        const auto& def = spec.def;
        const std::string p = def.name + "_";
        const bool minmax = def.normalisation == indices::Normalisation::minmax;
        const auto decile = styles::deciles_worst_first(p + "decile", def.title + " decile (1 = highest risk)");
        if (!minmax) {
            out.push_back({spec.layer, decile, true});
            continue;
        }
        out.push_back({spec.layer, styles::score_0_10(p + "score", def.title + " (0-10, higher = higher risk)"), true});
        for (const auto& c : def.components)
            out.push_back({spec.layer, styles::score_0_10(p + c.id, (def.name == "deri" ? "DERI " : def.name + " ") + c.title + " component (0-10)"), false});
        out.push_back({spec.layer, decile, false});
    }
    if (job.composite.enabled) {
        const auto& layer = job.composite.layer;
        out.push_back({layer, styles::deciles_worst_first("composite_decile", "Composite index decile (1 = highest need)"), true});
        out.push_back({layer, styles::flag("core20", "Core20: England's most deprived 20% (IMD deciles 1-2)", "Core20 (IMD decile 1-2)", "not Core20"), false});
        if (job.composite.method == indices::Normalisation::minmax)
            out.push_back({layer, styles::score_0_10("composite_score", "Composite index (0-10, higher = higher need)"), false});
    }
    if (job.clustering.enabled)
        for (std::size_t k = 0; k < job.clustering.fields.size(); ++k)
            out.push_back({job.clustering.layer, styles::lisa_clusters(job.clustering.fields[k] + "_lisa", "LISA clusters of " + job.clustering.fields[k]), k == 0});
    return out;
}

void write_area_indices(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const AreaIndicesOutcome& outcome,
                        const FieldStore& store) {
    const std::size_t n = areas.code.size();
    for (const auto& io_ : outcome.indices) {
        const auto& spec = *io_.spec;
        const auto& def = spec.def;
        const auto& r = io_.result;
        const std::string p = def.name + "_";
        std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text},
                                         {"population", io::FieldType::real}, {p + "score", io::FieldType::real}};
        for (const auto& c : def.components) fields.push_back({p + c.id, io::FieldType::real});
        const bool minmax = def.normalisation == indices::Normalisation::minmax;
        if (minmax) fields.push_back({p + "band", io::FieldType::integer});
        fields.push_back({p + "quintile", io::FieldType::integer});
        fields.push_back({p + "decile", io::FieldType::integer});
        fields.push_back({p + "incomplete", io::FieldType::integer});
        fields.push_back({p + "missing", io::FieldType::text});
        for (const auto& ind : def.indicators) {
            fields.push_back({p + ind.id, io::FieldType::real});
            fields.push_back({p + ind.id + "_score", io::FieldType::real});
        }
        auto& layer = out.create_layer(spec.layer, io::GeometryKind::polygon, fields, def.title);
        layer.set_metadata("accessatlas_what", def.title + ": score, components, indicator values and scores per area");
        layer.set_metadata("accessatlas_units", minmax ? "0-10, 10 = highest risk (scores); indicator values in their own units"
                                                       : "normalised scores, higher = higher risk");
        std::string weights;
        for (std::size_t c = 0; c < def.components.size(); ++c) {
            weights += fmt::format("{}{} {:.4f} [", c ? "; " : "", def.components[c].id, r.component_weight[c]);
            bool first = true;
            for (std::size_t k = 0; k < def.indicators.size(); ++k)
                if (def.indicators[k].component == def.components[c].id) {
                    weights += fmt::format("{}{} {:.4f}", first ? "" : ", ", def.indicators[k].id, r.indicator_weight[k]);
                    first = false;
                }
            weights += "]";
        }
        layer.set_metadata("accessatlas_method",
                           fmt::format("normalisation {}; basis {}; missing {}; weights normalised within each level; bands: floor of the "
                                       "score, quintile and decile 1 = highest risk; see docs/indices.md",
                                       normalisation_name(def.normalisation), basis_name(def.basis),
                                       def.missing == indices::MissingRule::zero ? "zero (GMCA)" : "renormalise"));
        layer.set_metadata("accessatlas_weights", weights);
        std::string missing;
        for (std::size_t k = 0; k < def.indicators.size(); ++k)
            if (r.missing_count[k] > 0) missing += fmt::format("{}{} ({} of {} areas)", missing.empty() ? "" : "; ", def.indicators[k].id, r.missing_count[k], n);
        layer.set_metadata("accessatlas_missing_indicators", missing.empty() ? std::string("none") : missing);
        common_metadata(layer, job, outcome);
        for (std::size_t a = 0; a < n; ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a], num(r.score[a])};
            for (std::size_t c = 0; c < def.components.size(); ++c) v.push_back(num(r.component_score[c][a]));
            if (minmax) v.push_back(whole(io_.band[a], -1));
            v.push_back(whole(io_.quintile[a]));
            v.push_back(whole(io_.decile[a]));
            v.push_back(static_cast<std::int64_t>(r.incomplete[a]));
            v.push_back(r.missing_list[a].empty() ? io::Value() : io::Value(r.missing_list[a]));
            for (std::size_t k = 0; k < def.indicators.size(); ++k) {
                v.push_back(num(io_.raw[k][a]));
                v.push_back(num(r.indicator_score[k][a]));
            }
            layer.add(v, &areas.wkb[a]);
        }
    }

    if (job.composite.enabled) {
        const auto& spec = job.composite;
        const auto& c = outcome.composite;
        std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text},
                                         {"population", io::FieldType::real}};
        for (const auto& d : spec.domains) {
            fields.push_back({d.name, io::FieldType::real});
            fields.push_back({d.name + "_score", io::FieldType::real});
        }
        for (const auto& [name, type] : std::vector<std::pair<std::string, io::FieldType>>{
                 {"composite_score", io::FieldType::real},       {"composite_rank", io::FieldType::integer},
                 {"composite_decile", io::FieldType::integer},   {"composite_incomplete", io::FieldType::integer},
                 {"imd_decile", io::FieldType::integer},         {"core20", io::FieldType::integer}})
            fields.push_back({name, type});
        const bool sensitivity = !c.rank_min.empty();
        if (sensitivity)
            for (const char* f : {"composite_rank_min", "composite_rank_max", "composite_rank_p05", "composite_rank_p95"})
                fields.push_back({f, io::FieldType::integer});
        if (sensitivity) fields.push_back({"composite_top_fifth_pct", io::FieldType::real});
        auto& layer = out.create_layer(spec.layer, io::GeometryKind::polygon, fields, "Composite index of access and exclusion");
        const bool exponential = spec.method == indices::Normalisation::exponential;
        layer.set_metadata("accessatlas_what", "Composite index joining access to services, green space and digital exclusion per area, "
                                               "with Core20 (IMD deciles 1-2)");
        layer.set_metadata("accessatlas_units", exponential ? "0-100 (exponential transform of ranks; 100 = highest need)"
                                                            : "0-10 (mean of min-max scores; 10 = highest need)");
        std::string domains;
        for (std::size_t k = 0; k < spec.domains.size(); ++k)
            domains += fmt::format("{}{} = {} ({}, weight {:.4f})", k ? "; " : "", spec.domains[k].name,
                                   spec.domains[k].field.empty() ? spec.domains[k].source.path : spec.domains[k].field,
                                   spec.domains[k].direction == indices::Direction::higher_is_worse ? "higher is worse" : "lower is worse",
                                   c.result.component_weight[k]);
        layer.set_metadata("accessatlas_method",
                           fmt::format("{}; rank and decile 1 = highest need; core20 = IMD decile 1 or 2; see docs/indices.md",
                                       exponential ? "each domain ranked, exponential transform X = -23 ln(1 - R (1 - e^-100/23)), weighted mean"
                                                   : "each domain min-max to 0-10 (10 = worst), weighted mean"));
        layer.set_metadata("accessatlas_weights", domains);
        if (!c.rank_min.empty())
            layer.set_metadata("accessatlas_sensitivity",
                               fmt::format("composite_rank_min/max: the rank's range over {} re-weightings (each domain left out in turn, then "
                                           "random weightings uniform over all weightings, seeded); composite_rank_p05/p95: the 5th and 95th "
                                           "percentiles over the random ones; composite_top_fifth_pct: % of them that put the area in the "
                                           "highest-need fifth",
                                           c.weightings));
        common_metadata(layer, job, outcome);
        for (std::size_t a = 0; a < n; ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a]};
            for (std::size_t k = 0; k < spec.domains.size(); ++k) {
                v.push_back(num(c.raw[k][a]));
                v.push_back(num(c.result.indicator_score[k][a]));
            }
            v.push_back(num(c.result.score[a]));
            v.push_back(whole(c.rank[a]));
            v.push_back(whole(c.decile[a]));
            v.push_back(static_cast<std::int64_t>(c.result.incomplete[a]));
            v.push_back(whole(c.imd_decile[a]));
            v.push_back(c.imd_decile[a] == 0 ? io::Value() : io::Value(static_cast<std::int64_t>(c.imd_decile[a] <= 2 ? 1 : 0)));
            if (sensitivity) {
                for (int r : {c.rank_min[a], c.rank_max[a], c.rank_p05[a], c.rank_p95[a]}) v.push_back(whole(r));
                v.push_back(num(c.top_fifth_pct[a]));
            }
            layer.add(v, &areas.wkb[a]);
        }
    }

    if (job.clustering.enabled) {
        const auto& spec = job.clustering;
        const auto& cl = outcome.clusters;
        std::vector<io::FieldDef> fields{{"lsoa_code", io::FieldType::text}, {"lsoa_name", io::FieldType::text},
                                         {"neighbours", io::FieldType::integer}};
        for (const auto& f : spec.fields) {
            fields.push_back({f, io::FieldType::real});
            fields.push_back({f + "_lisa_i", io::FieldType::real});
            fields.push_back({f + "_lisa_p", io::FieldType::real});
            fields.push_back({f + "_lisa", io::FieldType::text});
        }
        auto& layer = out.create_layer(spec.layer, io::GeometryKind::polygon, fields, "Local Moran (LISA) clusters");
        layer.set_metadata("accessatlas_what", "Local indicators of spatial association (LISA) per area for the listed fields");
        layer.set_metadata("accessatlas_units", "field values in their own units; local I (unitless); pseudo p-value (0-1); cluster class");
        layer.set_metadata("accessatlas_method",
                           fmt::format("{} contiguity (tolerance {} m), row-standardised; {} conditional permutations, seed {}; significance "
                                       "{}; pseudo p = (extreme + 1) / (permutations + 1)",
                                       spec.contiguity == indices::Contiguity::queen ? "queen" : "rook", spec.tolerance_m, spec.permutations,
                                       spec.seed, spec.significance));
        std::string global;
        for (std::size_t k = 0; k < spec.fields.size(); ++k)
            global += fmt::format("{}{}: I = {:.6f}, E[I] = {:.6f}, z = {:.3f}, pseudo p = {:.4f}, areas = {}", k ? "; " : "", spec.fields[k],
                                  cl.global[k].i, cl.global[k].expected, cl.global[k].z, cl.global[k].p_value, cl.global[k].areas);
        layer.set_metadata("accessatlas_moran_global", global);
        common_metadata(layer, job, outcome);
        for (std::size_t a = 0; a < n; ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a], static_cast<std::int64_t>(cl.neighbour_count[a])};
            for (std::size_t k = 0; k < spec.fields.size(); ++k) {
                v.push_back(num((*store.find(spec.fields[k]))[a]));
                v.push_back(num(cl.local[k].local_i[a]));
                v.push_back(num(cl.local[k].p_value[a]));
                v.push_back(std::string(indices::to_string(cl.local[k].cls[a])));
            }
            layer.add(v, &areas.wkb[a]);
        }
        auto& table = out.create_layer("moran_global", io::GeometryKind::none,
                                       {{"field", io::FieldType::text},
                                        {"moran_i", io::FieldType::real},
                                        {"expected_i", io::FieldType::real},
                                        {"z_permutation", io::FieldType::real},
                                        {"p_pseudo", io::FieldType::real},
                                        {"permutations", io::FieldType::integer},
                                        {"areas", io::FieldType::integer},
                                        {"contiguity", io::FieldType::text}},
                                       "Global Moran's I per field");
        table.set_metadata("accessatlas_what", "Global Moran's I per field (spatial autocorrelation over the study area)");
        table.set_metadata("accessatlas_units", "I (unitless, -1 to 1); z against the permutations; pseudo p-value (0-1)");
        table.set_metadata("accessatlas_method", "row-standardised contiguity weights; seeded permutations; see docs/indices.md");
        common_metadata(table, job, outcome);
        for (std::size_t k = 0; k < spec.fields.size(); ++k) {
            const auto& g = cl.global[k];
            table.add({spec.fields[k], g.i, g.expected, g.z, g.p_value, static_cast<std::int64_t>(g.permutations),
                       static_cast<std::int64_t>(g.areas), std::string(spec.contiguity == indices::Contiguity::queen ? "queen" : "rook")},
                      nullptr);
        }
    }
    write_summary(out, job, areas, outcome);
    for (const auto& s : index_layer_styles(job)) out.add_style(s.layer, s.style.name, s.style.qml, s.style.sld, s.is_default, s.style.title);
}

} // namespace accessatlas::job::detail
