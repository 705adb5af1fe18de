// Inequality measures (see measures.hpp and docs/methods/inequality.md).
#include <accessatlas/inequality/measures.hpp>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace accessatlas::inequality {

namespace {

bool usable(double v, double w) { return std::isfinite(v) && std::isfinite(w) && w > 0; }

// The 97.5% quantile of Student's t with `df` degrees of freedom.
double t975(double df) { return boost::math::quantile(boost::math::students_t(df), 0.975); }

Estimate with_interval(double value, double se, double df) {
    Estimate e;
    e.value = value;
    e.standard_error = se;
    if (std::isfinite(se) && df >= 1) {
        const double half = t975(df) * se;
        e.lower = value - half;
        e.upper = value + half;
    }
    return e;
}

// Weighted least squares of y on x (weights w): intercept, slope, their variances and
// covariance, with the residual variance over (n - 2).
struct Fit {
    double a = nan, b = nan, var_a = nan, var_b = nan, cov_ab = nan;
};
Fit weighted_fit(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& w) {
    Fit f;
    const std::size_t n = x.size();
    if (n < 3) return f;
    const double sw = std::accumulate(w.begin(), w.end(), 0.0);
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) mx += w[i] * x[i], my += w[i] * y[i];
    mx /= sw;
    my /= sw;
    double sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += w[i] * (x[i] - mx) * (x[i] - mx);
        sxy += w[i] * (x[i] - mx) * (y[i] - my);
    }
    if (!(sxx > 0)) return f;
    f.b = sxy / sxx;
    f.a = my - f.b * mx;
    double rss = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double r = y[i] - f.a - f.b * x[i];
        rss += w[i] * r * r;
    }
    const double s2 = rss / double(n - 2);
    f.var_b = s2 / sxx;
    f.var_a = s2 * (1.0 / sw + mx * mx / sxx);
    f.cov_ab = -mx * s2 / sxx;
    return f;
}

}  // namespace

std::vector<Group> by_group(const std::vector<double>& value, const std::vector<double>& population, const std::vector<int>& group,
                            int count, std::size_t* skipped) {
    std::vector<Group> out(static_cast<std::size_t>(std::max(count, 0)));
    std::vector<double> sum(out.size(), 0);
    std::size_t left_out = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const int g = group[i];
        if (g < 1 || g > count) continue;
        if (!usable(value[i], population[i])) {
            ++left_out;
            continue;
        }
        auto& G = out[static_cast<std::size_t>(g - 1)];
        ++G.areas;
        G.population += population[i];
        sum[static_cast<std::size_t>(g - 1)] += population[i] * value[i];
    }
    for (std::size_t g = 0; g < out.size(); ++g)
        if (out[g].population > 0) out[g].mean = sum[g] / out[g].population;
    if (skipped) *skipped = left_out;
    return out;
}

SlopeIndex slope_index(const std::vector<Group>& most_to_least) {
    SlopeIndex s;
    std::vector<double> x, y, w;
    double total = 0;
    for (const auto& g : most_to_least)
        if (g.population > 0 && std::isfinite(g.mean)) total += g.population;
    double cumulative = 0;
    for (const auto& g : most_to_least) {
        if (!(g.population > 0 && std::isfinite(g.mean))) continue;
        x.push_back((cumulative + g.population / 2) / total);
        cumulative += g.population;
        y.push_back(g.mean);
        w.push_back(g.population);
    }
    s.groups = x.size();
    const Fit f = weighted_fit(x, y, w);
    if (!std::isfinite(f.b)) return s;
    const double df = double(x.size()) - 2;
    s.sii = with_interval(f.b, std::sqrt(f.var_b), df);
    s.fitted_most = f.a;
    s.fitted_least = f.a + f.b;
    if (f.a != 0) {
        const double rii = (f.a + f.b) / f.a;
        // Delta method for (a + b) / a.
        const double da = -f.b / (f.a * f.a), db = 1 / f.a;
        const double var = da * da * f.var_a + db * db * f.var_b + 2 * da * db * f.cov_ab;
        s.rii = with_interval(rii, std::sqrt(std::max(0.0, var)), df);
    }
    return s;
}

Estimate concentration_index(const std::vector<double>& value, const std::vector<double>& population,
                             const std::vector<double>& deprivation) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < value.size(); ++i)
        if (usable(value[i], population[i]) && std::isfinite(deprivation[i])) idx.push_back(i);
    if (idx.size() < 3) return {};
    // Most deprived first.
    std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto b) { return deprivation[a] > deprivation[b]; });
    double total = 0, mean = 0;
    for (auto i : idx) total += population[i], mean += population[i] * value[i];
    mean /= total;
    if (mean == 0) return {};
    // Fractional rank at each area's population midpoint; tied areas share their block's midpoint.
    std::vector<double> rank(idx.size());
    double cumulative = 0;
    for (std::size_t k = 0; k < idx.size();) {
        std::size_t j = k;
        double block = 0;
        while (j < idx.size() && deprivation[idx[j]] == deprivation[idx[k]]) block += population[idx[j++]];
        for (std::size_t m = k; m < j; ++m) rank[m] = (cumulative + block / 2) / total;
        cumulative += block;
        k = j;
    }
    double var_r = 0;
    for (std::size_t k = 0; k < idx.size(); ++k) var_r += population[idx[k]] * (rank[k] - 0.5) * (rank[k] - 0.5);
    var_r /= total;
    std::vector<double> x(rank), y(idx.size()), w(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) {
        y[k] = 2 * var_r * value[idx[k]] / mean;
        w[k] = population[idx[k]];
    }
    const Fit f = weighted_fit(x, y, w);
    if (!std::isfinite(f.b)) return {};
    return with_interval(f.b, std::sqrt(f.var_b), double(idx.size()) - 2);
}

double gini(const std::vector<double>& value, const std::vector<double>& population) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < value.size(); ++i)
        if (usable(value[i], population[i])) idx.push_back(i);
    if (idx.empty()) return nan;
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return value[a] < value[b]; });
    double w_total = 0, s_total = 0;
    for (auto i : idx) w_total += population[i], s_total += population[i] * value[i];
    if (s_total <= 0) return nan;
    // One minus twice the area under the Lorenz curve (trapezoids between people's shares).
    double area = 0, s_prev = 0;
    for (auto i : idx) {
        const double s = s_prev + population[i] * value[i];
        area += population[i] / w_total * (s_prev + s) / (2 * s_total);
        s_prev = s;
    }
    return 1 - 2 * area;
}

double theil(const std::vector<double>& value, const std::vector<double>& population) {
    double w_total = 0, s_total = 0;
    for (std::size_t i = 0; i < value.size(); ++i)
        if (usable(value[i], population[i])) {
            if (value[i] < 0) return nan;
            w_total += population[i];
            s_total += population[i] * value[i];
        }
    if (!(w_total > 0) || !(s_total > 0)) return nan;
    const double mean = s_total / w_total;
    double t = 0;
    for (std::size_t i = 0; i < value.size(); ++i)
        if (usable(value[i], population[i]) && value[i] > 0) t += population[i] / w_total * (value[i] / mean) * std::log(value[i] / mean);
    return t;
}

GroupVersusRest group_versus_rest(const std::vector<double>& value, const std::vector<double>& group_count,
                                  const std::vector<double>& total_count) {
    GroupVersusRest r;
    double gs = 0, rs = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!std::isfinite(value[i]) || !std::isfinite(group_count[i]) || !std::isfinite(total_count[i])) continue;
        const double g = std::max(0.0, group_count[i]), rest = std::max(0.0, total_count[i] - group_count[i]);
        r.group_count += g;
        r.rest_count += rest;
        gs += g * value[i];
        rs += rest * value[i];
    }
    if (r.group_count > 0) r.group_mean = gs / r.group_count;
    if (r.rest_count > 0) r.rest_mean = rs / r.rest_count;
    r.gap = r.group_mean - r.rest_mean;
    return r;
}

}  // namespace accessatlas::inequality
