#include <accessatlas/error.hpp>
#include <accessatlas/report/report.hpp>
#include <accessatlas/version.hpp>

#include "io/xml_escape.hpp"

#include <fmt/format.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <unistd.h>

namespace accessatlas::report {

namespace {

using io::detail::xml_escape;
const auto& esc = xml_escape;

struct Frame {
    OGREnvelope env;
    double scale = 1, width = 560, height = 560, pad = 10;
    std::pair<double, double> to_svg(double x, double y) const { return {pad + (x - env.MinX) * scale, pad + (env.MaxY - y) * scale}; }
};

void add_ring(std::string& d, const OGRLinearRing* ring, const Frame& f) {
    for (int i = 0; i < ring->getNumPoints(); ++i) {
        const auto [x, y] = f.to_svg(ring->getX(i), ring->getY(i));
        d += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : "L", x, y);
    }
    d += "Z";
}

std::string path_data(const std::vector<unsigned char>& wkb, const Frame& f) {
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || !g) return {};
    std::string d;
    auto polygon = [&](const OGRPolygon* p) {
        add_ring(d, p->getExteriorRing(), f);
        for (int i = 0; i < p->getNumInteriorRings(); ++i) add_ring(d, p->getInteriorRing(i), f);
    };
    if (wkbFlatten(g->getGeometryType()) == wkbPolygon)
        polygon(g->toPolygon());
    else if (wkbFlatten(g->getGeometryType()) == wkbMultiPolygon)
        for (const auto* p : *g->toMultiPolygon()) polygon(p);
    delete g;
    return d;
}

const styles::Class* class_of(const std::vector<styles::Class>& classes, double v) {
    if (!std::isfinite(v)) return nullptr;
    for (const auto& c : classes)
        if (v >= c.lower && v < c.upper) return &c;
    return nullptr;
}

std::string map_svg(const Report& r, const Indicator& ind, const Frame& frame, std::size_t index) {
    std::string svg = fmt::format(R"(<svg class="map" id="map-{}" xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{:.0f}" )"
                                  R"(viewBox="0 0 {:.0f} {:.0f}" role="img" aria-label="{}">)",
                                  index, frame.width + 2 * frame.pad + 200, frame.height + 2 * frame.pad, frame.width + 2 * frame.pad + 200,
                                  frame.height + 2 * frame.pad, esc(ind.title));
    for (std::size_t a = 0; a < r.area_wkb.size(); ++a) {
        const auto* c = class_of(ind.classes, ind.values[a]);
        const std::string fill = c ? c->color : "#d9d9d9";
        const std::string value = std::isfinite(ind.values[a]) ? fmt::format("{:.1f}", ind.values[a]) : "no data";
        svg += fmt::format(R"(<path class="area" d="{}" fill="{}" stroke="#606060" stroke-width="0.4"><title>{} {}: {}</title></path>)",
                           path_data(r.area_wkb[a], frame), fill, esc(r.area_code[a]), esc(r.area_name[a]), value);
    }
    // Legend.
    const double lx = frame.width + 2 * frame.pad + 10;
    svg += fmt::format(R"(<g class="legend"><text x="{}" y="20" font-size="12" font-weight="bold">Legend</text>)", lx);
    double y = 34;
    for (const auto& c : ind.classes) {
        svg += fmt::format(R"(<rect x="{}" y="{}" width="16" height="12" fill="{}" stroke="#606060" stroke-width="0.4"/>)"
                           R"(<text x="{}" y="{}" font-size="11">{}</text>)",
                           lx, y, c.color, lx + 22, y + 10, esc(c.label));
        y += 18;
    }
    svg += fmt::format(R"(<rect x="{}" y="{}" width="16" height="12" fill="#d9d9d9" stroke="#606060" stroke-width="0.4"/>)"
                       R"(<text x="{}" y="{}" font-size="11">no data</text></g>)",
                       lx, y, lx + 22, y + 10);
    // North arrow and scale bar (a round number of km close to a fifth of the map width).
    const double nx = lx + 20, ny = frame.height - 90;
    svg += fmt::format(R"(<g class="north"><path d="M{},{} L{},{} L{},{} Z" fill="#333"/><text x="{}" y="{}" font-size="12" )"
                       R"(text-anchor="middle">N</text></g>)",
                       nx, ny, nx - 7, ny + 20, nx + 7, ny + 20, nx, ny - 4);
    const double map_m = (frame.env.MaxX - frame.env.MinX);
    const double target = map_m / 5;
    double bar_m = std::pow(10, std::floor(std::log10(std::max(target, 1.0))));
    for (double m : {5.0, 2.0})
        if (bar_m * m <= target) {
            bar_m *= m;
            break;
        }
    const double bar_px = bar_m * frame.scale;
    const double sy = frame.height - 20;
    svg += fmt::format(R"(<g class="scale"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333" stroke-width="2"/>)"
                       R"(<text x="{}" y="{}" font-size="11">{} km (British National Grid)</text></g>)",
                       lx, sy, lx + bar_px, sy, lx, sy - 6, bar_m / 1000);
    return svg + "</svg>";
}

std::string histogram_svg(const Indicator& ind) {
    std::vector<double> v;
    for (double x : ind.values)
        if (std::isfinite(x)) v.push_back(x);
    if (v.empty()) return "<p>No data.</p>";
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const int bins = 10;
    const double lo = *mn, hi = *mx > *mn ? *mx : *mn + 1;
    std::vector<int> count(bins, 0);
    for (double x : v) ++count[std::min(bins - 1, static_cast<int>((x - lo) / (hi - lo) * bins))];
    const int top = *std::max_element(count.begin(), count.end());
    std::string svg = R"(<svg class="histogram" xmlns="http://www.w3.org/2000/svg" width="420" height="170" viewBox="0 0 420 170">)";
    for (int b = 0; b < bins; ++b) {
        const double h = 120.0 * count[static_cast<std::size_t>(b)] / std::max(1, top);
        const double mid = lo + (b + 0.5) * (hi - lo) / bins;
        const auto* c = class_of(ind.classes, mid);
        svg += fmt::format(R"(<rect x="{}" y="{:.1f}" width="36" height="{:.1f}" fill="{}" stroke="#606060" stroke-width="0.4">)"
                           R"(<title>{:.1f} to {:.1f}: {} areas</title></rect>)",
                           20 + b * 38, 140 - h, h, c ? c->color : "#bdbdbd", lo + b * (hi - lo) / bins, lo + (b + 1) * (hi - lo) / bins,
                           count[static_cast<std::size_t>(b)]);
    }
    svg += fmt::format(
        R"(<text x="20" y="160" font-size="11">{:.1f}</text><text x="400" y="160" font-size="11" text-anchor="end">{:.1f}</text>)"
        R"(<text x="20" y="12" font-size="11">areas (max {})</text></svg>)",
        lo, hi, top);
    return svg;
}

// Bars at each decile's population midpoint (width = its share), the SII line over them.
std::string gradient_svg(const Gradient& g, const std::string& deprivation, std::size_t index) {
    double total = 0, top = 0;
    for (std::size_t d = 0; d < g.decile_mean.size(); ++d)
        if (std::isfinite(g.decile_mean[d]) && g.decile_population[d] > 0) {
            total += g.decile_population[d];
            top = std::max(top, g.decile_mean[d]);
        }
    if (!(total > 0)) return "<p>No decile has data.</p>";
    top = std::max({top, g.fitted_most, g.fitted_least}) * 1.1;
    if (!(top > 0)) top = 1;
    const double x0 = 50, width = 520, y0 = 200, height = 170;
    auto X = [&](double share) { return x0 + share * width; };
    auto Y = [&](double v) { return y0 - std::max(0.0, v) / top * height; };
    std::string svg = R"(<svg class="gradient" xmlns="http://www.w3.org/2000/svg" width="600" height="250" viewBox="0 0 600 250">)";
    double cumulative = 0;
    for (std::size_t d = 0; d < g.decile_mean.size(); ++d) {
        if (!(std::isfinite(g.decile_mean[d]) && g.decile_population[d] > 0)) continue;
        const double share = g.decile_population[d] / total;
        svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#9ecae1" stroke="#fff">)"
                           R"(<title>decile {}: {:.1f} {} ({:.0f} people)</title></rect>)"
                           R"(<text x="{:.1f}" y="{}" font-size="10" text-anchor="middle">{}</text>)",
                           X(cumulative), Y(g.decile_mean[d]), share * width, y0 - Y(g.decile_mean[d]), d + 1, g.decile_mean[d],
                           esc(g.units), g.decile_population[d], X(cumulative + share / 2), y0 + 12, d + 1);
        cumulative += share;
    }
    // The SII's 95% interval as a fan of slopes through the line's centre: the weighted
    // regression passes through the population-weighted means, which are x = 1/2 (the midpoints'
    // mean) and the fitted value there. Clipped to the plot.
    if (std::isfinite(g.sii_lower) && std::isfinite(g.sii_upper)) {
        const double centre = (g.fitted_most + g.fitted_least) / 2;
        auto Yc = [&](double v) { return y0 - v / top * height; };  // unclamped; the clip path cuts it
        svg += fmt::format(
            R"svg(<clipPath id="plot{0}"><rect x="{1}" y="{2}" width="{3}" height="{4}"/></clipPath>)svg"
            R"svg(<polygon clip-path="url(#plot{0})" points="{5:.1f},{6:.1f} {7:.1f},{8:.1f} {7:.1f},{9:.1f} {5:.1f},{10:.1f}" )svg"
            R"svg(fill="#cb181d" fill-opacity="0.15" stroke="none"><title>SII 95% interval: {11:.2f} to {12:.2f}</title></polygon>)svg",
            index, x0, y0 - height - 10, width, height + 10, X(0), Yc(centre - g.sii_lower / 2), X(1), Yc(centre + g.sii_lower / 2),
            Yc(centre + g.sii_upper / 2), Yc(centre - g.sii_upper / 2), g.sii_lower, g.sii_upper);
    }
    svg += fmt::format(
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#cb181d" stroke-width="2"><title>SII line</title></line>)", X(0),
        Y(g.fitted_most), X(1), Y(g.fitted_least));
    svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#444"/><text x="{}" y="{}" font-size="11">most deprived</text>)"
                       R"(<text x="{}" y="{}" font-size="11" text-anchor="end">least deprived</text>)"
                       R"(<text x="{}" y="{}" font-size="11" text-anchor="middle">{} decile (bar width = share of people)</text>)"
                       R"(<text x="5" y="{}" font-size="11">{:.1f}</text><text x="5" y="{}" font-size="11">0</text></svg>)",
                       x0, y0, x0 + width, y0, x0, y0 + 28, x0 + width, y0 + 28, x0 + width / 2, y0 + 44, esc(deprivation),
                       Y(top / 1.1) + 4, top / 1.1, y0);
    return svg;
}

}  // namespace

std::string render_html(const Report& r) {
    Frame frame;
    bool first = true;
    for (const auto& wkb : r.area_wkb) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || !g) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        if (first)
            frame.env = e;
        else
            frame.env.Merge(e);
        first = false;
        delete g;
    }
    const double w = std::max(frame.env.MaxX - frame.env.MinX, 1.0), h = std::max(frame.env.MaxY - frame.env.MinY, 1.0);
    frame.scale = std::min(frame.width / w, frame.height / h);
    frame.width = w * frame.scale;
    frame.height = h * frame.scale;

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">";
    html += fmt::format("<title>{}</title><style>", esc(r.title));
    html += "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}th{background:#f0f0f0}"
            ".warn{color:#8c2d04}.figure{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}h2{margin-top:2em}";
    html += "</style></head><body>";
    html += fmt::format("<h1>{}</h1><p>Access Atlas {} report.</p>", esc(r.title), version());
    html += "<h2>Run summary</h2><table>";
    for (const auto& [k, v] : r.summary) html += fmt::format("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    html += "</table>";
    if (!r.warnings.empty()) {
        html += fmt::format("<h2>Warnings ({})</h2><ul>", r.warnings.size());
        for (const auto& w2 : r.warnings) html += fmt::format("<li class=\"warn\">{}</li>", esc(w2));
        html += "</ul>";
        if (!r.warning_items.empty()) {
            const std::size_t shown = std::min<std::size_t>(r.warning_items.size(), 500);
            html +=
                fmt::format("<details><summary>The {} items these warnings name (also the run_warnings table of the GeoPackage){}"
                            "</summary><table><tr><th>Kind</th><th>File</th><th>Feature</th><th>Code</th><th>What was done</th></tr>",
                            r.warning_items.size(), shown < r.warning_items.size() ? fmt::format("; the first {}", shown) : std::string());
            for (std::size_t k = 0; k < shown; ++k) {
                html += "<tr>";
                for (const auto& cell : r.warning_items[k]) html += fmt::format("<td>{}</td>", esc(cell));
                html += "</tr>";
            }
            html += "</table></details>";
        }
    }
    for (std::size_t i = 0; i < r.indicators.size(); ++i) {
        const auto& ind = r.indicators[i];
        html += fmt::format("<h2 id=\"ind-{}\">{}</h2><div class=\"figure\">{}{}</div>", i, esc(ind.title), map_svg(r, ind, frame, i),
                            histogram_svg(ind));
    }
    if (!r.gradients.empty()) {
        html += fmt::format(
            "<h2 id=\"inequality\">Who is furthest: access by {} decile</h2><p>Bars: the population-weighted mean of each "
            "decile (1 = most deprived). Red line: the Slope Index of Inequality's fitted line; shaded: its 95% confidence interval.</p>",
            esc(r.deprivation_name));
        for (std::size_t i = 0; i < r.gradients.size(); ++i)
            html += fmt::format("<h3>{}</h3><p>{}</p><div class=\"figure\">{}</div>", esc(r.gradients[i].title),
                                esc(r.gradients[i].sentence), gradient_svg(r.gradients[i], r.deprivation_name, i));
    }
    if (!r.indicators.empty()) {
        const auto& rank = r.indicators[std::min(r.ranking_indicator, r.indicators.size() - 1)];
        std::vector<std::size_t> order(r.area_code.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const double va = rank.values[a], vb = rank.values[b];
            if (!std::isfinite(va) || !std::isfinite(vb)) return std::isfinite(va) > std::isfinite(vb);
            return rank.higher_is_worse ? va > vb : va < vb;
        });
        html += fmt::format("<h2>The 20 most excluded areas</h2><p>Ranked by: {}.</p><table><tr><th>#</th><th>Code</th><th>Name</th>"
                            "<th>Population</th>",
                            esc(rank.title));
        for (const auto& ind : r.indicators) html += fmt::format("<th>{}</th>", esc(ind.field));
        html += "</tr>";
        for (std::size_t k = 0; k < order.size() && k < 20; ++k) {
            const std::size_t a = order[k];
            html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0f}</td>", k + 1, esc(r.area_code[a]), esc(r.area_name[a]),
                                r.population[a]);
            for (const auto& ind : r.indicators)
                html += std::isfinite(ind.values[a]) ? fmt::format("<td>{:.2f}</td>", ind.values[a]) : std::string("<td>-</td>");
            html += "</tr>";
        }
        html += "</table>";
    }
    html += "<h2>Data sources and licences</h2><ul>";
    for (const auto& s : r.sources) html += fmt::format("<li>{}</li>", esc(s));
    html += "</ul></body></html>\n";
    return html;
}

void write_html(const Report& report, const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    const std::string temp = (p.has_parent_path() ? p.parent_path() : fs::path(".")).string() + "/." + p.filename().string() + "." +
                             std::to_string(::getpid()) + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary);
        out << render_html(report);
        out.flush();
        if (!out) {
            fs::remove(temp, ec);
            throw InputError("cannot write the report", {path, {}, {}, {}}, "check the folder is writable and has space");
        }
    }
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw InputError("cannot move the report into place", {path, {}, {}, {}}, "check permissions");
    }
}

}  // namespace accessatlas::report
