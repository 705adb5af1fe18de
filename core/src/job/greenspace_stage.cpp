// Green space as a job stage: sites and entrances read, distances by tier, per-area shares and
// scores, and the green-space layers.
#include "job/stage_costs.hpp"
#include "job/stages.hpp"
#include "job/layer_schema.hpp"

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/report/report.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace accessatlas::job::detail {

using network::invalid_id;

GreenspaceSettings greenspace_settings(const Job& job) {
    return {job.greenspace, job.profile(network::Mode::walk), job.max_snap_m, job.threads};
}

GreenspaceResult run_greenspace(const GreenspaceSettings& settings, const network::RoadNetwork& net, const Areas& areas,
                                const Origins& origins, Reporter& reporter) {
    const auto& spec = settings.spec;
    GreenspaceResult r;
    reporter.weigh_next_stage(stage_cost::green_space_reading);
    reporter.stage("Reading green spaces");
    greenspace::SiteStats stats;
    r.sites = greenspace::read_sites(spec.sites.path, spec.sites.layer, spec.site_options, reporter, &stats);
    reporter.info(fmt::format("green space: {} of {} polygons used, {} sites ({} woodland)", stats.polygons_used, stats.polygons_read,
                              stats.sites, stats.woodland_sites));
    std::vector<Point> given;
    if (!spec.entrances.path.empty())
        given = io::read_layer(spec.entrances.path, spec.entrances.layer, io::GeometryKind::point, {}, reporter).points;
    const auto walk = network::build_mode_graph(net, settings.walk);
    const snapping::EdgeIndex index(net, walk);
    reporter.stage("Finding green-space entrances");
    greenspace::assign_entrances(r.sites, given, net, walk, spec.site_options);
    std::size_t fallback = 0;
    for (const auto& s : r.sites) fallback += s.fallback_entrances;
    if (fallback > 0)
        reporter.warning(
            fmt::format("green space: {} of {} sites have no given entrance and no path touching them; their entrances are boundary "
                        "points every {} m (flagged fallback_entrances)",
                        fallback, r.sites.size(), spec.site_options.fallback_spacing_m));
    std::vector<snapping::Snap> osnaps;
    for (const auto& p : origins.location) osnaps.push_back(index.snap(p, settings.max_snap_m));
    for (const auto& tier : spec.tiers) {
        reporter.stage("Distance to the nearest " + tier.name + " green space");
        r.tier_distance.push_back(spec.network_mode
                                      ? greenspace::network_distance(r.sites, tier, net, walk, index, osnaps, settings.max_snap_m, reporter)
                                      : greenspace::straight_line_distance(r.sites, tier, origins.location));
    }
    if (spec.network_mode) {
        reporter.stage("Green-space provision per 1,000 residents");
        r.provision = greenspace::provision_ha_per_1000(r.sites, net, walk, index, osnaps, origins.population, spec.neighbourhood_m,
                                                        settings.max_snap_m, settings.threads, reporter);
    }
    auto summary =
        greenspace::summarise_by_area(r.sites, spec.tiers, r.tier_distance, r.provision, origins.area, origins.population, areas.code);
    if (!summary.unscored.empty())
        reporter.warning(
            fmt::format("green space: no site in the data can meet {}; left out of greenspace_score", list_some(summary.unscored)));
    r.pct = std::move(summary.pct);
    r.beyond_10min = std::move(summary.beyond_10min);
    r.mean_distance = std::move(summary.mean_distance);
    r.ha_per_1000 = std::move(summary.ha_per_1000);
    r.score = std::move(summary.score);
    r.decile = std::move(summary.decile);
    return r;
}

void write_greenspace_layers(io::GpkgWriter& out, const Job& job, const Areas& areas, const GreenspaceResult& g) {
    const auto& spec = job.greenspace;
    auto& layer = lsoa_greenspace_schema(job).create(out);
    describe(layer, job, "Green-space access per LSOA: tiers (ANGSt / Green Infrastructure Framework, Fields in Trust, Woodland Trust)",
             "% of population (pct_*), people (pop_beyond_10min), metres (mean_dist_m), hectares per 1,000 people (ha_per_1000), "
             "score 0-100 (higher = better access), decile 1-10 (1 = least access in the study area)",
             std::string(spec.network_mode ? "network walking distance" : "straight-line distance") +
                 " to the nearest qualifying site; see docs/greenspace.md");
    const auto style = styles::green_score("greenspace_score", "Green-space access score (0-100, higher = better)");
    out.add_style(layer.name(), style.name, style.qml, style.sld, true, style.title);
    for (std::size_t a = 0; a < areas.code.size(); ++a) {
        double pop = areas.population[a];
        std::vector<io::Value> v{areas.code[a], areas.name[a], pop, std::string(spec.network_mode ? "network" : "straight_line"),
                                 g.score[a],    g.decile[a]};
        for (std::size_t t = 0; t < spec.tiers.size(); ++t) v.emplace_back(g.pct[t][a]);
        v.emplace_back(g.beyond_10min[a]);
        v.emplace_back(g.mean_distance[a]);
        v.emplace_back(g.ha_per_1000[a]);
        v.emplace_back(std::isfinite(g.ha_per_1000[a]) ? io::Value(static_cast<std::int64_t>(g.ha_per_1000[a] >= spec.capacity_ha_per_1000))
                                                       : io::Value());
        layer.add(v, &areas.layer.wkb[a]);
    }
    auto& sites = greenspace_sites_schema().create(out);
    describe(sites, job, "Green-space sites used", "hectares", "polygons repaired and dissolved with GEOS");
    const auto cs = styles::coverage();
    out.add_style(sites.name(), cs.name, cs.qml, cs.sld, true, "Green-space sites");
    auto& entrances = greenspace_entrances_schema().create(out);
    describe(entrances, job, "Green-space access points", "none (locations)",
             "given entrances, or walking edges meeting the boundary, or fallback points");
    const auto es = styles::points("entrances", "#238b45");
    out.add_style(entrances.name(), es.name, es.qml, es.sld, true, "Green-space entrances");
    for (std::size_t s = 0; s < g.sites.size(); ++s) {
        const auto& site = g.sites[s];
        sites.add({static_cast<std::int64_t>(s), site.name, site.area_ha, static_cast<std::int64_t>(site.woodland),
                   static_cast<std::int64_t>(site.entrances.size()), static_cast<std::int64_t>(site.given_entrances),
                   static_cast<std::int64_t>(site.fallback_entrances)},
                  &site.wkb);
        const std::string kind = site.given_entrances ? "given" : site.fallback_entrances ? "fallback" : "derived";
        for (const auto& p : site.entrances) entrances.add_point({static_cast<std::int64_t>(s), kind}, p);
    }
}

}  // namespace accessatlas::job::detail
