#include "support/test_network.hpp"

#include <accessatlas/geometry/polygons.hpp>
#include <accessatlas/access/nearest.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

using namespace accessatlas;
using test::NullReporter;

namespace {

access::Reach make_reach(const std::vector<std::vector<std::pair<std::uint32_t, double>>>& per_facility_minutes) {
    access::Reach r;
    r.first.push_back(0);
    for (const auto& f : per_facility_minutes) {
        for (const auto& [o, t] : f) {
            r.origin.push_back(o);
            r.time_s.push_back(static_cast<float>(t * 60));
        }
        r.first.push_back(r.origin.size());
    }
    return r;
}

}  // namespace

// Three facilities, five origins, Luo & Qi's band weights 1.00 / 0.68 / 0.22 (0-10, 10-20,
// 20-30 min). Worked by hand:
//   D0 = 100*1 + 200*0.68 + 300*0.22 = 302        R0 = 2/302 = 0.0066225166
//   D1 = 200*1 + 400*0.68           = 472        R1 = 1/472 = 0.0021186441
//   D2 = 300*0.68 + 400*1 + 500*0.22 = 714       R2 = 3/714 = 0.0042016807
//   A0 = R0                     = 0.0066225166
//   A1 = 0.68 R0 + R1           = 0.0066219554
//   A2 = 0.22 R0 + 0.68 R2      = 0.0043140965
//   A3 = 0.68 R1 + R2           = 0.0056423587
//   A4 = 0.22 R2                = 0.0009243697
TEST(E2sfca, HandWorkedExample) {
    const auto reach = make_reach({{{0, 5}, {1, 15}, {2, 25}}, {{1, 5}, {3, 12}}, {{2, 18}, {3, 8}, {4, 28}}});
    const std::vector<double> supply{2, 1, 3};
    const std::vector<double> pop{100, 200, 300, 400, 500};
    const auto r = access::e2sfca(reach, supply, pop, 5, access::Decay{});
    EXPECT_NEAR(r.demand[0], 302, 1e-9);
    EXPECT_NEAR(r.demand[1], 472, 1e-9);
    EXPECT_NEAR(r.demand[2], 714, 1e-9);
    EXPECT_NEAR(r.ratio[0], 0.0066225166, 1e-10);
    EXPECT_NEAR(r.ratio[1], 0.0021186441, 1e-10);
    EXPECT_NEAR(r.ratio[2], 0.0042016807, 1e-10);
    EXPECT_NEAR(r.accessibility[0], 0.0066225166, 1e-10);
    EXPECT_NEAR(r.accessibility[1], 0.0066219554, 1e-10);
    EXPECT_NEAR(r.accessibility[2], 0.0043140965, 1e-10);
    EXPECT_NEAR(r.accessibility[3], 0.0056423587, 1e-10);
    EXPECT_NEAR(r.accessibility[4], 0.0009243697, 1e-10);
    // Supply is conserved: sum_i A_i P_i = sum_j S_j (every facility has demand).
    double total = 0;
    for (int i = 0; i < 5; ++i) total += r.accessibility[static_cast<std::size_t>(i)] * pop[static_cast<std::size_t>(i)];
    EXPECT_NEAR(total, 6.0, 1e-9);
    EXPECT_NEAR(r.population_within[2], 1200, 1e-9);
}

TEST(E2sfca, DecayFunctions) {
    access::Decay d;
    EXPECT_DOUBLE_EQ(d.weight(10), 1.0);
    EXPECT_DOUBLE_EQ(d.weight(10.01), 0.68);
    EXPECT_DOUBLE_EQ(d.weight(30), 0.22);
    EXPECT_DOUBLE_EQ(d.weight(30.01), 0.0);
    d.kind = access::DecayKind::gaussian;
    d.gaussian_sigma_min = 10;
    EXPECT_NEAR(d.weight(10), std::exp(-0.5), 1e-12);
    d.kind = access::DecayKind::linear;
    EXPECT_NEAR(d.weight(15), 0.5, 1e-12);
    d.kind = access::DecayKind::exponential;
    d.exponential_per_min = 0.1;
    EXPECT_NEAR(d.weight(10), std::exp(-1.0), 1e-12);
    d.kind = access::DecayKind::none;
    EXPECT_DOUBLE_EQ(d.weight(29), 1.0);
    EXPECT_DOUBLE_EQ(d.weight(31), 0.0);
}

class RandomNetwork : public testing::Test {
protected:
    void SetUp() override {
        net = test::random_network(400, 17);
        graph = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
        index = std::make_unique<snapping::EdgeIndex>(net, graph, false);
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> coord(0, 5000);
        for (int i = 0; i < 25; ++i) facilities.push_back(index->snap({coord(rng), coord(rng)}, 1e9));
        for (int i = 0; i < 300; ++i) origins.push_back(index->snap({coord(rng), coord(rng)}, 1e9));
    }
    network::RoadNetwork net;
    network::ModeGraph graph;
    std::unique_ptr<snapping::EdgeIndex> index;
    std::vector<snapping::Snap> facilities, origins;
};

TEST_F(RandomNetwork, TwoStepSupplyIsConservedWhenEverythingIsInReach) {
    NullReporter r;
    const auto reach = access::reach_origins(net, graph, facilities, origins, 1e7, 0, r);
    std::vector<double> supply, pop;
    for (std::size_t f = 0; f < facilities.size(); ++f) supply.push_back(1.0 + static_cast<double>(f % 4));
    for (std::size_t o = 0; o < origins.size(); ++o) pop.push_back(10.0 + static_cast<double>(o % 7));
    access::Decay plain;
    plain.kind = access::DecayKind::none;
    plain.max_time_min = 1e6;
    const auto e = access::e2sfca(reach, supply, pop, origins.size(), plain);
    double lhs = 0, rhs = 0;
    std::size_t in_reach = 0;
    for (std::size_t o = 0; o < origins.size(); ++o) lhs += e.accessibility[o] * pop[o];
    for (std::size_t f = 0; f < facilities.size(); ++f)
        if (e.demand[f] > 0) {
            rhs += supply[f];
            ++in_reach;
        }
    EXPECT_GT(in_reach, 20u);
    EXPECT_NEAR(lhs, rhs, 1e-9 * rhs);
}

TEST_F(RandomNetwork, ReachMatchesTheNearestSearchAndIgnoresThreadCount) {
    NullReporter r;
    const auto one = access::reach_origins(net, graph, facilities, origins, 600, 1, r);
    const auto two = access::reach_origins(net, graph, facilities, origins, 600, 2, r);
    EXPECT_EQ(one.first, two.first);
    EXPECT_EQ(one.origin, two.origin);
    EXPECT_EQ(one.time_s, two.time_s);
    // The smallest reach time of each origin is its nearest-facility time (when within 600 s).
    access::NearestOptions options;
    options.count_within_thresholds = false;
    const auto nearest = access::nearest_facility(net, graph, facilities, origins, options, r);
    std::vector<double> best(origins.size(), routing::unreached);
    for (std::size_t i = 0; i < one.origin.size(); ++i) best[one.origin[i]] = std::min(best[one.origin[i]], double(one.time_s[i]));
    std::size_t checked = 0;
    for (std::size_t o = 0; o < origins.size(); ++o) {
        if (nearest.time_s[o] <= 599) {
            EXPECT_NEAR(best[o], nearest.time_s[o], 1e-3 * std::max(1.0, nearest.time_s[o])) << "origin " << o;
            ++checked;
        } else if (nearest.time_s[o] > 601) {
            EXPECT_TRUE(std::isinf(best[o])) << "origin " << o;
        }
    }
    EXPECT_GT(checked, 50u);
}

namespace {

// Two reaches agree: the same pairs and times within float rounding, except pairs within a
// rounding of the limit, which either may keep.
void expect_same_reach(const access::Reach& a, const access::Reach& b, double limit_s) {
    ASSERT_EQ(a.facility_count(), b.facility_count());
    std::size_t pairs = 0;
    for (std::size_t f = 0; f < a.facility_count(); ++f) {
        std::map<std::uint32_t, float> in_b;
        for (auto i = b.first[f]; i < b.first[f + 1]; ++i) in_b[b.origin[i]] = b.time_s[i];
        for (auto i = a.first[f]; i < a.first[f + 1]; ++i) {
            ASSERT_TRUE(i == a.first[f] || a.origin[i - 1] < a.origin[i]) << "origins in order, facility " << f;
            const auto it = in_b.find(a.origin[i]);
            if (it == in_b.end()) {
                EXPECT_GT(a.time_s[i], limit_s - 0.01) << "facility " << f << " origin " << a.origin[i];
                continue;
            }
            EXPECT_NEAR(a.time_s[i], it->second, 1e-3) << "facility " << f << " origin " << a.origin[i];
            in_b.erase(it);
            ++pairs;
        }
        for (const auto& [o, t] : in_b) EXPECT_GT(t, limit_s - 0.01) << "facility " << f << " origin " << o << " only in b";
    }
    EXPECT_GT(pairs, 100u);
}

}  // namespace

TEST_F(RandomNetwork, ReachByHierarchyEqualsDijkstra) {
    NullReporter r;
    // Facilities on origins' own edges too (reached without leaving the edge), one-way streets.
    for (int i = 0; i < 10; ++i) facilities.push_back(origins[static_cast<std::size_t>(i) * 7]);
    facilities.push_back(snapping::Snap{});  // not on the network: no pairs
    for (double limit : {300.0, 900.0}) {
        const auto d = access::reach_origins(net, graph, facilities, origins, limit, 2, r, access::ReachMethod::dijkstra);
        const auto h = access::reach_origins(net, graph, facilities, origins, limit, 2, r, access::ReachMethod::hierarchy);
        EXPECT_FALSE(d.by_hierarchy);
        EXPECT_TRUE(h.by_hierarchy);
        expect_same_reach(d, h, limit);
        expect_same_reach(h, d, limit);
        EXPECT_EQ(h.first[facilities.size()] - h.first[facilities.size() - 1], 0u);
    }
    // The hierarchy is built once into the caller's cache and found there by the next search;
    // the thread count changes nothing.
    test::StageCounter counter("Contraction hierarchy");  // builds
    routing::HierarchyCache cache(graph.backward);
    const auto one = access::reach_origins(net, graph, facilities, origins, 600, 1, counter, access::ReachMethod::hierarchy, &cache);
    ASSERT_TRUE(cache.built());
    const auto two = access::reach_origins(net, graph, facilities, origins, 600, 2, counter, access::ReachMethod::hierarchy, &cache);
    EXPECT_EQ(counter.count, 1);  // the second search found it
    EXPECT_EQ(one.origin, two.origin);
    EXPECT_EQ(one.time_s, two.time_s);
    // A cache of another graph is a caller's mistake, said at once.
    routing::HierarchyCache forward(graph.forward);
    EXPECT_THROW(access::reach_origins(net, graph, facilities, origins, 600, 2, r, access::ReachMethod::hierarchy, &forward),
                 InternalError);
}

TEST(Reach, ByHierarchyOverARegionEqualsDijkstra) {
    // Walking pace on a 5 km square: a 10-minute reach spans a few hundred metres, so each
    // batch sweeps only the part of the hierarchy near its facilities.
    NullReporter r;
    const auto net = test::random_network(4000, 5, 0.1);
    const auto graph = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 4.8, false));
    const snapping::EdgeIndex index(net, graph, false);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> coord(0, 5000);
    std::vector<snapping::Snap> facilities, origins;
    for (int i = 0; i < 400; ++i) facilities.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
    for (int i = 0; i < 3000; ++i) origins.push_back(index.snap({coord(rng), coord(rng)}, 1e9));
    const auto d = access::reach_origins(net, graph, facilities, origins, 600, 2, r, access::ReachMethod::dijkstra);
    const auto h = access::reach_origins(net, graph, facilities, origins, 600, 2, r, access::ReachMethod::hierarchy);
    expect_same_reach(d, h, 600);
    expect_same_reach(h, d, 600);
    // Far fewer nodes swept than whole-graph sweeps would (25 batches x 4,000 nodes).
    EXPECT_LT(h.nodes_settled, 25u * 4000u / 2);
}

TEST_F(RandomNetwork, GroupedReachByHierarchyEqualsDijkstra) {
    NullReporter r;
    // Parks with two to four entrances each: an origin's time is to the nearest entrance.
    std::vector<std::vector<snapping::Snap>> parks;
    for (std::size_t i = 0; i + 3 < facilities.size(); i += 3) parks.push_back({facilities[i], facilities[i + 1], facilities[i + 2]});
    parks.push_back({origins[5], facilities[0]});
    const auto d = access::reach_origins_grouped(net, graph, parks, origins, 600, 2, r, access::ReachMethod::dijkstra);
    const auto h = access::reach_origins_grouped(net, graph, parks, origins, 600, 2, r, access::ReachMethod::hierarchy);
    expect_same_reach(d, h, 600);
    expect_same_reach(h, d, 600);
}

TEST(Reach, TheHierarchyPaysForManyLongSearchesOnly) {
    // 62,500 nodes at 36 km/h: an hour reaches everything, and 2,000 facilities would each
    // search the whole graph; ten minutes on foot reach a few hundred nodes.
    NullReporter r;
    const auto net = test::grid_network(250, 7);
    const auto drive = network::build_mode_graph(net, test::uniform_profile(network::Mode::drive, 36, true));
    const auto walk = network::build_mode_graph(net, test::uniform_profile(network::Mode::walk, 4.8, false));
    std::mt19937 rng(2);
    std::uniform_real_distribution<double> coord(0, 24900);
    const snapping::EdgeIndex di(net, drive), wi(net, walk);
    std::vector<snapping::Snap> fd, od, fw, ow;
    for (int i = 0; i < 2000; ++i) {
        const Point p{coord(rng), coord(rng)};
        fd.push_back(di.snap(p, 500));
        fw.push_back(wi.snap(p, 500));
    }
    for (int i = 0; i < 500; ++i) {
        const Point p{coord(rng), coord(rng)};
        od.push_back(di.snap(p, 500));
        ow.push_back(wi.snap(p, 500));
    }
    EXPECT_TRUE(access::hierarchy_pays(net, drive, fd, od, 3600, 2, r));
    EXPECT_FALSE(access::hierarchy_pays(net, walk, fw, ow, 600, 2, r));
    EXPECT_FALSE(access::hierarchy_pays(net, drive, {fd.begin(), fd.begin() + 3}, od, 3600, 2, r));  // too few to sample
    // 20 whole-graph searches do not pay for building a hierarchy (about 60 would), but they
    // do for sweeping one the caller's cache holds already; deciding builds nothing.
    const std::vector<snapping::Snap> twenty(fd.begin(), fd.begin() + 20);
    routing::HierarchyCache drive_hierarchy(drive.backward);
    EXPECT_FALSE(access::hierarchy_pays(net, drive, twenty, od, 3600, 2, r, &drive_hierarchy));
    EXPECT_FALSE(drive_hierarchy.built());
    drive_hierarchy.get(r);
    EXPECT_TRUE(access::hierarchy_pays(net, drive, twenty, od, 3600, 2, r, &drive_hierarchy));
}

TEST_F(RandomNetwork, AutomaticReachKeepsDijkstraOnASmallGraph) {
    NullReporter r;
    // 25 facilities on 400 nodes: building a hierarchy costs more than it saves.
    routing::HierarchyCache cache(graph.backward);
    const auto a = access::reach_origins(net, graph, facilities, origins, 900, 2, r, access::ReachMethod::automatic, &cache);
    EXPECT_FALSE(a.by_hierarchy);
    EXPECT_FALSE(cache.built());  // nothing built for nothing
}

// The service-area polygon of a real GP on Rutland's walking network: every position the
// network reaches within 10 minutes is inside, and nothing inside is farther than the walk-off
// (+5 m simplification +2 m sampling) from such a position.
TEST(Reach, ByHierarchyEqualsDijkstraOnRutlandRoads) {
    // Real OpenStreetMap roads: one-way streets, dual carriageways, maxspeed tags, dead ends.
    NullReporter r;
    const auto net = network::read_osm(std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/osm/rutland-2018-02-27.osm.pbf", r);
    const auto graph = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    const snapping::EdgeIndex index(net, graph);
    const Box box = net.extent();
    std::mt19937 rng(19);
    std::uniform_real_distribution<double> ux(box.min_x, box.max_x), uy(box.min_y, box.max_y);
    std::vector<snapping::Snap> facilities, origins;
    while (facilities.size() < 48) {
        const auto s = index.snap({ux(rng), uy(rng)}, 500);
        if (s.ok()) facilities.push_back(s);
    }
    while (origins.size() < 1500) {
        const auto s = index.snap({ux(rng), uy(rng)}, 500);
        if (s.ok()) origins.push_back(s);
    }
    for (double limit : {600.0, 1800.0}) {
        const auto d = access::reach_origins(net, graph, facilities, origins, limit, 2, r, access::ReachMethod::dijkstra);
        const auto h = access::reach_origins(net, graph, facilities, origins, limit, 2, r, access::ReachMethod::hierarchy);
        expect_same_reach(d, h, limit);
        expect_same_reach(h, d, limit);
    }
}

TEST(CatchmentPolygons, ContainmentOnTheRutlandNetwork) {
    NullReporter r;
    const auto net = network::read_osm(std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/osm/rutland-2018-02-27.osm.pbf", r);
    const auto graph = network::build_mode_graph(net, network::default_profile(network::Mode::walk));
    const snapping::EdgeIndex index(net, graph);
    // Oakham Medical Practice, Cold Overton Road (EPSG:27700, from the NHS Choices list).
    const auto gp = index.snap({485560, 308850}, 500);
    ASSERT_TRUE(gp.ok());
    access::CatchmentOptions options;
    options.thresholds_min = {10};
    options.walk_off_m = 50;
    const auto polygons = access::catchment_polygons(net, graph, {gp}, options, r);
    const auto& poly = polygons.facility[0][0];
    ASSERT_FALSE(poly.empty());
    EXPECT_GT(geometry::polygon_area_m2(poly), 0.3e6) << "10 minutes on foot covers more than 30 ha";

    // Independent times: a plain Dijkstra seeded by hand, then every edge sampled every 2 m.
    const double limit = 600, walk = 4.8 / 3.6;
    routing::Dijkstra d(graph.backward);
    const auto& ge = net.edges[gp.edge];
    const double c = gp.distance_m / walk;
    d.add_source(ge.from, c + gp.offset_m / walk, 0, 0);
    d.add_source(ge.to, c + (ge.length_m - gp.offset_m) / walk, 0, 0);
    d.run_until(routing::unreached);
    std::vector<Point> reachable;
    std::size_t reached_nodes = 0;
    for (std::uint32_t e = 0; e < net.edge_count(); ++e) {
        if (!graph.edge_usable(e)) continue;
        const auto& edge = net.edges[e];
        const Point* p = net.edge_geometry_begin(e);
        const Point* end = net.edge_geometry_end(e);
        double walked = 0;
        for (; p + 1 < end; ++p) {
            const double seg = distance(p[0], p[1]);
            for (double s = 0; s < seg; s += 2.0) {
                const double x = walked + s;
                double t = std::min(d.time(edge.from) + x / walk, d.time(edge.to) + (edge.length_m - x) / walk);
                if (e == gp.edge) t = std::min(t, c + std::abs(x - gp.offset_m) / walk);
                if (t <= limit) reachable.push_back({p[0].x + s / seg * (p[1].x - p[0].x), p[0].y + s / seg * (p[1].y - p[0].y)});
            }
            walked += seg;
        }
    }
    for (std::uint32_t v = 0; v < net.node_count(); ++v)
        if (d.time(v) <= limit) {
            ++reached_nodes;
            EXPECT_TRUE(access::polygon_contains(poly, net.nodes[v])) << "reachable node " << v << " outside";
        }
    EXPECT_GT(reached_nodes, 50u);
    std::size_t outside = 0;
    for (const auto& q : reachable) outside += access::polygon_contains(poly, q) ? 0 : 1;
    EXPECT_EQ(outside, 0u) << "of " << reachable.size() << " reachable sample positions";

    // Points inside the polygon: each within 57 m of a reachable position.
    Box box;
    for (const auto& q : reachable) box.expand(q);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> ux(box.min_x - 60, box.max_x + 60), uy(box.min_y - 60, box.max_y + 60);
    std::size_t inside = 0;
    for (int i = 0; i < 3000; ++i) {
        const Point q{ux(rng), uy(rng)};
        if (!access::polygon_contains(poly, q)) continue;
        ++inside;
        double best = 1e18;
        for (const auto& s : reachable) best = std::min(best, distance(q, s));
        EXPECT_LE(best, 57.0) << "point (" << q.x << ", " << q.y << ") inside but " << best << " m from the reachable network";
    }
    EXPECT_GT(inside, 300u);
    // The coverage of a single facility is its own polygon's area.
    EXPECT_NEAR(geometry::polygon_area_m2(polygons.coverage[0]), geometry::polygon_area_m2(poly), 1e-6 * geometry::polygon_area_m2(poly));
}

// E2SFCA per area: the population-weighted mean of the origins' accessibility, per 1,000 people.
TEST(AreaE2sfca, PopulationWeightedMeanPerThousandByHand) {
    const auto a = access::area_e2sfca_per_1000({0.001, 0.003, 0.002}, {0, 0, 1}, {10, 30, 5}, 3);
    ASSERT_EQ(a.size(), 3u);
    EXPECT_DOUBLE_EQ(a[0], 1000 * (10 * 0.001 + 30 * 0.003) / 40);  // 2.5
    EXPECT_DOUBLE_EQ(a[1], 2);
    EXPECT_TRUE(std::isnan(a[2]));  // no people: no value, never 0
}
