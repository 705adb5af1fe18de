// The inequality lens as a job stage (see inequality_stage.hpp, docs/methods/inequality.md).
#include "job/inequality_stage.hpp"
#include "job/layer_schema.hpp"
#include "job/source_reader.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/styles/styles.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace accessatlas::job::detail {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string units_of(const std::string& field) {
    if (ends_with(field, "_time_min") || ends_with(field, "_p50_min")) return "minutes";
    if (ends_with(field, "_e2sfca_per_1000")) return "per 1,000 people";
    if (field.find("_pct_") != std::string::npos) return "%";
    return "";
}

std::string number(double v) { return std::abs(v) >= 10 ? fmt::format("{:.1f}", v) : fmt::format("{:.2f}", v); }

std::string with_units(double v, const std::string& units) {
    if (!std::isfinite(v)) return "not available";
    return units == "%" ? number(v) + "%" : units.empty() ? number(v) : number(v) + " " + units;
}

// A plain-English reading of the gap and the SII.
std::string sentence(const InequalityIndicator& ind, const std::string& deprivation) {
    const double most = ind.quintiles[0].mean, least = ind.quintiles[4].mean;
    const bool time = ind.units == "minutes";
    std::string s;
    if (std::isfinite(most) && std::isfinite(least)) {
        const double gap = most - least;
        const std::string more = time ? (gap > 0 ? "longer" : "shorter") : (gap > 0 ? "higher" : "lower");
        s = fmt::format("People in the most deprived fifth ({} quintile 1) average {} against {} in the least deprived fifth: {} {}.",
                        deprivation, with_units(most, ind.units), with_units(least, ind.units), with_units(std::abs(gap), ind.units), more);
    } else {
        s = fmt::format("No area here is in the {} fifth, so the gap between the most and least deprived fifths is not given.",
                        std::isfinite(most) ? "least deprived" : "most deprived");
    }
    const auto& e = ind.sii.sii;
    if (std::isfinite(e.value)) {
        s += fmt::format(" Across the {} deciles present, the Slope Index of Inequality is {} (95% CI {} to {}{}): ", ind.sii.groups,
                         number(e.value), number(e.lower), number(e.upper), ind.units.empty() ? "" : " " + ind.units);
        if (e.lower <= 0 && e.upper >= 0)
            s += "the interval includes 0, so these areas show no clear gradient.";
        else if (e.value < 0)
            s += time ? "journeys are longer towards the most deprived end." : "values are higher towards the most deprived end.";
        else
            s += time ? "journeys are longer towards the least deprived end." : "values are higher towards the least deprived end.";
    } else {
        s += fmt::format(" The SII needs at least 3 deciles with people; these areas have {}.", ind.sii.groups);
    }
    return s;
}

// Per area: a table's class text, by area code.
std::vector<std::string> read_classes(const Job& job, const AreaSet& areas, Reporter& reporter) {
    const auto& spec = job.inequality;
    const auto table = io::read_attribute_table(spec.classes.path, spec.classes.layer, spec.class_code_field);
    const int field = table.require(spec.class_field);
    std::map<std::string, std::string> by_code;
    for (const auto& row : table.rows) {
        const std::string& code = row[static_cast<std::size_t>(table.code_column)];
        const std::string& cls = row[static_cast<std::size_t>(field)];
        if (!code.empty() && !cls.empty()) by_code[normalise_code(code)] = cls;
    }
    report_join(areas.code, by_code,
                {"inequality classes", spec.classes.path, spec.class_code_field, spec.class_field, "class_missing",
                 "left out of the class summaries"},
                reporter);
    std::vector<std::string> out(areas.code.size());
    for (std::size_t a = 0; a < areas.code.size(); ++a)
        if (const auto it = by_code.find(areas.code[a]); it != by_code.end()) out[a] = it->second;
    return out;
}

}  // namespace

std::vector<std::string> inequality_indicators(const Job& job, const FieldStore& store) {
    if (!job.inequality.indicators.empty()) return job.inequality.indicators;
    std::vector<std::string> out;
    for (const auto& name : store.names()) {
        const bool index_score =
            name == "greenspace_score" || name == "composite_score" ||
            std::any_of(job.indices.begin(), job.indices.end(), [&](const IndexSpec& ix) { return name == ix.def.name + "_score"; });
        if (ends_with(name, "_time_min") || ends_with(name, "_e2sfca_per_1000") || index_score) out.push_back(name);
    }
    return out;
}

InequalityOutcome compute_inequality(const Job& job, const AreaSet& areas, FieldStore& store, Reporter& reporter) {
    const auto& spec = job.inequality;
    InequalityOutcome out;
    reporter.stage("Inequality: access by deprivation, group and class");
    std::vector<std::string> conversions;
    SourceReader reader(job, reporter, out.inputs, conversions);
    const std::size_t n = areas.code.size();
    const auto decile_values = reader.read_for_areas(spec.deprivation, "inequality.deprivation", areas.code);
    std::vector<int> decile(n, 0), quintile(n, 0);
    std::vector<std::string> bad;
    for (std::size_t a = 0; a < n; ++a) {
        const double d = decile_values[a];
        if (!std::isfinite(d)) continue;
        if (d != std::floor(d) || d < 1 || d > 10) {
            bad.push_back(fmt::format("{} ({})", areas.code[a], d));
            continue;
        }
        decile[a] = static_cast<int>(d);
        quintile[a] = (decile[a] + 1) / 2;
    }
    if (!bad.empty())
        throw InputError(
            fmt::format("inequality.deprivation: {} areas have a decile that is not a whole number from 1 to 10: {}", bad.size(),
                        list_some(bad, 10)),
            {spec.deprivation.path, {}, {}, spec.deprivation.numerator.empty() ? std::string() : spec.deprivation.numerator.front()},
            "give the decile field (1 = most deprived), not a rank or a score");
    std::vector<double> deprivation(n, inequality::nan);
    if (spec.deprivation_score.given()) {
        deprivation = reader.read_for_areas(spec.deprivation_score, "inequality.deprivation_score", areas.code);
    } else {
        for (std::size_t a = 0; a < n; ++a)
            if (decile[a] > 0) deprivation[a] = 11 - decile[a];
    }
    // Deciles with too few areas to estimate from.
    std::map<int, std::size_t> areas_in;
    for (int d : decile)
        if (d > 0) ++areas_in[d];
    std::vector<std::string> thin;
    for (const auto& [d, k] : areas_in)
        if (k < spec.min_areas_per_decile) thin.push_back(fmt::format("decile {} ({} area{})", d, k, k == 1 ? "" : "s"));
    if (!thin.empty() || areas_in.size() < 10)
        reporter.warning(
            fmt::format("inequality: {} of 10 {} deciles hold areas here{}{}; estimates by decile, the gap and the SII rest on few "
                        "areas and their intervals are wide",
                        areas_in.size(), spec.deprivation_name, thin.empty() ? "" : ", and these have fewer than ",
                        thin.empty() ? std::string() : fmt::format("{}: {}", spec.min_areas_per_decile, list_some(thin, 10))));

    // Realistic access for households without a car: drive time for the share with a car, transit
    // (or walking) for the share without.
    std::vector<std::vector<double>> group_count(spec.groups.size()), group_total(spec.groups.size());
    for (std::size_t g = 0; g < spec.groups.size(); ++g) {
        IndicatorSource num = spec.groups[g].counts, den = spec.groups[g].counts;
        num.denominator.clear();
        num.kind = indices::ValueKind::count;
        num.scale = 1;
        den.numerator = den.denominator;
        den.denominator.clear();
        den.kind = indices::ValueKind::count;
        den.scale = 1;
        group_count[g] = reader.read_for_areas(num, "inequality group " + spec.groups[g].name, areas.code);
        group_total[g] = reader.read_for_areas(den, "inequality group " + spec.groups[g].name, areas.code);
    }
    if (!spec.no_car_group.empty()) {
        std::size_t g = 0;
        while (spec.groups[g].name != spec.no_car_group) ++g;
        for (const auto& service : job.services) {
            const auto* drive = store.find(service.name + "_drive_time_min");
            const auto* other = store.find(service.name + "_transit_time_min");
            if (!other) other = store.find(service.name + "_walk_time_min");
            if (!drive || !other) {
                reporter.warning(fmt::format("inequality: no realistic time for {}: it needs the drive time and the transit or walk time",
                                             service.name));
                continue;
            }
            std::vector<double> v(n, inequality::nan);
            for (std::size_t a = 0; a < n; ++a) {
                const double share = group_total[g][a] > 0 ? group_count[g][a] / group_total[g][a] : inequality::nan;
                if (std::isfinite(share)) v[a] = (1 - share) * (*drive)[a] + share * (*other)[a];
            }
            const std::string name = service.name + "_realistic_time_min";
            store.put(name, v);
            out.no_car_fields.emplace_back(name, std::move(v));
        }
    }

    const auto classes = spec.classes.path.empty() ? std::vector<std::string>() : read_classes(job, areas, reporter);
    std::set<std::string> class_names(classes.begin(), classes.end());
    class_names.erase("");

    auto add = [&](const std::string& ind, const std::string& measure, double v, double lo, double hi, const std::string& method) {
        out.rows.push_back({ind, measure, v, lo, hi, method});
    };
    auto indicators = inequality_indicators(job, store);
    for (const auto& f : out.no_car_fields)
        if (std::find(indicators.begin(), indicators.end(), f.first) == indicators.end()) indicators.push_back(f.first);
    for (const auto& name : indicators) {
        // A field this run computed, or else a numeric field of the areas layer (any layer in QGIS).
        if (!store.find(name)) {
            IndicatorSource s;
            s.numerator = {name};
            s.code_field = job.area_code_field;
            store.put(name, reader.read_for_areas(s, "inequality.indicators", areas.code));
        }
        const auto& values = *store.find(name);
        InequalityIndicator ind;
        ind.name = name;
        ind.units = units_of(name);
        ind.deciles = inequality::by_group(values, areas.population, decile, 10);
        ind.quintiles = inequality::by_group(values, areas.population, quintile, 5);
        ind.sii = inequality::slope_index(ind.deciles);
        ind.sentence = sentence(ind, spec.deprivation_name);
        const std::string d = spec.deprivation_name;
        double people = 0, sum = 0;
        for (std::size_t a = 0; a < n; ++a)
            if (std::isfinite(values[a]) && areas.population[a] > 0) people += areas.population[a], sum += areas.population[a] * values[a];
        add(name, "mean", people > 0 ? sum / people : inequality::nan, inequality::nan, inequality::nan,
            "population-weighted mean over areas");
        const double q1 = ind.quintiles[0].mean, q5 = ind.quintiles[4].mean;
        add(name, "gap_most_minus_least_deprived_fifth", q1 - q5, inequality::nan, inequality::nan,
            d + " quintile 1 minus quintile 5, population-weighted means");
        add(name, "ratio_most_to_least_deprived_fifth", q5 != 0 ? q1 / q5 : inequality::nan, inequality::nan, inequality::nan,
            d + " quintile 1 / quintile 5");
        add(name, "sii", ind.sii.sii.value, ind.sii.sii.lower, ind.sii.sii.upper,
            fmt::format("OHID slope index: weighted regression of decile means on the cumulative population midpoint (0 = most, 1 = least "
                        "deprived), least minus most deprived end; 95% CI from the regression standard error, t with {} df",
                        ind.sii.groups > 2 ? ind.sii.groups - 2 : 0));
        add(name, "rii", ind.sii.rii.value, ind.sii.rii.lower, ind.sii.rii.upper,
            "fitted value at the least deprived end / at the most deprived end; 95% CI by the delta method");
        const auto c = inequality::concentration_index(values, areas.population, deprivation);
        add(name, "concentration_index", c.value, c.lower, c.upper,
            std::string("Wagstaff concentration index, people ranked from the most deprived (") +
                (spec.deprivation_score.given() ? "by the deprivation score" : "by decile, ties sharing their rank") +
                "); negative = concentrated among the more deprived; 95% CI from the convenient regression");
        add(name, "gini", inequality::gini(values, areas.population), inequality::nan, inequality::nan, "Gini across people");
        add(name, "theil", inequality::theil(values, areas.population), inequality::nan, inequality::nan, "Theil T across people");
        // Core20: people in the most deprived fifth nationally (deciles 1 and 2) beyond each threshold.
        if (ends_with(name, "_time_min")) {
            const std::string prefix = name.substr(0, name.size() - std::string("time_min").size());
            for (double t : job.thresholds_min) {
                const auto* pct = store.find(prefix + "pct_" + threshold_label(t));
                if (!pct) continue;
                double core20 = 0, beyond = 0;
                for (std::size_t a = 0; a < n; ++a)
                    if ((decile[a] == 1 || decile[a] == 2) && std::isfinite((*pct)[a]) && areas.population[a] > 0) {
                        core20 += areas.population[a];
                        beyond += areas.population[a] * (1 - (*pct)[a] / 100);
                    }
                add(name, fmt::format("core20_people_beyond_{}", threshold_label(t)), beyond, inequality::nan, inequality::nan,
                    fmt::format("people in {} deciles 1-2 (Core20) not within {} min", d, t));
                add(name, fmt::format("core20_share_beyond_{}", threshold_label(t)), core20 > 0 ? 100 * beyond / core20 : inequality::nan,
                    inequality::nan, inequality::nan, fmt::format("% of Core20 people not within {} min", t));
            }
        }
        for (std::size_t g = 0; g < spec.groups.size(); ++g) {
            const auto r = inequality::group_versus_rest(values, group_count[g], group_total[g]);
            const std::string& gn = spec.groups[g].name;
            add(name, "group_" + gn + "_mean", r.group_mean, inequality::nan, inequality::nan,
                spec.groups[g].title + ": mean weighted by the group's count");
            add(name, "group_" + gn + "_rest_mean", r.rest_mean, inequality::nan, inequality::nan,
                "everyone else counted: mean weighted by their count");
            add(name, "group_" + gn + "_gap", r.gap, inequality::nan, inequality::nan, "group minus the rest");
            // For travel times, the % within each threshold too (each area's % of people within T,
            // weighted by the group's count and by the rest's).
            if (!ends_with(name, "_time_min")) continue;
            const std::string prefix = name.substr(0, name.size() - std::string("time_min").size());
            for (double t : job.thresholds_min) {
                const auto* pct = store.find(prefix + "pct_" + threshold_label(t));
                if (!pct) continue;
                const auto p = inequality::group_versus_rest(*pct, group_count[g], group_total[g]);
                const std::string label = threshold_label(t);
                add(name, "group_" + gn + "_pct_within_" + label, p.group_mean, inequality::nan, inequality::nan,
                    fmt::format("{}: % within {} min, weighted by the group's count", spec.groups[g].title, t));
                add(name, "group_" + gn + "_rest_pct_within_" + label, p.rest_mean, inequality::nan, inequality::nan,
                    fmt::format("everyone else counted: % within {} min", t));
                add(name, "group_" + gn + "_pct_within_" + label + "_gap", p.gap, inequality::nan, inequality::nan,
                    "group minus the rest (points)");
            }
        }
        for (const auto& cls : class_names) {
            std::vector<int> member(n, 0);
            for (std::size_t a = 0; a < n; ++a) member[a] = classes[a] == cls ? 1 : 0;
            const auto gsum = inequality::by_group(values, areas.population, member, 1);
            add(name, "class_" + cls + "_mean", gsum[0].mean, inequality::nan, inequality::nan,
                fmt::format("{} areas, {:.0f} people of class '{}' ({})", gsum[0].areas, gsum[0].population, cls, spec.class_field));
        }
        out.indicators.push_back(std::move(ind));
    }
    return out;
}

void write_inequality(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const InequalityOutcome& outcome) {
    const auto describe = [&](io::LayerWriter& layer, const std::string& what, const std::string& units) {
        layer.set_metadata("accessatlas_what", what);
        layer.set_metadata("accessatlas_units", units);
        layer.set_metadata("accessatlas_method", "docs/methods/inequality.md (OHID SII/RII, Wagstaff concentration index, Gini, Theil)");
        std::string inputs = job.areas.path + "; " + job.inequality.deprivation.path;
        for (const auto& g : job.inequality.groups) inputs += "; " + g.counts.path;
        if (!job.inequality.classes.path.empty()) inputs += "; " + job.inequality.classes.path;
        layer.set_metadata("accessatlas_inputs", inputs);
        stamp_run(layer, job);
    };
    auto& summary = inequality_summary_schema().create(out);
    describe(summary,
             "Inequality measures per area indicator by " + job.inequality.deprivation_name +
                 " decile, group and class; lower and upper: 95% CI",
             "the indicator's units (gaps, SII, means), ratios (RII), unitless (concentration index, Gini, Theil), people and %");
    const auto num = [](double v) { return std::isfinite(v) ? io::Value(v) : io::Value(); };
    for (const auto& r : outcome.rows) summary.add({r.indicator, r.measure, num(r.value), num(r.lower), num(r.upper), r.method}, nullptr);
    for (const auto& ind : outcome.indicators) {
        auto& layer = by_decile_schema(ind.name, job.inequality.deprivation_name).create(out);
        describe(layer, ind.sentence, ind.units.empty() ? std::string("the indicator's units") : ind.units);
        double total = 0;
        for (const auto& g : ind.deciles)
            if (g.population > 0 && std::isfinite(g.mean)) total += g.population;
        double cumulative = 0;
        for (std::size_t d = 0; d < ind.deciles.size(); ++d) {
            const auto& g = ind.deciles[d];
            double fitted = inequality::nan;
            if (g.population > 0 && std::isfinite(g.mean) && std::isfinite(ind.sii.sii.value)) {
                const double x = (cumulative + g.population / 2) / total;
                fitted = ind.sii.fitted_most + x * ind.sii.sii.value;
                cumulative += g.population;
            }
            layer.add({std::string("decile"), static_cast<std::int64_t>(d + 1), static_cast<std::int64_t>(g.areas), g.population,
                       num(g.mean), num(fitted)},
                      nullptr);
        }
        for (std::size_t q = 0; q < ind.quintiles.size(); ++q) {
            const auto& g = ind.quintiles[q];
            layer.add({std::string("quintile"), static_cast<std::int64_t>(q + 1), static_cast<std::int64_t>(g.areas), g.population,
                       num(g.mean), io::Value()},
                      nullptr);
        }
    }
    if (!outcome.no_car_fields.empty()) {
        std::vector<std::string> names;
        for (const auto& f : outcome.no_car_fields) names.push_back(f.first);
        auto& layer = realistic_access_schema(names).create(out);
        describe(layer,
                 "Realistic travel time per area: the share of households with a car at the drive time, the share without at the "
                 "transit time (walking where there is no transit mode)",
                 "minutes");
        for (std::size_t f = 0; f < outcome.no_car_fields.size(); ++f) {
            const auto& name = outcome.no_car_fields[f].first;
            const auto st =
                styles::time_minutes(name, "Realistic time to the nearest " + name.substr(0, name.find("_realistic")) + " (minutes)");
            out.add_style(layer.name(), st.name, st.qml, st.sld, f == 0, st.title);
        }
        for (std::size_t a = 0; a < areas.code.size(); ++a) {
            std::vector<io::Value> v{areas.code[a], areas.name[a]};
            for (const auto& f : outcome.no_car_fields) v.push_back(num(f.second[a]));
            layer.add(v, &areas.wkb[a]);
        }
    }
}

std::vector<report::Gradient> inequality_gradients(const InequalityOutcome& outcome) {
    std::vector<report::Gradient> out;
    for (const auto& ind : outcome.indicators) {
        report::Gradient g;
        g.title = ind.name + (ind.units.empty() ? std::string() : " (" + ind.units + ")");
        g.units = ind.units;
        for (const auto& d : ind.deciles) {
            g.decile_mean.push_back(d.mean);
            g.decile_population.push_back(d.population);
        }
        g.fitted_most = std::isfinite(ind.sii.fitted_most) ? ind.sii.fitted_most : 0;
        g.fitted_least = std::isfinite(ind.sii.fitted_least) ? ind.sii.fitted_least : 0;
        g.sii_lower = ind.sii.sii.lower;
        g.sii_upper = ind.sii.sii.upper;
        g.sentence = ind.sentence;
        out.push_back(std::move(g));
    }
    return out;
}

}  // namespace accessatlas::job::detail
