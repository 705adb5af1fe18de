// The index, composite and clustering layers of a job: written with their styles and metadata
// (the values come from area_indices.cpp).
#include "job/area_indices.hpp"
#include "job/layer_schema.hpp"

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

}  // namespace

namespace {

// The figures officers quote for each index: means, the people in the highest-need fifth,
// incomplete areas, Core20.
void write_summary(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const AreaIndicesOutcome& outcome) {
    if (outcome.indices.empty() && !job.composite.enabled) return;
    auto& table = index_summary_schema().create(out);
    table.set_metadata("accessatlas_what", "Summary statistics of each index over the study area");
    table.set_metadata("accessatlas_units", "index units; people; % of the study population");
    table.set_metadata("accessatlas_method",
                       "highest quintile = quintile 1 (the 20% of areas with the highest need); Core20 = IMD decile 1-2");
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
                   wpop > 0 ? io::Value(wsum / wpop) : io::Value(), count ? io::Value(lo) : io::Value(),
                   count ? io::Value(hi) : io::Value(), top, top_pop, pop > 0 ? io::Value(100.0 * top_pop / pop) : io::Value(), inc,
                   imd_decile ? io::Value(core) : io::Value(), imd_decile ? io::Value(core_pop) : io::Value()},
                  nullptr);
    };
    for (const auto& ix : outcome.indices) row(ix.spec->def.name + "_score", ix.result.score, ix.result.incomplete, nullptr);
    if (job.composite.enabled)
        row("composite_score", outcome.composite.result.score, outcome.composite.result.incomplete,
            job.composite.imd_decile.given() ? &outcome.composite.imd_decile : nullptr);
}

}  // namespace

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
            out.push_back({spec.layer,
                           styles::score_0_10(p + c.id, (def.name == "deri" ? "DERI " : def.name + " ") + c.title + " component (0-10)"),
                           false});
        out.push_back({spec.layer, decile, false});
    }
    if (job.composite.enabled) {
        const auto& layer = job.composite.layer;
        out.push_back({layer, styles::deciles_worst_first("composite_decile", "Composite index decile (1 = highest need)"), true});
        out.push_back(
            {layer,
             styles::flag("core20", "Core20: England's most deprived 20% (IMD deciles 1-2)", "Core20 (IMD decile 1-2)", "not Core20"),
             false});
        if (job.composite.method == indices::Normalisation::minmax)
            out.push_back({layer, styles::score_0_10("composite_score", "Composite index (0-10, higher = higher need)"), false});
    }
    if (job.clustering.enabled)
        for (std::size_t k = 0; k < job.clustering.fields.size(); ++k)
            out.push_back({job.clustering.layer,
                           styles::lisa_clusters(job.clustering.fields[k] + "_lisa", "LISA clusters of " + job.clustering.fields[k]),
                           k == 0});
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
        auto& layer = index_schema(spec).create(out);
        const bool minmax = def.normalisation == indices::Normalisation::minmax;
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
            if (r.missing_count[k] > 0)
                missing += fmt::format("{}{} ({} of {} areas)", missing.empty() ? "" : "; ", def.indicators[k].id, r.missing_count[k], n);
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
        const bool sensitivity = !c.rank_min.empty();
        auto& layer = composite_schema(job, sensitivity).create(out);
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
                                       exponential
                                           ? "each domain ranked, exponential transform X = -23 ln(1 - R (1 - e^-100/23)), weighted mean"
                                           : "each domain min-max to 0-10 (10 = worst), weighted mean"));
        layer.set_metadata("accessatlas_weights", domains);
        if (!c.rank_min.empty())
            layer.set_metadata(
                "accessatlas_sensitivity",
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
        auto& layer = clusters_schema(job).create(out);
        layer.set_metadata("accessatlas_what", "Local indicators of spatial association (LISA) per area for the listed fields");
        layer.set_metadata("accessatlas_units", "field values in their own units; local I (unitless); pseudo p-value (0-1); cluster class");
        layer.set_metadata(
            "accessatlas_method",
            fmt::format("{} contiguity (tolerance {} m), row-standardised; {} conditional permutations, seed {}; significance "
                        "{}; pseudo p = (extreme + 1) / (permutations + 1)",
                        spec.contiguity == indices::Contiguity::queen ? "queen" : "rook", spec.tolerance_m, spec.permutations, spec.seed,
                        spec.significance));
        std::string global;
        for (std::size_t k = 0; k < spec.fields.size(); ++k)
            global +=
                fmt::format("{}{}: I = {:.6f}, E[I] = {:.6f}, z = {:.3f}, pseudo p = {:.4f}, areas = {}", k ? "; " : "", spec.fields[k],
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
        auto& table = moran_global_schema().create(out);
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
    for (const auto& s : index_layer_styles(job))
        out.add_style(s.layer, s.style.name, s.style.qml, s.style.sld, s.is_default, s.style.title);
}

}  // namespace accessatlas::job::detail
