#include <accessatlas/styles/styles.hpp>

#include "io/xml_escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace accessatlas::styles {

namespace {

using io::detail::xml_escape;

// ColorBrewer YlOrRd, 6 classes (colour-blind safe, sequential).
const std::vector<std::string> ylorrd{"#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"};
// ColorBrewer YlGn, 5 classes: green space in greens, darker = better.
const std::vector<std::string> ylgn{"#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"};

std::string rgba(const std::string& hex, int alpha = 255) {
    const auto v = std::stoul(hex.substr(1), nullptr, 16);
    return fmt::format("{},{},{},{}", (v >> 16) & 255, (v >> 8) & 255, v & 255, alpha);
}

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "1e+308" : "-1e+308";
    return fmt::format("{}", v);
}

std::string fill_symbol(const std::string& name, const std::string& color, int alpha, const std::string& outline, double outline_mm) {
    return fmt::format(
        R"(<symbol type="fill" name="{}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0">)"
        R"(<prop k="color" v="{}"/><prop k="style" v="solid"/><prop k="outline_color" v="{}"/><prop k="outline_style" v="solid"/>)"
        R"(<prop k="outline_width" v="{}"/><prop k="outline_width_unit" v="MM"/><prop k="joinstyle" v="bevel"/></layer></symbol>)",
        name, rgba(color, alpha), outline, outline_mm);
}

std::string marker_symbol(const std::string& name, const std::string& color, const std::string& shape, double size_mm,
                          const std::string& outline = "255,255,255,255") {
    return fmt::format(
        R"(<symbol type="marker" name="{}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0">)"
        R"(<prop k="color" v="{}"/><prop k="name" v="{}"/><prop k="size" v="{}"/><prop k="size_unit" v="MM"/>)"
        R"(<prop k="outline_color" v="{}"/><prop k="outline_width" v="0.3"/><prop k="outline_width_unit" v="MM"/>)"
        R"(<prop k="outline_style" v="solid"/></layer></symbol>)",
        name, rgba(color), shape, size_mm, outline);
}

std::string qml_document(const std::string& renderer, int geometry_type) {
    return fmt::format(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"Symbology\">\n{}\n<layerGeometryType>{}</layerGeometryType>\n</qgis>\n",
        renderer, geometry_type);
}

std::string sld_document(const std::string& name, const std::string& title, const std::string& rules) {
    return fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        "\n"
        R"(<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" )"
        R"(xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" )"
        R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
        R"(xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">)"
        "\n<NamedLayer><se:Name>{}</se:Name><UserStyle><se:Name>{}</se:Name><se:Description><se:Title>{}</se:Title></se:Description>"
        "<se:FeatureTypeStyle>\n{}</se:FeatureTypeStyle></UserStyle></NamedLayer>\n</StyledLayerDescriptor>\n",
        xml_escape(name), xml_escape(name), xml_escape(title), rules);
}

std::string sld_polygon_rule(const std::string& label, const std::string& filter, const std::string& color, double opacity) {
    return fmt::format(
        "<se:Rule><se:Name>{}</se:Name><se:Description><se:Title>{}</se:Title></se:Description>{}"
        "<se:PolygonSymbolizer><se:Fill><se:SvgParameter name=\"fill\">{}</se:SvgParameter>"
        "<se:SvgParameter name=\"fill-opacity\">{}</se:SvgParameter></se:Fill>"
        "<se:Stroke><se:SvgParameter name=\"stroke\">#505050</se:SvgParameter><se:SvgParameter name=\"stroke-width\">0.3</se:SvgParameter>"
        "</se:Stroke></se:PolygonSymbolizer></se:Rule>\n",
        xml_escape(label), xml_escape(label), filter, color, opacity);
}

std::string between_filter(const std::string& field, double lower, double upper) {
    std::string f = "<ogc:Filter><ogc:And>";
    f += fmt::format("<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>{}</ogc:PropertyName><ogc:Literal>{}</ogc:Literal>"
                     "</ogc:PropertyIsGreaterThanOrEqualTo>",
                     field, number(lower));
    if (!std::isfinite(upper) || upper >= 1e300)
        return fmt::format("<ogc:Filter><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>{}</ogc:PropertyName><ogc:Literal>{}"
                           "</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo></ogc:Filter>",
                           field, number(lower));
    f += fmt::format("<ogc:PropertyIsLessThan><ogc:PropertyName>{}</ogc:PropertyName><ogc:Literal>{}</ogc:Literal>"
                     "</ogc:PropertyIsLessThan>",
                     field, number(upper));
    return f + "</ogc:And></ogc:Filter>";
}

// Classes of a numeric field as rules (QGIS's rule-based renderer): each class a filter
// `field >= lower AND field < upper` (no upper bound for the last open class), and a last
// "no value" rule so that areas without a number (not served, missing data) are drawn and
// named in the legend instead of leaving holes in the map. Rules also keep the designed classes
// from being re-classified away in QGIS's symbology panel.
Style graduated(const std::string& field, const std::string& title, const std::vector<Class>& classes, const std::string& /*mode*/,
                const std::string& no_value_label) {
    std::string rules_qml, symbols, rules;
    const std::string quoted = "&quot;" + xml_escape(field) + "&quot;";
    for (std::size_t i = 0; i < classes.size(); ++i) {
        const auto& c = classes[i];
        std::string filter = fmt::format("{} &gt;= {}", quoted, number(c.lower));
        if (std::isfinite(c.upper) && c.upper < 1e300) filter += fmt::format(" AND {} &lt; {}", quoted, number(c.upper));
        rules_qml += fmt::format(R"(<rule key="class{}" symbol="{}" label="{}" filter="{}"/>)", i, i, xml_escape(c.label), filter);
        symbols += fill_symbol(std::to_string(i), c.color, 255, "80,80,80,255", 0.1);
        rules += sld_polygon_rule(c.label, between_filter(field, c.lower, c.upper), c.color, 1.0);
    }
    const std::size_t none = classes.size();
    rules_qml += fmt::format(R"(<rule key="novalue" symbol="{}" label="{}" filter="ELSE"/>)", none, xml_escape(no_value_label));
    symbols += fill_symbol(std::to_string(none), "#d9d9d9", 255, "80,80,80,255", 0.1);
    rules += sld_polygon_rule(no_value_label, "<se:ElseFilter/>", "#d9d9d9", 1.0);
    const std::string renderer = fmt::format(R"(<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">)"
                                             R"(<rules key="root">{}</rules><symbols>{}</symbols></renderer-v2>)",
                                             rules_qml, symbols);
    return {field, title, qml_document(renderer, 2), sld_document(field, title, rules)};
}

Style graduated(const std::string& field, const std::string& title, const std::vector<Class>& classes, const std::string& mode) {
    return graduated(field, title, classes, mode, "no value");
}

// Polygons coloured by the exact value of a field (text or integer).
Style categorised(const std::string& field, const std::string& title, const std::vector<std::pair<std::string, std::string>>& values,
                  const std::vector<std::string>& labels) {
    std::string categories, symbols, rules;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& [value, color] = values[i];
        categories +=
            fmt::format(R"(<category value="{}" symbol="{}" label="{}" render="true"/>)", xml_escape(value), i, xml_escape(labels[i]));
        symbols += fill_symbol(std::to_string(i), color, 255, "80,80,80,255", 0.1);
        rules += sld_polygon_rule(labels[i],
                                  fmt::format("<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{}</ogc:PropertyName>"
                                              "<ogc:Literal>{}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>",
                                              xml_escape(field), xml_escape(value)),
                                  color, 1.0);
    }
    const std::string renderer =
        fmt::format(R"(<renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0">)"
                    "<categories>{}</categories><symbols>{}</symbols><rotation/><sizescale/></renderer-v2>",
                    xml_escape(field), categories, symbols);
    return {field, title, qml_document(renderer, 2), sld_document(field, title, rules)};
}

}  // namespace

std::vector<Class> time_classes() {
    const double inf = std::numeric_limits<double>::infinity();
    return {{0, 10, "0-10 min", ylorrd[0]},   {10, 20, "10-20 min", ylorrd[1]}, {20, 30, "20-30 min", ylorrd[2]},
            {30, 45, "30-45 min", ylorrd[3]}, {45, 60, "45-60 min", ylorrd[4]}, {60, inf, "60 min or more", ylorrd[5]}};
}

std::vector<Class> percent_classes() {
    return {{80, 100.0001, "80-100%", ylorrd[0]},
            {60, 80, "60-80%", ylorrd[1]},
            {40, 60, "40-60%", ylorrd[2]},
            {20, 40, "20-40%", ylorrd[3]},
            {0, 20, "0-20%", ylorrd[5]}};
}

std::vector<Class> quantile_classes(std::vector<double> values, const std::string& unit) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    std::sort(values.begin(), values.end());
    std::vector<Class> out;
    if (values.empty()) return out;
    // Quintiles; the lowest quintile (worst access) gets the darkest colour. Repeated break
    // values (many zeros) merge classes; the lowest class stays the darkest.
    const std::vector<std::string> colors{ylorrd[5], ylorrd[4], ylorrd[2], ylorrd[1], ylorrd[0]};
    std::vector<double> breaks{values.front()};
    for (int q = 1; q < 5; ++q) {
        const double b = values[static_cast<std::size_t>(q * (values.size() - 1) / 5)];
        if (b > breaks.back()) breaks.push_back(b);
    }
    const double top = values.back() + 1e-9 * std::max(1.0, std::abs(values.back()));
    if (top > breaks.back())
        breaks.push_back(top);
    else
        breaks.back() = top;
    if (breaks.size() == 1) breaks.push_back(top + 1e-9);
    // Enough significant digits that no two class bounds read the same ("0.073 to 0.073").
    int digits = 3;
    for (; digits < 9; ++digits) {
        bool distinct = true;
        for (std::size_t i = 0; i + 1 < breaks.size(); ++i)
            distinct = distinct && fmt::format("{:.{}g}", breaks[i], digits) != fmt::format("{:.{}g}", breaks[i + 1], digits);
        if (distinct) break;
    }
    for (std::size_t i = 0; i + 1 < breaks.size(); ++i)
        out.push_back(
            {breaks[i], breaks[i + 1], fmt::format("{:.{}g} to {:.{}g} {}", breaks[i], digits, breaks[i + 1], digits, unit), colors[i]});
    return out;
}

Style time_minutes(const std::string& field, const std::string& title) {
    return graduated(field, title, time_classes(), "fixed", "not served (no time)");
}

Style green_score(const std::string& field, const std::string& title) {
    return graduated(field, title,
                     {{80, 100.0001, "80-100 (best access)", ylgn[4]},
                      {60, 80, "60-80", ylgn[3]},
                      {40, 60, "40-60", ylgn[2]},
                      {20, 40, "20-40", ylgn[1]},
                      {0, 20, "0-20 (least access)", ylgn[0]}},
                     "fixed");
}

Style percent_better_high(const std::string& field, const std::string& title) {
    return graduated(field, title, percent_classes(), "fixed");
}

Style quantiles_better_high(const std::string& field, const std::string& title, std::vector<double> values) {
    return graduated(field, title, quantile_classes(std::move(values), "per 1,000"), "quantile");
}

Style difference_minutes(const std::string& field, const std::string& title) {
    // ColorBrewer RdBu, 5 classes, reversed so that red = slower.
    const std::vector<Class> classes{{-1e9, -5, "5+ min faster", "#0571b0"},
                                     {-5, -1, "1-5 min faster", "#92c5de"},
                                     {-1, 1, "within 1 min", "#f7f7f7"},
                                     {1, 5, "1-5 min slower", "#f4a582"},
                                     {5, 1e9, "5+ min slower", "#ca0020"}};
    return graduated(field, title, classes, "fixed");
}

std::vector<Class> score_classes() {
    return {{0, 2, "0-2 (lowest risk)", ylorrd[0]},
            {2, 4, "2-4", ylorrd[1]},
            {4, 6, "4-6", ylorrd[2]},
            {6, 8, "6-8", ylorrd[3]},
            {8, 10.0001, "8-10 (highest risk)", ylorrd[5]}};
}

Style score_0_10(const std::string& field, const std::string& title) { return graduated(field, title, score_classes(), "fixed"); }

Style deciles_worst_first(const std::string& field, const std::string& title) {
    return graduated(field, title,
                     {{1, 3, "deciles 1-2 (highest need)", ylorrd[5]},
                      {3, 5, "deciles 3-4", ylorrd[3]},
                      {5, 7, "deciles 5-6", ylorrd[2]},
                      {7, 9, "deciles 7-8", ylorrd[1]},
                      {9, 10.0001, "deciles 9-10 (lowest need)", ylorrd[0]}},
                     "fixed");
}

Style lisa_clusters(const std::string& field, const std::string& title) {
    // The usual LISA cluster-map colours: hot spots red, cold spots blue, outliers pale.
    const std::vector<std::pair<std::string, std::string>> v{
        {"high-high", "#d7191c"},       {"low-low", "#2c7bb6"},       {"high-low", "#fdae61"}, {"low-high", "#abd9e9"},
        {"not significant", "#eeeeee"}, {"no neighbours", "#ffffff"}, {"no value", "#ffffff"}};
    std::vector<std::string> labels;
    for (const auto& [value, color] : v) labels.push_back(value);
    return categorised(field, title, v, labels);
}

Style flag(const std::string& field, const std::string& title, const std::string& yes_label, const std::string& no_label) {
    return categorised(field, title, {{"1", "#54278f"}, {"0", "#f2f0f7"}}, {yes_label, no_label});
}

Style catchment_bands(const std::vector<std::string>& bands) {
    // The rings (kind = 'band') only, each band once: the 'within' polygons of the same layer
    // cover the same ground again and would repeat their labels. Blues, lighter for the outer
    // bands; translucent so the basemap shows.
    const std::vector<std::string> blues{"#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#eff3ff"};
    std::vector<std::string> unique;
    for (const auto& b : bands)
        if (std::find(unique.begin(), unique.end(), b) == unique.end() && b.rfind("0-", 0) != 0) unique.push_back(b);
    if (!bands.empty() && bands.front().rfind("0-", 0) == 0) unique.insert(unique.begin(), bands.front());  // the innermost ring
    std::string rules_qml, symbols, rules;
    for (std::size_t i = 0; i < unique.size(); ++i) {
        const std::string color = blues[std::min(i, blues.size() - 1)];
        rules_qml +=
            fmt::format(R"(<rule key="band{}" symbol="{}" label="{} min" filter="&quot;kind&quot; = 'band' AND &quot;band&quot; = '{}'"/>)",
                        i, i, xml_escape(unique[i]), xml_escape(unique[i]));
        symbols += fill_symbol(std::to_string(i), color, 110, "8,48,107,255", 0.2);
        rules +=
            sld_polygon_rule(unique[i] + " min",
                             fmt::format("<ogc:Filter><ogc:And><ogc:PropertyIsEqualTo><ogc:PropertyName>kind</ogc:PropertyName>"
                                         "<ogc:Literal>band</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo>"
                                         "<ogc:PropertyName>band</ogc:PropertyName><ogc:Literal>{}</ogc:Literal></ogc:PropertyIsEqualTo>"
                                         "</ogc:And></ogc:Filter>",
                                         xml_escape(unique[i])),
                             color, 0.43);
    }
    const std::string renderer = fmt::format(R"(<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">)"
                                             R"(<rules key="root">{}</rules><symbols>{}</symbols></renderer-v2>)",
                                             rules_qml, symbols);
    return {"catchment bands", "Travel-time band (minutes)", qml_document(renderer, 2), sld_document("band", "Travel-time band", rules)};
}

Style coverage() {
    const std::string renderer = fmt::format(
        R"(<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>{}</symbols><rotation/><sizescale/></renderer-v2>)",
        fill_symbol("0", "#6baed6", 70, "8,48,107,255", 0.3));
    return {"coverage", "Area within the threshold of any facility", qml_document(renderer, 2),
            sld_document("coverage", "Covered area", sld_polygon_rule("covered", "", "#6baed6", 0.27))};
}

Style facilities(const std::vector<std::string>& services) {
    // One colour and shape per service (Okabe-Ito, colour-blind safe), so that GPs, pharmacies
    // and hospitals can be told apart; facilities off the network (excluded) as dark crosses.
    const std::vector<std::string> colors{"#0072b2", "#009e73", "#d55e00", "#cc79a7", "#e69f00", "#56b4e9"};
    const std::vector<std::string> shapes{"circle", "square", "diamond", "triangle", "pentagon", "star"};
    const std::vector<std::string> sld_shapes{"circle", "square", "square", "triangle", "circle", "star"};
    std::string rules_qml, symbols, rules;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const std::string& color = colors[i % colors.size()];
        rules_qml +=
            fmt::format(R"(<rule key="s{}" symbol="{}" label="{}" filter="&quot;snapped&quot; = 1 AND &quot;service&quot; = '{}'"/>)", i, i,
                        xml_escape(services[i]), xml_escape(services[i]));
        symbols += marker_symbol(std::to_string(i), color, shapes[i % shapes.size()], 2.6);
        rules +=
            fmt::format("<se:Rule><se:Name>{0}</se:Name><ogc:Filter><ogc:And><ogc:PropertyIsEqualTo><ogc:PropertyName>snapped"
                        "</ogc:PropertyName><ogc:Literal>1</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>"
                        "service</ogc:PropertyName><ogc:Literal>{0}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:And></ogc:Filter>"
                        "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>{1}</se:WellKnownName><se:Fill><se:SvgParameter "
                        "name=\"fill\">{2}</se:SvgParameter></se:Fill></se:Mark><se:Size>9</se:Size></se:Graphic></se:PointSymbolizer>"
                        "</se:Rule>\n",
                        xml_escape(services[i]), sld_shapes[i % sld_shapes.size()], color);
    }
    const std::size_t off = services.size();
    rules_qml += fmt::format(R"x(<rule key="off" symbol="{}" label="off the network (excluded)" filter="&quot;snapped&quot; = 0"/>)x", off);
    symbols += marker_symbol(std::to_string(off), "#252525", "cross2", 2.4, "37,37,37,255");
    rules += "<se:Rule><se:Name>off the network (excluded)</se:Name><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>snapped"
             "</ogc:PropertyName><ogc:Literal>0</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter><se:PointSymbolizer><se:Graphic><se:Mark>"
             "<se:WellKnownName>x</se:WellKnownName><se:Stroke><se:SvgParameter name=\"stroke\">#252525</se:SvgParameter></se:Stroke>"
             "</se:Mark><se:Size>8</se:Size></se:Graphic></se:PointSymbolizer></se:Rule>\n";
    const std::string renderer = fmt::format(R"(<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">)"
                                             R"(<rules key="root">{}</rules><symbols>{}</symbols></renderer-v2>)",
                                             rules_qml, symbols);
    return {"facilities", "Facilities by service", qml_document(renderer, 0), sld_document("facilities", "Facilities by service", rules)};
}

Style points(const std::string& name, const std::string& color) {
    const std::string renderer = fmt::format(
        R"(<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>{}</symbols><rotation/><sizescale/></renderer-v2>)",
        marker_symbol("0", color, "circle", 1.2));
    const std::string rule =
        fmt::format("<se:Rule><se:Name>{}</se:Name><se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>"
                    "<se:Fill><se:SvgParameter name=\"fill\">{}</se:SvgParameter></se:Fill></se:Mark><se:Size>4</se:Size></se:Graphic>"
                    "</se:PointSymbolizer></se:Rule>\n",
                    xml_escape(name), color);
    return {name, name, qml_document(renderer, 0), sld_document(name, name, rule)};
}

std::vector<StyleFile> reference_set(const std::vector<std::string>& services, const std::vector<std::string>& modes,
                                     const std::vector<std::string>& mode_phrases, const std::vector<double>& thresholds_min,
                                     const std::vector<double>& catchment_thresholds_min) {
    auto phrase_of = [&](const std::string& mode) {
        for (std::size_t i = 0; i < modes.size() && i < mode_phrases.size(); ++i)
            if (modes[i] == mode) return mode_phrases[i];
        return "by " + mode;
    };
    auto label = [](double m) { return m == std::floor(m) ? fmt::format("{}", static_cast<long long>(m)) : fmt::format("{}", m); };
    // In field names a threshold's point is an underscore (7.5 -> pct_7_5), as the writer names them.
    auto field_label = [&](double m) {
        std::string s = label(m);
        std::replace(s.begin(), s.end(), '.', '_');
        return s;
    };
    std::vector<StyleFile> out;
    for (const auto& mode : modes)
        for (const auto& service : services) {
            const std::string p = service + "_" + mode + "_";
            out.push_back({"lsoa_access." + p + "time_min",
                           time_minutes(p + "time_min", "Time to the nearest " + service + " " + phrase_of(mode) + " (minutes)")});
            for (double t : thresholds_min)
                out.push_back({"lsoa_access." + p + "pct_" + field_label(t),
                               percent_better_high(p + "pct_" + field_label(t), fmt::format("% of people within {} min of a {} {}",
                                                                                            label(t), service, phrase_of(mode)))});
            std::vector<std::string> bands;
            for (std::size_t k = 0; k < catchment_thresholds_min.size(); ++k)
                bands.push_back(label(k == 0 ? 0 : catchment_thresholds_min[k - 1]) + "-" + label(catchment_thresholds_min[k]));
            for (double t : catchment_thresholds_min) bands.push_back("0-" + label(t));
            out.push_back({p + "catchments", catchment_bands(bands)});
            out.push_back({p + "coverage", coverage()});
            out.push_back({p + "supply", points("supply", "#08519c")});
        }
    out.push_back({"facilities", facilities(services)});
    out.push_back({"origins_nearest", points("origins", "#525252")});
    return out;
}

}  // namespace accessatlas::styles
