// Normalisations, weighted components and indices, bands. Formulas: docs/indices.md.
#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace accessatlas::indices {

namespace {

const double nan = std::numeric_limits<double>::quiet_NaN();

// Orients a value so that larger is always worse.
double oriented(double v, Direction d) { return d == Direction::higher_is_worse ? v : -v; }

// A sorted sample of oriented values, for ranks and extremes.
struct Sample {
    std::vector<double> sorted;
    double mean = 0, sd = 0;

    explicit Sample(std::vector<double> values) : sorted(std::move(values)) {
        sorted.erase(std::remove_if(sorted.begin(), sorted.end(), [](double x) { return std::isnan(x); }), sorted.end());
        std::sort(sorted.begin(), sorted.end());
        if (sorted.empty()) return;
        mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
        double ss = 0;
        for (double x : sorted) ss += (x - mean) * (x - mean);
        sd = sorted.size() > 1 ? std::sqrt(ss / static_cast<double>(sorted.size() - 1)) : 0.0;
    }
    bool constant() const { return sorted.empty() || sorted.front() == sorted.back(); }

    // Average rank (1-based) of v among the sample; when v is not one of the sample (a
    // reference basis) it is ranked as if inserted, among size() + 1 values.
    double rank(double v, bool member) const {
        const auto lo = std::lower_bound(sorted.begin(), sorted.end(), v);
        const auto hi = std::upper_bound(sorted.begin(), sorted.end(), v);
        const double less = static_cast<double>(lo - sorted.begin());
        const double equal = static_cast<double>(hi - lo) + (member ? 0.0 : 1.0);
        return less + (equal + 1.0) / 2.0;
    }
    double count(bool member) const { return static_cast<double>(sorted.size()) + (member ? 0.0 : 1.0); }
};

double normalise_one(double v, const Sample& s, Normalisation method, bool member) {
    if (std::isnan(v) || s.sorted.empty()) return nan;
    switch (method) {
    case Normalisation::minmax: {
        if (s.constant()) return 0.0;
        const double x = 10.0 * (v - s.sorted.front()) / (s.sorted.back() - s.sorted.front());
        return std::clamp(x, 0.0, 10.0);  // a reference basis may not hold the study's extremes
    }
    case Normalisation::zscore: return s.sd > 0 ? (v - s.mean) / s.sd : 0.0;
    case Normalisation::rank: return s.rank(v, member) / s.count(member);
    case Normalisation::normal: {
        static const boost::math::normal standard;
        return boost::math::quantile(standard, s.rank(v, member) / (s.count(member) + 1.0));
    }
    case Normalisation::exponential: return exponential_transform(s.rank(v, member) / s.count(member));
    }
    return nan;
}

void check_weights(const std::vector<double>& w, const std::string& what) {
    double sum = 0;
    for (double x : w) {
        if (!(x >= 0) || !std::isfinite(x))
            throw InputError(fmt::format("{}: weight {} is not a number >= 0", what, x), {}, "use weights of 0 or more");
        sum += x;
    }
    if (!(sum > 0)) throw InputError(what + ": the weights are all 0", {}, "give at least one a weight above 0");
}

}  // namespace

double exponential_transform(double r) { return -23.0 * std::log(1.0 - r * (1.0 - std::exp(-100.0 / 23.0))); }

std::vector<double> normalise(const std::vector<double>& values, Normalisation method, Direction direction, Basis basis,
                              const std::vector<std::uint32_t>& groups, const std::vector<double>& reference,
                              std::size_t* constant_groups) {
    std::vector<double> out(values.size(), nan);
    std::vector<double> ov(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) ov[i] = oriented(values[i], direction);
    std::size_t constants = 0;
    if (basis == Basis::group) {
        if (groups.size() != values.size()) throw InternalError("normalise: one group per area is needed");
        std::vector<std::uint32_t> order(values.size());
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return groups[a] < groups[b]; });
        for (std::size_t b = 0; b < order.size();) {
            std::size_t e = b;
            std::vector<double> members;
            while (e < order.size() && groups[order[e]] == groups[order[b]]) members.push_back(ov[order[e++]]);
            const Sample s(members);
            constants += s.constant() && !s.sorted.empty();
            for (std::size_t k = b; k < e; ++k) out[order[k]] = normalise_one(ov[order[k]], s, method, true);
            b = e;
        }
    } else {
        const bool member = basis == Basis::area || reference.empty();
        std::vector<double> sample = ov;
        if (!member) {
            sample.clear();
            for (double r : reference) sample.push_back(oriented(r, direction));
        }
        const Sample s(sample);
        constants += s.constant() && !s.sorted.empty();
        for (std::size_t i = 0; i < values.size(); ++i) out[i] = normalise_one(ov[i], s, method, member);
    }
    if (constant_groups) *constant_groups = constants;
    return out;
}

IndexDef deri_preset() {
    IndexDef d;
    d.name = "deri";
    d.title = "Digital Exclusion Risk Index (GMCA DERI v1.6 method)";
    d.normalisation = Normalisation::minmax;
    d.basis = Basis::area;
    d.components = {{"demography", "Demography", 1}, {"broadband", "Broadband", 1}, {"deprivation", "Deprivation", 1}};
    using D = Direction;
    d.indicators = {
        {"pct_65_plus", "% of the population aged 65 and over", "demography", 5, D::higher_is_worse},
        {"pct_75_plus", "% of the population aged 75 and over", "demography", 5, D::higher_is_worse},
        {"pct_limited_activities", "% of residents whose day-to-day activities are limited", "demography", 2, D::higher_is_worse},
        {"pct_social_grade_de", "% of the population in social grade DE", "demography", 2, D::higher_is_worse},
        {"pct_no_30mbit", "% of premises unable to receive 30 Mbit/s", "broadband", 3, D::higher_is_worse},
        {"pct_under_10mbit", "% of connections receiving under 10 Mbit/s", "broadband", 3, D::higher_is_worse},
        {"avg_download_mbit", "Average download speed (Mbit/s), lower = higher risk", "broadband", 3, D::lower_is_worse},
        {"pct_no_qualifications", "% of residents aged 16+ with no qualifications", "deprivation", 4, D::higher_is_worse},
        {"unemployment_rate", "Unemployment rate (alternative claimant count)", "deprivation", 2, D::higher_is_worse},
        {"pension_credit_per_1000", "Guaranteed Pension Credit claimants per 1,000 aged 65+", "deprivation", 2, D::higher_is_worse},
        {"imd_score", "Index of Multiple Deprivation score", "deprivation", 2, D::higher_is_worse},
    };
    return d;
}

IndexResult compute_index(const IndexDef& def, const IndexInput& input, Reporter& reporter) {
    const std::size_t n_ind = def.indicators.size();
    const std::size_t n_comp = def.components.size();
    if (n_ind == 0) throw InputError("index " + def.name + " has no indicators", {}, "add indicators to the index");
    if (input.values.size() != n_ind) throw InternalError("compute_index: one value column per indicator is needed");
    const std::size_t n = input.values.front().size();

    std::vector<std::size_t> comp_of(n_ind);
    std::vector<double> cw;
    for (const auto& c : def.components) cw.push_back(c.weight);
    check_weights(cw, "index " + def.name + " components");
    for (std::size_t k = 0; k < n_ind; ++k) {
        const auto& ind = def.indicators[k];
        const auto it = std::find_if(def.components.begin(), def.components.end(), [&](const auto& c) { return c.id == ind.component; });
        if (it == def.components.end())
            throw InputError(
                fmt::format("index {}: indicator {} names component '{}', which the index does not have", def.name, ind.id, ind.component),
                {}, "add the component or correct the indicator's component");
        comp_of[k] = static_cast<std::size_t>(it - def.components.begin());
    }

    IndexResult r;
    r.indicator_weight.assign(n_ind, 0);
    r.component_weight.assign(n_comp, 0);
    // Weights normalised within each level, so only their ratios matter (as in GMCA's tool).
    const double cw_sum = std::accumulate(cw.begin(), cw.end(), 0.0);
    for (std::size_t c = 0; c < n_comp; ++c) {
        r.component_weight[c] = cw[c] / cw_sum;
        std::vector<double> w;
        for (std::size_t k = 0; k < n_ind; ++k)
            if (comp_of[k] == c) w.push_back(def.indicators[k].weight);
        if (w.empty())
            throw InputError(fmt::format("index {}: component {} has no indicators", def.name, def.components[c].id), {},
                             "give it an indicator or remove it");
        check_weights(w, fmt::format("index {} component {}", def.name, def.components[c].id));
        const double s = std::accumulate(w.begin(), w.end(), 0.0);
        for (std::size_t k = 0; k < n_ind; ++k)
            if (comp_of[k] == c) r.indicator_weight[k] = def.indicators[k].weight / s;
    }

    std::vector<std::string> absent;  // indicators with no value anywhere
    r.indicator_score.resize(n_ind);
    r.missing_count.assign(n_ind, 0);
    for (std::size_t k = 0; k < n_ind; ++k) {
        const auto& ind = def.indicators[k];
        if (input.values[k].size() != n) throw InternalError("compute_index: indicator columns differ in length");
        static const std::vector<double> none;
        const auto& ref = k < input.reference.size() ? input.reference[k] : none;
        std::size_t constants = 0;
        r.indicator_score[k] = normalise(input.values[k], def.normalisation, ind.direction, def.basis, input.groups, ref, &constants);
        for (double v : input.values[k]) r.missing_count[k] += std::isnan(v);
        if (r.missing_count[k] == n)
            absent.push_back(ind.id);
        else if (r.missing_count[k] > 0)
            reporter.warning(fmt::format("index {}: indicator {} is missing for {} of {} areas; those areas are flagged {}_incomplete",
                                         def.name, ind.id, r.missing_count[k], n, def.name));
        if (constants > 0)
            reporter.warning(fmt::format("index {}: indicator {} has the same value for every area of {} basis group(s); it "
                                         "scores 0 there and does not discriminate",
                                         def.name, ind.id, constants));
    }

    if (absent.size() == n_ind)
        throw InputError(fmt::format("index {}: no indicator has data", def.name), {},
                         "give at least one indicator's table and field (see docs/indices.md)");
    if (!absent.empty()) {
        std::string list;
        for (const auto& id : absent) list += (list.empty() ? "" : ", ") + id;
        reporter.warning(fmt::format("index {}: no data for {} of {} indicators ({}); {}", def.name, absent.size(), n_ind, list,
                                     def.missing == MissingRule::zero ? "they score 0 everywhere (missing = zero, GMCA's rule)"
                                                                      : "the weights are re-normalised over the indicators present"));
        for (std::size_t c = 0; c < n_comp; ++c) {
            bool none = true;
            for (std::size_t k = 0; k < n_ind; ++k)
                if (comp_of[k] == c) none = none && std::find(absent.begin(), absent.end(), def.indicators[k].id) != absent.end();
            if (none)
                reporter.warning(fmt::format("index {}: component {} has no data at all; {}", def.name, def.components[c].id,
                                             def.missing == MissingRule::zero ? "it scores 0 for every area"
                                                                              : "the index is the weighted mean of the other components"));
        }
    }
    r.component_score.assign(n_comp, std::vector<double>(n, nan));
    r.score.assign(n, nan);
    r.incomplete.assign(n, 0);
    r.missing_list.assign(n, {});
    for (std::size_t a = 0; a < n; ++a) {
        std::vector<double> csum(n_comp, 0), cwt(n_comp, 0);
        for (std::size_t k = 0; k < n_ind; ++k) {
            double s = r.indicator_score[k][a];
            if (std::isnan(s)) {
                r.incomplete[a] = 1;
                r.missing_list[a] += (r.missing_list[a].empty() ? "" : ",") + def.indicators[k].id;
                if (def.missing == MissingRule::renormalise) continue;
                s = 0;
            }
            csum[comp_of[k]] += r.indicator_weight[k] * s;
            cwt[comp_of[k]] += r.indicator_weight[k];
        }
        double total = 0, twt = 0;
        for (std::size_t c = 0; c < n_comp; ++c) {
            if (cwt[c] <= 0) continue;  // every indicator of the component missing
            r.component_score[c][a] = def.missing == MissingRule::zero ? csum[c] : csum[c] / cwt[c];
            total += r.component_weight[c] * r.component_score[c][a];
            twt += r.component_weight[c];
        }
        if (twt > 0) r.score[a] = def.missing == MissingRule::zero ? total : total / twt;
    }
    return r;
}

std::vector<int> descending_ranks(const std::vector<double>& values) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isnan(values[i])) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return values[a] > values[b]; });
    std::vector<int> rank(values.size(), 0);
    for (std::size_t k = 0; k < order.size(); ++k)
        rank[order[k]] = (k > 0 && values[order[k]] == values[order[k - 1]]) ? rank[order[k - 1]] : static_cast<int>(k + 1);
    return rank;
}

std::vector<int> quantile_groups(const std::vector<double>& values, int n) {
    const auto rank = descending_ranks(values);
    std::size_t count = 0;
    for (double v : values) count += !std::isnan(v);
    std::vector<int> out(values.size(), 0);
    for (std::size_t i = 0; i < values.size(); ++i)
        if (rank[i] > 0)  // the first area is in group 1 however few the areas
            out[i] = static_cast<int>(static_cast<std::size_t>(rank[i] - 1) * static_cast<std::size_t>(n) / count) + 1;
    return out;
}

}  // namespace accessatlas::indices
