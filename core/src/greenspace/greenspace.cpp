#include "util/geos_context.hpp"

#include <accessatlas/access/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace/greenspace.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace accessatlas::greenspace {

using accessatlas::detail::geos;

namespace {

struct Filter {
    std::string field;
    std::string value;  // "*" = any non-empty value
};

std::vector<Filter> parse_filters(const std::vector<std::string>& specs) {
    std::vector<Filter> out;
    for (const auto& s : specs) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError("green-space filter '" + s + "' is not field=value", {}, "write e.g. \"leisure=park\" or \"natural=*\"");
        out.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    return out;
}

bool matches(const io::Layer& layer, std::size_t i, const std::vector<Filter>& filters) {
    for (const auto& f : filters) {
        const auto& v = layer.field(f.field)[i];
        if (v && !v->empty() && (f.value == "*" || *v == f.value)) return true;
    }
    return false;
}

// Unary union of polygons, then one Site per resulting polygon.
std::vector<Site> dissolve(const std::vector<GEOSGeometry*>& parts, bool woodland) {
    auto h = geos();
    std::vector<Site> out;
    if (parts.empty()) return out;
    std::vector<GEOSGeometry*> clones;
    for (auto* g : parts) clones.push_back(GEOSGeom_clone_r(h, g));
    GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, clones.data(), static_cast<unsigned>(clones.size()));
    GEOSGeometry* merged = GEOSUnaryUnion_r(h, all);
    GEOSGeom_destroy_r(h, all);
    if (!merged) throw InternalError("GEOS could not dissolve the green-space polygons");
    const int n = GEOSGetNumGeometries_r(h, merged);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* p = GEOSGetGeometryN_r(h, merged, i);
        if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON) continue;
        Site s;
        double area = 0;
        GEOSArea_r(h, p, &area);
        s.area_ha = area / 1e4;
        s.woodland = woodland;
        s.wkb = accessatlas::detail::to_wkb(p);
        out.push_back(std::move(s));
    }
    GEOSGeom_destroy_r(h, merged);
    return out;
}

struct Envelope {
    double x0, y0, x1, y1;
    bool overlaps(const Envelope& o) const { return x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1; }
};

Envelope envelope_of(const GEOSGeometry* g) {
    auto h = geos();
    Envelope e{0, 0, 0, 0};
    GEOSGeom_getXMin_r(h, g, &e.x0);
    GEOSGeom_getYMin_r(h, g, &e.y0);
    GEOSGeom_getXMax_r(h, g, &e.x1);
    GEOSGeom_getYMax_r(h, g, &e.y1);
    return e;
}

void collect_points(const GEOSGeometry* g, std::vector<Point>& out) {
    auto h = geos();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POINT) {
        double x = 0, y = 0;
        GEOSGeomGetX_r(h, g, &x);
        GEOSGeomGetY_r(h, g, &y);
        out.push_back({x, y});
    } else if (type == GEOS_LINESTRING) {  // an edge running along the boundary: its ends
        GEOSGeometry* a = GEOSGeomGetStartPoint_r(h, g);
        GEOSGeometry* b = GEOSGeomGetEndPoint_r(h, g);
        collect_points(a, out);
        collect_points(b, out);
        GEOSGeom_destroy_r(h, a);
        GEOSGeom_destroy_r(h, b);
    } else {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n && n > 1; ++i) collect_points(GEOSGetGeometryN_r(h, g, i), out);
    }
}

}  // namespace

std::vector<Tier> default_tiers() {
    return {
        {"doorstep", 0.5, 200, false},         {"local", 2, 300, false},
        {"neighbourhood", 10, 1000, false},    {"wider_neighbourhood", 20, 2000, false},
        {"district", 100, 5000, false},        {"sub_regional", 500, 10000, false},
        {"fit_10min", 0, 800, false},          {"woodland_2ha_500m", 2, 500, true},
        {"woodland_20ha_4km", 20, 4000, true},
    };
}

std::vector<Site> read_sites(const std::string& path, const std::string& layer_name, const SiteOptions& options, Reporter& reporter,
                             SiteStats* stats) {
    const auto include = parse_filters(options.include);
    const auto wood = parse_filters(options.woodland);
    std::vector<std::string> fields;
    for (const auto* list : {&include, &wood})
        for (const auto& f : *list)
            if (std::find(fields.begin(), fields.end(), f.field) == fields.end()) fields.push_back(f.field);
    if (!options.name_field.empty() && std::find(fields.begin(), fields.end(), options.name_field) == fields.end())
        fields.push_back(options.name_field);
    io::Layer layer = io::read_layer(path, layer_name, io::GeometryKind::polygon, fields, reporter);
    SiteStats st;
    st.polygons_read = layer.size();
    st.repaired = io::repair_polygons(layer);
    if (st.repaired > 0)
        reporter.warning(fmt::format("{}: {} invalid green-space polygons were repaired (GEOS make-valid)", path, st.repaired));
    auto h = geos();
    std::vector<GEOSGeometry*> green, woods;
    std::vector<std::pair<Point, std::string>> names;
    for (std::size_t i = 0; i < layer.size(); ++i) {
        const bool is_wood = !wood.empty() && matches(layer, i, wood);
        if (!include.empty() && !matches(layer, i, include) && !is_wood) continue;
        GEOSGeometry* g = accessatlas::detail::from_wkb(layer.wkb[i]);
        green.push_back(g);
        if (is_wood) woods.push_back(g);
        if (!options.name_field.empty() && layer.field(options.name_field)[i])
            names.push_back({layer.points[i], *layer.field(options.name_field)[i]});
        ++st.polygons_used;
    }
    std::vector<Site> sites = dissolve(green, false);
    std::vector<Site> wood_sites = dissolve(woods, true);
    for (auto* g : green) GEOSGeom_destroy_r(h, g);
    st.woodland_sites = wood_sites.size();
    sites.insert(sites.end(), std::make_move_iterator(wood_sites.begin()), std::make_move_iterator(wood_sites.end()));
    // A site takes the name of the first named polygon inside it.
    for (auto& s : sites) {
        GEOSGeometry* g = accessatlas::detail::from_wkb(s.wkb);
        const GEOSPreparedGeometry* pg = GEOSPrepare_r(h, g);
        for (const auto& [p, name] : names) {
            GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
            const bool inside = GEOSPreparedContains_r(h, pg, pt) == 1;
            GEOSGeom_destroy_r(h, pt);
            if (inside) {
                s.name = name;
                break;
            }
        }
        GEOSPreparedGeom_destroy_r(h, pg);
        GEOSGeom_destroy_r(h, g);
    }
    st.sites = sites.size();
    if (st.polygons_used == 0)
        throw InputError("no polygon matches the green-space filters", {path, layer.layer_name, {}, {}},
                         "check [greenspace] include (e.g. \"leisure=park\") against the layer's fields and values");
    if (stats) *stats = st;
    return sites;
}

void assign_entrances(std::vector<Site>& sites, const std::vector<Point>& given, const network::RoadNetwork& network,
                      const network::ModeGraph& walk, const SiteOptions& options) {
    auto h = geos();
    std::vector<GEOSGeometry*> geoms;
    std::vector<const GEOSPreparedGeometry*> prepared;
    std::vector<Envelope> env;
    for (const auto& s : sites) {
        geoms.push_back(accessatlas::detail::from_wkb(s.wkb));
        prepared.push_back(GEOSPrepare_r(h, geoms.back()));
        env.push_back(envelope_of(geoms.back()));
    }
    // 1. Given entrances: every site within entrance_max_m of the point.
    for (const auto& p : given) {
        const Envelope pe{p.x - options.entrance_max_m, p.y - options.entrance_max_m, p.x + options.entrance_max_m,
                          p.y + options.entrance_max_m};
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, p.x, p.y);
        for (std::size_t s = 0; s < sites.size(); ++s) {
            if (!env[s].overlaps(pe)) continue;
            double d = 0;
            if (GEOSDistance_r(h, geoms[s], pt, &d) == 1 && d <= options.entrance_max_m) {
                sites[s].entrances.push_back(p);
                sites[s].given_entrances = true;
            }
        }
        GEOSGeom_destroy_r(h, pt);
    }
    // 2. Where usable walking edges cross or touch the boundary, and network nodes inside.
    std::vector<GEOSGeometry*> boundary(sites.size(), nullptr);
    for (std::size_t s = 0; s < sites.size(); ++s)
        if (!sites[s].given_entrances) boundary[s] = GEOSBoundary_r(h, geoms[s]);
    for (std::uint32_t e = 0; e < network.edge_count(); ++e) {
        if (!walk.edge_in_largest_component(e, network)) continue;
        Envelope ee{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                    -std::numeric_limits<double>::max()};
        for (const Point* p = network.edge_geometry_begin(e); p != network.edge_geometry_end(e); ++p) {
            ee.x0 = std::min(ee.x0, p->x);
            ee.y0 = std::min(ee.y0, p->y);
            ee.x1 = std::max(ee.x1, p->x);
            ee.y1 = std::max(ee.y1, p->y);
        }
        GEOSGeometry* line = nullptr;
        for (std::size_t s = 0; s < sites.size(); ++s) {
            if (!boundary[s] || !env[s].overlaps(ee)) continue;
            if (!line) {
                std::vector<Point> pts(network.edge_geometry_begin(e), network.edge_geometry_end(e));
                GEOSGeometry* lines = accessatlas::detail::make_lines({pts});
                line = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, lines, 0));
                GEOSGeom_destroy_r(h, lines);
            }
            GEOSGeometry* cut = GEOSIntersection_r(h, boundary[s], line);
            if (cut) {
                if (GEOSisEmpty_r(h, cut) != 1) collect_points(cut, sites[s].entrances);
                GEOSGeom_destroy_r(h, cut);
            }
            for (const std::uint32_t v : {network.edges[e].from, network.edges[e].to}) {
                GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, network.nodes[v].x, network.nodes[v].y);
                if (GEOSPreparedContains_r(h, prepared[s], pt) == 1) sites[s].entrances.push_back(network.nodes[v]);
                GEOSGeom_destroy_r(h, pt);
            }
        }
        if (line) GEOSGeom_destroy_r(h, line);
    }
    // 3. Fallback: no path touches the site; points every fallback_spacing_m along its boundary.
    for (std::size_t s = 0; s < sites.size(); ++s) {
        auto& site = sites[s];
        if (!site.entrances.empty()) {
            std::sort(site.entrances.begin(), site.entrances.end(),
                      [](Point a, Point b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
            site.entrances.erase(
                std::unique(site.entrances.begin(), site.entrances.end(), [](Point a, Point b) { return distance(a, b) < 0.5; }),
                site.entrances.end());
            continue;
        }
        site.fallback_entrances = true;
        GEOSGeometry* ring = boundary[s] ? GEOSGeom_clone_r(h, boundary[s]) : GEOSBoundary_r(h, geoms[s]);
        const int n = GEOSGetNumGeometries_r(h, ring);
        for (int i = 0; i < (n > 0 ? n : 1); ++i) {
            const GEOSGeometry* part = n > 1 ? GEOSGetGeometryN_r(h, ring, i) : ring;
            double length = 0;
            GEOSLength_r(h, part, &length);
            for (double d = 0; d < length || d == 0; d += options.fallback_spacing_m) {
                GEOSGeometry* pt = GEOSInterpolate_r(h, part, d);
                if (pt) {
                    collect_points(pt, site.entrances);
                    GEOSGeom_destroy_r(h, pt);
                }
                if (length == 0) break;
            }
        }
        GEOSGeom_destroy_r(h, ring);
    }
    for (auto* b : boundary)
        if (b) GEOSGeom_destroy_r(h, b);
    for (auto* p : prepared) GEOSPreparedGeom_destroy_r(h, p);
    for (auto* g : geoms) GEOSGeom_destroy_r(h, g);
}

std::vector<double> straight_line_distance(const std::vector<Site>& sites, const Tier& tier, const std::vector<Point>& origins) {
    auto h = geos();
    std::vector<double> out(origins.size(), std::numeric_limits<double>::infinity());
    GEOSSTRtree* tree = GEOSSTRtree_create_r(h, 10);
    std::vector<GEOSGeometry*> geoms;
    for (const auto& s : sites)
        if (qualifies(s, tier)) {
            geoms.push_back(accessatlas::detail::from_wkb(s.wkb));
            GEOSSTRtree_insert_r(h, tree, geoms.back(), geoms.back());
        }
    if (!geoms.empty()) {
        for (std::size_t o = 0; o < origins.size(); ++o) {
            GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, origins[o].x, origins[o].y);
            const void* nearest = GEOSSTRtree_nearest_generic_r(
                h, tree, pt, pt,
                [](const void* item, const void* query, double* d, void*) {
                    return GEOSDistance_r(geos(), static_cast<const GEOSGeometry*>(item), static_cast<const GEOSGeometry*>(query), d);
                },
                nullptr);
            if (nearest) GEOSDistance_r(h, static_cast<const GEOSGeometry*>(nearest), pt, &out[o]);
            GEOSGeom_destroy_r(h, pt);
        }
    }
    GEOSSTRtree_destroy_r(h, tree);
    for (auto* g : geoms) GEOSGeom_destroy_r(h, g);
    return out;
}

std::vector<double> network_distance(const std::vector<Site>& sites, const Tier& tier, const network::RoadNetwork& network,
                                     const network::ModeGraph& walk, const snapping::EdgeIndex& index,
                                     const std::vector<snapping::Snap>& origin_snaps, double max_snap_m, Reporter& reporter) {
    std::vector<snapping::Snap> entrances;
    for (const auto& s : sites)
        if (qualifies(s, tier))
            for (const auto& p : s.entrances) {
                const auto snap = index.snap(p, max_snap_m);
                if (snap.ok()) entrances.push_back(snap);
            }
    if (entrances.empty()) return std::vector<double>(origin_snaps.size(), std::numeric_limits<double>::infinity());
    access::NearestOptions options;
    options.count_within_thresholds = false;
    // Walking speed is the same on every path, so the quickest route is the shortest.
    return access::nearest_facility(network, walk, entrances, origin_snaps, options, reporter).length_m;
}

std::vector<double> provision_ha_per_1000(const std::vector<Site>& sites, const network::RoadNetwork& network,
                                          const network::ModeGraph& walk, const snapping::EdgeIndex& index,
                                          const std::vector<snapping::Snap>& origin_snaps, const std::vector<double>& origin_population,
                                          double distance_m, double max_snap_m, unsigned threads, Reporter& reporter) {
    std::vector<std::vector<snapping::Snap>> groups;
    std::vector<double> supply;
    for (const auto& s : sites) {
        if (s.woodland) continue;  // woods are inside the green-space set already
        std::vector<snapping::Snap> snaps;
        for (const auto& p : s.entrances) {
            const auto snap = index.snap(p, max_snap_m);
            if (snap.ok()) snaps.push_back(snap);
        }
        groups.push_back(std::move(snaps));
        supply.push_back(s.area_ha);
    }
    const double limit_s = distance_m / (walk.profile.connector_kmh / 3.6);
    const auto reach = access::reach_origins_grouped(network, walk, groups, origin_snaps, limit_s, threads, reporter);
    access::Decay flat;
    flat.kind = access::DecayKind::none;
    flat.max_time_min = limit_s / 60.0;
    auto result = access::e2sfca(reach, supply, origin_population, origin_snaps.size(), flat).accessibility;
    for (double& v : result) v *= 1000.0;
    return result;
}

AreaSummary summarise_by_area(const std::vector<Site>& sites, const std::vector<Tier>& tiers,
                              const std::vector<std::vector<double>>& tier_distance, const std::vector<double>& provision,
                              const std::vector<std::uint32_t>& origin_area, const std::vector<double>& origin_population,
                              const std::vector<std::string>& area_codes) {
    AreaSummary r;
    const std::size_t n = area_codes.size();
    const std::size_t origins = origin_area.size();
    std::vector<double> pop(n, 0);
    for (std::size_t o = 0; o < origins; ++o) pop[origin_area[o]] += origin_population[o];
    std::size_t fit = tiers.size(), any = tiers.size();
    for (std::size_t t = 0; t < tiers.size(); ++t) {
        if (tiers[t].name == "fit_10min") fit = t;
        if (!tiers[t].woodland && tiers[t].min_ha == 0 && any == tiers.size()) any = t;
    }
    for (std::size_t t = 0; t < tiers.size(); ++t) {
        std::vector<double> within(n, 0);
        for (std::size_t o = 0; o < origins; ++o)
            if (tier_distance[t][o] <= tiers[t].max_distance_m) within[origin_area[o]] += origin_population[o];
        // Shares are capped at 100: a sum of per-point shares can round just above it.
        for (std::size_t a = 0; a < n; ++a) within[a] = pop[a] > 0 ? std::min(100.0, 100.0 * within[a] / pop[a]) : std::nan("");
        r.pct.push_back(std::move(within));
    }
    r.beyond_10min.assign(n, std::nan(""));
    r.mean_distance.assign(n, std::nan(""));
    r.ha_per_1000.assign(n, std::nan(""));
    std::vector<double> dist_sum(n, 0), dist_pop(n, 0), prov_sum(n, 0);
    for (std::size_t a = 0; a < n; ++a)
        if (fit < tiers.size()) r.beyond_10min[a] = pop[a] * (1 - r.pct[fit][a] / 100.0);
    for (std::size_t o = 0; o < origins; ++o) {
        const std::uint32_t a = origin_area[o];
        if (any < tiers.size() && std::isfinite(tier_distance[any][o])) {
            dist_sum[a] += origin_population[o] * tier_distance[any][o];
            dist_pop[a] += origin_population[o];
        }
        if (!provision.empty()) prov_sum[a] += origin_population[o] * provision[o];
    }
    // Tiers no site in the data can meet (e.g. woodland when the source has no woodland type)
    // would pull every score down alike: they are left out of the score.
    std::vector<bool> scored(tiers.size(), false);
    for (std::size_t t = 0; t < tiers.size(); ++t) {
        for (const auto& site : sites) scored[t] = scored[t] || qualifies(site, tiers[t]);
        if (!scored[t]) r.unscored.push_back(tiers[t].name);
    }
    for (std::size_t a = 0; a < n; ++a) {
        if (dist_pop[a] > 0) r.mean_distance[a] = dist_sum[a] / dist_pop[a];
        if (!provision.empty() && pop[a] > 0) r.ha_per_1000[a] = prov_sum[a] / pop[a];
        double sum = 0;
        std::size_t counted = 0;
        for (std::size_t t = 0; t < tiers.size(); ++t)
            if (scored[t]) {
                sum += std::isfinite(r.pct[t][a]) ? r.pct[t][a] : 0;
                ++counted;
            }
        r.score.push_back(counted == 0 ? 0 : sum / static_cast<double>(counted));
    }
    // Deciles within the study area: 1 = the tenth with the least access.
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return r.score[x] < r.score[y] || (r.score[x] == r.score[y] && area_codes[x] < area_codes[y]);
    });
    r.decile.assign(n, 0);
    for (std::size_t rank = 0; rank < n; ++rank) r.decile[order[rank]] = static_cast<std::int64_t>(rank * 10 / n + 1);
    return r;
}

}  // namespace accessatlas::greenspace
