// Green-space access: sites from OSM or OS Open Greenspace polygons (repaired, adjacent parts
// dissolved), access points (given entrances, or where walkable edges meet the boundary, or a
// flagged fallback every 100 m along it), distance to the nearest site of each size tier
// (network or straight line), and provision in hectares per 1,000 residents.
#pragma once

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accessatlas::greenspace {

// A size-and-distance standard: people meet it when a site of at least min_ha (woodland only
// if set) lies within max_distance_m.
struct Tier {
    std::string name;
    double min_ha = 0;
    double max_distance_m = 0;
    bool woodland = false;
};
// Natural England Green Infrastructure Framework / ANGSt, Fields in Trust's 10-minute walk,
// and the Woodland Trust's Woodland Access Standard.
std::vector<Tier> default_tiers();

struct Site {
    std::vector<unsigned char> wkb;  // EPSG:27700 (multi)polygon
    double area_ha = 0;
    bool woodland = false;
    std::string name;
    std::vector<Point> entrances;
    bool fallback_entrances = false;  // no path touches it: boundary points every 100 m
    bool given_entrances = false;
};

// A site counts for a tier when it is of the tier's kind (woodland or not) and large enough.
inline bool qualifies(const Site& site, const Tier& tier) { return site.woodland == tier.woodland && site.area_ha >= tier.min_ha; }

struct SiteOptions {
    // "field=value" filters: a polygon is green space when any matches (empty = every polygon).
    std::vector<std::string> include;
    std::vector<std::string> woodland;  // "field=value" marking woodland
    std::string name_field;
    double fallback_spacing_m = 100;
    double entrance_max_m = 30;  // a given entrance belongs to a site within this distance
};

struct SiteStats {
    std::size_t polygons_read = 0;
    std::size_t polygons_used = 0;
    std::size_t repaired = 0;
    std::size_t sites = 0;
    std::size_t woodland_sites = 0;
};

// Reads the polygons with the fields the options name, repairs invalid ones, dissolves
// touching polygons into sites (woodland and other green space dissolved separately, so a
// wood keeps its own area for the woodland standard; a wood also counts as green space).
std::vector<Site> read_sites(const std::string& path, const std::string& layer, const SiteOptions& options, Reporter& reporter,
                             SiteStats* stats = nullptr);

// Entrances: given points attached to the nearest site within entrance_max_m; other sites get
// the points where usable walking edges cross or touch their boundary, plus walking-network
// nodes inside them; sites that still have none get boundary points every fallback_spacing_m.
void assign_entrances(std::vector<Site>& sites, const std::vector<Point>& given, const network::RoadNetwork& network,
                      const network::ModeGraph& walk, const SiteOptions& options);

// Straight-line distance from each origin to the nearest site satisfying the tier
// (0 inside a site); infinity when no site qualifies.
std::vector<double> straight_line_distance(const std::vector<Site>& sites, const Tier& tier, const std::vector<Point>& origins);

// Network walking distance from each origin to the nearest entrance of a qualifying site
// (connectors included), from one multi-source search.
std::vector<double> network_distance(const std::vector<Site>& sites, const Tier& tier, const network::RoadNetwork& network,
                                     const network::ModeGraph& walk, const snapping::EdgeIndex& index,
                                     const std::vector<snapping::Snap>& origin_snaps, double max_snap_m, Reporter& reporter);

// Hectares of green space per 1,000 residents within `distance_m` of each origin, sites
// shared by the people around them (two-step floating catchment: supply = site hectares).
std::vector<double> provision_ha_per_1000(const std::vector<Site>& sites, const network::RoadNetwork& network,
                                          const network::ModeGraph& walk, const snapping::EdgeIndex& index,
                                          const std::vector<snapping::Snap>& origin_snaps, const std::vector<double>& origin_population,
                                          double distance_m, double max_snap_m, unsigned threads, Reporter& reporter);

// ---- Per area ------------------------------------------------------------------------------

// The per-origin distances summed up per area, population-weighted (docs/greenspace.md).
struct AreaSummary {
    std::vector<std::vector<double>> pct;  // [tier][area]: % of people within the tier's distance (capped at 100)
    std::vector<double> beyond_10min;      // people beyond the "fit_10min" tier (NaN without that tier)
    std::vector<double> mean_distance;     // metres to the nearest site of the first any-size tier
    std::vector<double> ha_per_1000;       // hectares per 1,000 residents (NaN without provision)
    std::vector<double> score;             // mean of pct over the scored tiers, 0-100
    std::vector<std::int64_t> decile;      // 1 = the tenth of areas with the least access (ties by code)
    std::vector<std::string> unscored;     // tiers no site can meet: left out of the score
};

// `tier_distance[t][o]`: origin o's distance to tier t (metres); `provision`: per origin, may be
// empty; `origin_area[o]`: the area index; `area_codes` break decile ties.
AreaSummary summarise_by_area(const std::vector<Site>& sites, const std::vector<Tier>& tiers,
                              const std::vector<std::vector<double>>& tier_distance, const std::vector<double>& provision,
                              const std::vector<std::uint32_t>& origin_area, const std::vector<double>& origin_population,
                              const std::vector<std::string>& area_codes);

}  // namespace accessatlas::greenspace
