// The areas, their population and the origins where people are placed: read, checked (codes,
// populations, geometries) and named when anything is repaired, skipped or left out.
#include "job/code_join.hpp"
#include "job/stages.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/area_codes.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace accessatlas::job::detail {

using network::invalid_id;

namespace {

// An LSOA holds about 1,500 people (400 to 3,000 by design; a few reach 10,000): a value over
// 100,000 is a district's or a typo, and is refused; a fraction or a zero is named.
void check_population_plausible(const Job& job, const Areas& a, Reporter& reporter) {
    const bool lsoa =
        job.geography.areas == "lsoa11" || job.geography.areas == "lsoa21" ||
        (!a.code.empty() && a.code.front().size() == 9 && (a.code.front().rfind("E01", 0) == 0 || a.code.front().rfind("W01", 0) == 0));
    const std::string where = job.population.path.empty() ? job.areas.path : job.population.path;
    std::vector<std::string> huge, fractional, zero, negative;
    for (std::size_t i = 0; i < a.code.size(); ++i) {
        const double p = a.population[i];
        if (!std::isfinite(p)) continue;  // missing: named where it was read
        if (p < 0)
            negative.push_back(fmt::format("{} ({})", a.code[i], p));
        else if (lsoa && p > 100000)
            huge.push_back(fmt::format("{} ({:.0f})", a.code[i], p));
        else if (p == 0)
            zero.push_back(a.code[i]);
        else if (p != std::floor(p))
            fractional.push_back(fmt::format("{} ({})", a.code[i], p));
    }
    if (!negative.empty())
        throw InputError(fmt::format("{} areas have a negative population: {}", negative.size(), list_some(negative, 10)),
                         {where, {}, {}, job.population_field}, "fix the values: a population is 0 or more");
    if (!huge.empty())
        throw InputError(
            fmt::format("{} areas have more than 100,000 people, implausible for an LSOA: {}", huge.size(), list_some(huge, 10)),
            {where, {}, {}, job.population_field},
            "check the field is the area's population (not a district's, or a value with extra digits)");
    for (const auto& c : zero)
        reporter.item({"population_zero", where, {}, {}, c, job.population_field, "kept as 0 people: the area weighs nothing"});
    if (!zero.empty())
        reporter.warning(fmt::format("{}: {} areas have a population of 0 and weigh nothing in the results: {}", where, zero.size(),
                                     list_some(zero, 10)));
    if (!fractional.empty())
        reporter.warning(fmt::format("{}: {} areas have a fractional population (estimates or rates?): {}", where, fractional.size(),
                                     list_some(fractional, 10)));
}

// An area code field whose values are not ONS codes (names picked by mistake, the first field a
// dialog offered) while another field of the layer holds them: say which field to choose.
void warn_if_not_codes(const Job& job, const Areas& a, Reporter& reporter) {
    std::size_t ons = 0;
    for (const auto& c : a.code) ons += indices::code_kind(c) != indices::CodeKind::other;
    if (a.code.empty() || ons * 2 >= a.code.size()) return;
    const auto table = io::read_attribute_table(job.areas.path, job.areas.layer, job.area_code_field);
    for (std::size_t col = 0; col < table.header.size(); ++col) {
        if (static_cast<int>(col) == table.code_column) continue;
        std::size_t codes = 0;
        std::string example;
        for (const auto& row : table.rows) {
            const bool code = indices::code_kind(normalise_code(row[col])) != indices::CodeKind::other;
            codes += code;
            if (code && example.empty()) example = row[col];
        }
        if (codes * 2 > table.rows.size()) {
            reporter.warning(
                fmt::format("{}: the area code field '{}' holds values like '{}', which are not ONS area codes; the field '{}' "
                            "holds codes like {}: choose it as the area code field",
                            job.areas.path, job.area_code_field, a.code.front(), table.header[col], example));
            return;
        }
    }
}

// Keeps the origins `keep` says yes to (in order); returns how many went.
template <class Keep>
std::size_t keep_origins(Origins& o, Keep&& keep) {
    std::size_t kept = 0;
    const std::size_t before = o.location.size();
    for (std::size_t i = 0; i < before; ++i) {
        if (!keep(i)) continue;
        o.location[kept] = o.location[i];
        o.area[kept] = o.area[i];
        o.population[kept] = o.population[i];
        o.kind[kept] = o.kind[i];
        ++kept;
    }
    o.location.resize(kept);
    o.area.resize(kept);
    o.population.resize(kept);
    o.kind.resize(kept);
    return before - kept;
}

}  // namespace

Areas read_areas(const Job& job, Reporter& reporter) {
    Areas a;
    std::vector<std::string> fields{job.area_code_field};
    if (!job.area_name_field.empty()) fields.push_back(job.area_name_field);
    const bool pop_on_layer = job.population.path.empty() && !job.population_field.empty();
    if (pop_on_layer) fields.push_back(job.population_field);
    a.layer = io::read_layer(job.areas.path, job.areas.layer, io::GeometryKind::polygon, fields, reporter);
    std::vector<std::size_t> repaired_at;
    const std::size_t repaired = io::repair_polygons(a.layer, &repaired_at);
    if (repaired > 0) {
        std::vector<std::string> named;
        for (auto i : repaired_at) {
            const auto& code = a.layer.field(job.area_code_field)[i];
            named.push_back(code ? *code : "feature " + std::to_string(a.layer.fid[i]));
            reporter.item({"area_polygon_repaired",
                           job.areas.path,
                           a.layer.layer_name,
                           std::to_string(a.layer.fid[i]),
                           code.value_or(""),
                           {},
                           "repaired with GEOS make-valid (self-intersecting or broken rings); check its shape"});
        }
        reporter.warning(fmt::format("{}: {} invalid area polygons (self-intersecting or broken rings) were repaired with GEOS "
                                     "make-valid; check them: {}",
                                     job.areas.path, repaired, list_some(named, 10)));
    }
    std::set<std::string> seen;
    std::size_t normalised = 0;
    for (std::size_t i = 0; i < a.layer.size(); ++i) {
        const auto& raw = a.layer.field(job.area_code_field)[i];
        const std::string fid = std::to_string(a.layer.fid[i]);
        bool changed = false;
        const std::string code = raw ? normalise_code(*raw, &changed) : std::string();
        normalised += changed;
        if (changed)
            reporter.item({"area_code_normalised", job.areas.path, a.layer.layer_name, fid, code, job.area_code_field,
                           fmt::format("'{}' read as '{}' (spaces or lower case)", *raw, code)});
        if (code.empty())
            throw InputError("empty area code", {job.areas.path, a.layer.layer_name, fid, job.area_code_field}, "every area needs a code");
        if (!seen.insert(code).second)
            throw InputError("duplicate area code " + code, {job.areas.path, a.layer.layer_name, fid, job.area_code_field},
                             "dissolve the duplicates or use another code field");
        a.code.push_back(code);
        a.name.push_back(job.area_name_field.empty() ? std::string() : a.layer.field(job.area_name_field)[i].value_or(""));
    }
    if (normalised > 0) {
        std::vector<std::string> examples;
        for (std::size_t i = 0; i < a.layer.size() && examples.size() < 3; ++i)
            if (const auto& raw = a.layer.field(job.area_code_field)[i]; raw && *raw != a.code[i])
                examples.push_back(fmt::format("'{}' as {}", *raw, a.code[i]));
        reporter.warning(fmt::format("{}: {} area codes had spaces or lower case and were normalised (e.g. {})", job.areas.path, normalised,
                                     list_some(examples, 3)));
    }
    warn_if_not_codes(job, a, reporter);
    a.population.assign(a.code.size(), 0.0);
    if (pop_on_layer) {
        io::TableProblems problems(job.areas.path, a.layer.layer_name);
        io::TrimmedCells trimmed;
        for (std::size_t i = 0; i < a.code.size(); ++i) {
            const auto& v = a.layer.field(job.population_field)[i];
            const std::string feature = "feature " + std::to_string(a.layer.fid[i]);
            bool was_trimmed = false;
            // Empty is missing, never 0: the area is left out like one without a row in a table.
            a.population[i] = v ? problems.check(feature, job.population_field,
                                                 [&] {
                                                     return io::parse_number(*v, job.areas.path, a.layer.layer_name, feature,
                                                                             job.population_field, &was_trimmed);
                                                 })
                                : std::numeric_limits<double>::quiet_NaN();
            if (was_trimmed) trimmed.add(feature, job.population_field);
            if (!v)
                reporter.item({"population_missing", job.areas.path, a.layer.layer_name, std::to_string(a.layer.fid[i]), a.code[i],
                               job.population_field, "no population: the area is left out (served = 0, no numbers)"});
        }
        problems.throw_if_any(a.code.size());
        if (const auto w = trimmed.warning(job.areas.path); !w.empty()) reporter.warning(w);
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < a.code.size(); ++i)
            if (std::isnan(a.population[i])) missing.push_back(a.code[i]);
        if (missing.size() == a.code.size())
            throw InputError(fmt::format("no area has a value in '{}'", job.population_field),
                             {job.areas.path, a.layer.layer_name, {}, job.population_field},
                             "give the field that holds each area's population, or a population table");
        if (!missing.empty())
            reporter.warning(fmt::format("{}: {} of {} areas have no population in '{}' ({}): left out (served = 0, no numbers)",
                                         job.areas.path, missing.size(), a.code.size(), job.population_field, list_some(missing, 10)));
    } else if (!job.population.path.empty()) {
        const auto raw_table = io::read_numeric_table(job.population.path, job.population_code_field, job.population_field, reporter,
                                                      job.population_filter_field, job.population_filter_value);
        std::map<std::string, double> table_values;
        std::size_t table_normalised = 0;
        std::map<std::string, std::string> raw_of;  // normalised code -> the first raw spelling
        std::vector<std::string> merged;
        for (const auto& [code, v] : raw_table.values) {
            bool changed = false;
            const std::string norm = normalise_code(code, &changed);
            table_normalised += changed;
            const auto [it, fresh] = table_values.emplace(norm, v);
            if (fresh) {
                raw_of[norm] = code;
            } else if (it->second == v) {
                merged.push_back(fmt::format("'{}' and '{}'", raw_of[norm], code));  // the same area twice, same value
            } else {
                throw InputError(fmt::format("'{}' and '{}' are the same area code {} with different populations ({} and {})", raw_of[norm],
                                             code, norm, it->second, v),
                                 {job.population.path, {}, {}, job.population_code_field},
                                 "each area must appear once: keep the right row");
            }
        }
        if (!merged.empty())
            reporter.warning(
                fmt::format("{}: {} rows repeat an area under another spelling of its code, with the same value; counted once: {}",
                            job.population.path, merged.size(), list_some(merged, 10)));
        if (table_normalised > 0)
            reporter.warning(
                fmt::format("{}: {} codes had spaces or lower case and were normalised", job.population.path, table_normalised));
        report_join(a.code, table_values,
                    {"population", job.population.path, job.population_code_field, job.population_field, "population_missing",
                     "left out (served = 0, no numbers)"},
                    reporter);
        for (std::size_t i = 0; i < a.code.size(); ++i) {
            const auto it = table_values.find(a.code[i]);
            if (it == table_values.end())
                a.population[i] = std::numeric_limits<double>::quiet_NaN();  // missing, never 0
            else if (it->second < 0)
                throw InputError(fmt::format("negative population {} for {}", it->second, a.code[i]),
                                 {job.population.path, {}, {}, job.population_field}, "fix the value");
            else
                a.population[i] = it->second;
        }
    } else {
        reporter.warning("no population given: every area counts as 1 person, so results are not population-weighted");
        a.population.assign(a.code.size(), 1.0);
    }
    check_population_plausible(job, a, reporter);
    return a;
}

Origins make_origins(const Job& job, const Areas& areas, const network::RoadNetwork& net, const geometry::AreaLocator& locator,
                     Reporter& reporter) {
    Origins o;
    const std::size_t n_areas = areas.code.size();
    std::unordered_map<std::string, std::uint32_t> by_code;
    for (std::uint32_t i = 0; i < n_areas; ++i) by_code[areas.code[i]] = i;

    // Points from a layer, with area by code or point-in-polygon.
    std::vector<Point> pts;
    std::vector<std::uint32_t> pt_area;
    std::vector<double> pt_pop;
    if (!job.origin_points.path.empty()) {
        std::vector<std::string> fields;
        if (!job.origin_code_field.empty()) fields.push_back(job.origin_code_field);
        if (job.origin_method == OriginMethod::points && !job.origin_population_field.empty())
            fields.push_back(job.origin_population_field);
        const auto layer = io::read_layer(job.origin_points.path, job.origin_points.layer, io::GeometryKind::point, fields, reporter);
        std::size_t outside = 0;
        if (!job.origin_code_field.empty()) {
            // Joined by code: say why when no point joins (another LSOA year, MSOA codes...).
            std::set<std::string> point_codes;
            for (const auto& code : layer.field(job.origin_code_field))
                if (code) point_codes.insert(normalise_code(*code));
            const auto join = join_codes(areas.code, point_codes);
            if (join.matched == 0)
                report_join(join, areas.code, {"origin points", job.origin_points.path, job.origin_code_field, {}, {}, {}}, reporter);
        }
        for (std::size_t i = 0; i < layer.size(); ++i) {
            std::uint32_t a = invalid_id;
            if (!job.origin_code_field.empty()) {
                const auto& code = layer.field(job.origin_code_field)[i];
                const auto it = code ? by_code.find(normalise_code(*code)) : by_code.end();
                if (it != by_code.end()) a = it->second;
            } else {
                a = locator.locate(layer.points[i]);
            }
            if (a == invalid_id) {
                ++outside;
                continue;
            }
            double pop = 0;
            if (job.origin_method == OriginMethod::points && !job.origin_population_field.empty()) {
                const auto& v = layer.field(job.origin_population_field)[i];
                pop = v ? io::parse_number(*v, job.origin_points.path, layer.layer_name, std::to_string(layer.fid[i]),
                                           job.origin_population_field)
                        : 0.0;
                if (pop < 0)
                    throw InputError("negative population",
                                     {job.origin_points.path, layer.layer_name, std::to_string(layer.fid[i]), job.origin_population_field},
                                     "fix the value");
            }
            pts.push_back(layer.points[i]);
            pt_area.push_back(a);
            pt_pop.push_back(pop);
        }
        if (outside > 0)
            reporter.info(
                fmt::format("{}: {} origin points lie outside the study areas and were left out", job.origin_points.path, outside));
    }

    if (job.origin_method == OriginMethod::points) {
        o.location = pts;
        o.area = pt_area;
        o.population = pt_pop;
        o.kind.assign(pts.size(), "point");
        if (job.origin_population_field.empty()) {
            // No population on the points (e.g. postcodes): each area's people shared equally.
            std::vector<std::uint32_t> count(n_areas, 0);
            for (auto a : pt_area) ++count[a];
            for (std::size_t i = 0; i < pts.size(); ++i) o.population[i] = areas.population[pt_area[i]] / count[pt_area[i]];
            std::vector<std::string> empty_areas;
            for (std::uint32_t a = 0; a < n_areas; ++a)
                if (count[a] == 0) empty_areas.push_back(areas.code[a]);
            if (!empty_areas.empty())
                reporter.warning(fmt::format("{} areas have no origin point; their population is left out: {}", empty_areas.size(),
                                             list_some(empty_areas)));
        }
        return o;
    }

    std::vector<std::uint32_t> per_area(n_areas, 0);
    if (job.origin_method == OriginMethod::street_points) {
        reporter.stage("Placing origins along residential streets");
        for (const auto& sp : access::residential_street_points(net, job.street_classes, job.street_spacing_m)) {
            const std::uint32_t a = locator.locate(sp.location);
            if (a == invalid_id) continue;
            o.location.push_back(sp.location);
            o.area.push_back(a);
            o.kind.emplace_back("street_point");
            ++per_area[a];
        }
    }
    // Centroids: the method itself, or the fallback for areas with no residential street.
    std::vector<std::string> fallback;
    for (std::uint32_t a = 0; a < n_areas; ++a) {
        if (per_area[a] > 0) continue;
        Point p = areas.layer.points[a];  // point on surface
        for (std::size_t i = 0; i < pts.size(); ++i)
            if (pt_area[i] == a) {
                p = pts[i];
                break;
            }
        o.location.push_back(p);
        o.area.push_back(a);
        o.kind.emplace_back("centroid");
        ++per_area[a];
        if (job.origin_method == OriginMethod::street_points) fallback.push_back(areas.code[a]);
    }
    if (!fallback.empty())
        reporter.warning(fmt::format("{} areas have no residential street in the network; their population sits at one "
                                     "centroid: {}",
                                     fallback.size(), list_some(fallback)));
    o.population.resize(o.location.size());
    for (std::size_t i = 0; i < o.location.size(); ++i) o.population[i] = areas.population[o.area[i]] / per_area[o.area[i]];
    return o;
}

void drop_origins_without_people(const Areas& areas, Origins& o) {
    keep_origins(o, [&](std::size_t i) { return std::isfinite(areas.population[o.area[i]]) && std::isfinite(o.population[i]); });
}

Coverage read_coverage(const Job& job, Reporter& collect) {
    Coverage c;
    if (job.network_coverage.path.empty()) return c;
    const auto layer = io::read_layer(job.network_coverage.path, job.network_coverage.layer, io::GeometryKind::polygon, {}, collect);
    if (layer.wkb.empty())
        throw InputError("the network's coverage layer holds no polygon", {job.network_coverage.path, layer.layer_name, {}, {}},
                         "give the extract's box or polygon, or leave network.coverage out");
    c.locator = std::make_unique<geometry::AreaLocator>(layer.wkb);
    return c;
}

void drop_origins_beyond(const Job& job, const Coverage& coverage, Origins& o, Reporter& collect) {
    double beyond_pop = 0;
    const std::size_t beyond = keep_origins(o, [&](std::size_t i) {
        const bool inside = coverage.covers(o.location[i]);
        if (!inside) beyond_pop += o.population[i];
        return inside;
    });
    if (beyond > 0)
        collect.info(fmt::format("{} origins ({:.0f} people) lie beyond the network's coverage ({})", beyond, beyond_pop,
                                 job.network_coverage.path));
}

void mark_served_areas(const Job& job, const Areas& areas, bool clipped, Origins& o, Reporter& collect) {
    o.area_served.assign(areas.code.size(), 0);
    for (auto a : o.area) o.area_served[a] = 1;
    std::vector<std::string> unserved;
    for (std::size_t a = 0; a < areas.code.size(); ++a)
        if (!o.area_served[a]) {
            unserved.push_back(areas.code[a]);
            collect.item({"area_not_served",
                          job.areas.path,
                          {},
                          {},
                          areas.code[a],
                          {},
                          clipped ? "no origin within the network's coverage: served = 0, no travel times"
                                  : "no origin: served = 0, no travel times"});
        }
    if (!unserved.empty())
        collect.warning(fmt::format("{} of {} areas are not served: no origin of theirs lies {}; their rows say served = 0 and "
                                    "carry no travel times: {}",
                                    unserved.size(), areas.code.size(),
                                    clipped ? "within the network's coverage (" + job.network_coverage.path + ")" : "in them",
                                    list_some(unserved, 10)));
}

// Edge effects: people cross boundaries for care; the network should reach beyond. Said once
// the areas a clipped network serves are known: an area beyond the coverage is already named
// as not served, so only served areas near the edge are listed.
void warn_areas_near_edge(const Job& job, const Areas& areas, const std::vector<std::uint32_t>& near_edge, bool clipped,
                          const Origins& origins, Reporter& collect) {
    const bool by_served = clipped && !origins.area_served.empty();
    std::vector<std::string> edge_codes;
    for (auto i : near_edge)
        if (!by_served || origins.area_served[i]) edge_codes.push_back(areas.code[i]);
    const auto counted =
        by_served ? static_cast<std::size_t>(std::count(origins.area_served.begin(), origins.area_served.end(), 1)) : areas.code.size();
    if (!edge_codes.empty())
        collect.warning(fmt::format("the network does not reach {:.1f} km beyond {} of {} {}areas; services across the "
                                    "boundary may be missed there (extend the network and facility lists): {}",
                                    job.edge_buffer_m / 1000.0, edge_codes.size(), counted, by_served ? "served " : "",
                                    list_some(edge_codes)));
}

}  // namespace accessatlas::job::detail
