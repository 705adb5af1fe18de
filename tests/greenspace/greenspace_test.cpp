#include "support/greenspace_sites.hpp"
#include "support/test_network.hpp"

#include <accessatlas/network/graph.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/snapping/edge_index.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <fstream>

using namespace accessatlas;
using test::NullReporter;

namespace {

const greenspace::Site* site_named(const std::vector<greenspace::Site>& sites, const std::string& name, bool woodland = false) {
    for (const auto& s : sites)
        if (s.name == name && s.woodland == woodland) return &s;
    return nullptr;
}

}  // namespace

TEST(Greenspace, SitesAreFilteredRepairedAndDissolved) {
    NullReporter r;
    greenspace::SiteStats stats;
    const auto sites = greenspace::read_sites(test::write_sites(), "", test::site_options(), r, &stats);
    EXPECT_EQ(stats.polygons_read, 6u);
    EXPECT_EQ(stats.polygons_used, 5u) << "the car park is not green space";
    EXPECT_EQ(stats.repaired, 1u) << "the bow tie";
    const auto* a = site_named(sites, "Park A");
    ASSERT_NE(a, nullptr);
    EXPECT_NEAR(a->area_ha, 1.0, 1e-9);
    const auto* d = site_named(sites, "Half D1");
    ASSERT_NE(d, nullptr);
    EXPECT_NEAR(d->area_ha, 1.0, 1e-9) << "the touching halves form one site";
    EXPECT_EQ(site_named(sites, "Half D2"), nullptr);
    // The wood is green space and also a woodland site of its own.
    ASSERT_NE(site_named(sites, "Wood B"), nullptr);
    ASSERT_NE(site_named(sites, "Wood B", true), nullptr);
    EXPECT_NEAR(site_named(sites, "Wood B", true)->area_ha, 4.0, 1e-9);
    // Bow tie: repaired into two triangles of 0.25 ha each (both kept, touching at a point).
    int triangles = 0;
    for (const auto& s : sites) triangles += std::abs(s.area_ha - 0.25) < 1e-9 ? 1 : 0;
    EXPECT_EQ(triangles, 2);
    EXPECT_EQ(sites.size(), 6u) << "A, B, two triangles, D, and B again as woodland";
}

// The sites with their derived entrances on the hand-made paths.
class GreenspaceOnPaths : public testing::Test {
protected:
    void SetUp() override { greenspace::assign_entrances(sites, {}, net, walk, test::site_options()); }
    NullReporter r;
    std::vector<greenspace::Site> sites = greenspace::read_sites(test::write_sites(), "", test::site_options(), r);
    const network::RoadNetwork net = test::site_paths();
    const network::ModeGraph walk = network::build_mode_graph(net, network::default_profile(network::Mode::walk));
    const snapping::EdgeIndex index{net, walk};
};

TEST_F(GreenspaceOnPaths, EntrancesWherePathsMeetTheBoundaryElseFallback) {
    const auto* a = site_named(sites, "Park A");
    bool at_gate = false;
    for (const auto& p : a->entrances) at_gate = at_gate || distance(p, {50, 0}) < 1e-6;
    EXPECT_TRUE(at_gate) << "the path crosses the boundary at (50, 0)";
    EXPECT_FALSE(a->fallback_entrances);
    const auto* b = site_named(sites, "Wood B", true);
    EXPECT_TRUE(b->fallback_entrances);
    EXPECT_EQ(b->entrances.size(), 8u) << "800 m of boundary, a point every 100 m";
    // Given entrances win: a gate 10 m outside D is attached, one 50 m away is not.
    auto with_gates = greenspace::read_sites(test::write_sites(), "", test::site_options(), r);
    greenspace::assign_entrances(with_gates, {{690, -10}, {900, 50}}, net, walk, test::site_options());
    const auto* d = site_named(with_gates, "Half D1");
    EXPECT_TRUE(d->given_entrances);
    EXPECT_EQ(d->entrances.size(), 1u);
}

TEST_F(GreenspaceOnPaths, TiersAndDistancesOnAHandMadeNetwork) {
    const std::vector<Point> origins{{50, -100}, {400, 200}};
    std::vector<snapping::Snap> snaps;
    for (const auto& p : origins) snaps.push_back(index.snap(p, 500));

    // Tier of at least 1 ha: Park A (exactly 1.0 ha) qualifies; 100 m along the path to its gate.
    const greenspace::Tier one_ha{"t", 1.0, 300, false};
    const auto net1 = greenspace::network_distance(sites, one_ha, net, walk, index, snaps, 500, r);
    EXPECT_NEAR(net1[0], 100, 1e-3);
    // Just above 1 ha only the wood (4 ha, as green space) qualifies: from (50,-100) along the
    // paths to (300,200) then 100 m across to the fallback point (300,300): 150+150+250+100 m.
    const greenspace::Tier above{"t", 1.01, 300, false};
    const auto net2 = greenspace::network_distance(sites, above, net, walk, index, snaps, 500, r);
    EXPECT_NEAR(net2[0], 650, 1e-3);
    // Woodland tier: only woodland sites count.
    const greenspace::Tier wood{"w", 2, 500, true};
    const auto w = greenspace::network_distance(sites, wood, net, walk, index, snaps, 500, r);
    EXPECT_NEAR(w[1], 100, 1e-3) << "(400,200) is 100 m below the fallback point (400,300)";
    // Straight line is never longer than the network.
    for (const auto* tier : {&one_ha, &above, &wood}) {
        const auto straight = greenspace::straight_line_distance(sites, *tier, origins);
        const auto network_d = greenspace::network_distance(sites, *tier, net, walk, index, snaps, 500, r);
        for (std::size_t o = 0; o < origins.size(); ++o) EXPECT_LE(straight[o], network_d[o] + 1e-9) << tier->name << " " << o;
    }
    EXPECT_NEAR(greenspace::straight_line_distance(sites, above, origins)[0], std::hypot(250.0, 400.0), 1e-6);
    // Inside a site the straight-line distance is 0.
    EXPECT_DOUBLE_EQ(greenspace::straight_line_distance(sites, one_ha, {{50, 50}})[0], 0.0);
}

TEST_F(GreenspaceOnPaths, ProvisionSharesHectaresAmongThePeopleAround) {
    // Two origins 100 m from Park A's gate, 1,000 people each; nothing else within 300 m.
    const std::vector<snapping::Snap> snaps{index.snap({50, -100}, 500), index.snap({50, -100}, 500)};
    const auto ha = greenspace::provision_ha_per_1000(sites, net, walk, index, snaps, {1000, 1000}, 300, 500, 1, r);
    // Park A's 1 ha shared by 2,000 people = 0.5 ha per 1,000 people for each.
    EXPECT_NEAR(ha[0], 0.5, 1e-9);
    EXPECT_NEAR(ha[1], 0.5, 1e-9);
}

// Per-area summary, worked by hand: two areas, three origins, a 3 ha park, and a woodland tier
// no site can meet (left out of the score, and named).
TEST(GreenspaceAreas, SharesScoreDistanceProvisionAndDecilesByHand) {
    std::vector<greenspace::Site> sites(1);
    sites[0].area_ha = 3;
    const std::vector<greenspace::Tier> tiers{{"local", 2, 300, false}, {"fit_10min", 0, 800, false}, {"woods", 1, 500, true}};
    const double inf = std::numeric_limits<double>::infinity();
    // origins: o0 (area 0, 10 people), o1 (area 0, 30), o2 (area 1, 20)
    const std::vector<std::vector<double>> distance{{200, 500, 1000}, {200, 700, 1000}, {inf, inf, inf}};
    const auto s = greenspace::summarise_by_area(sites, tiers, distance, {4, 2, 1}, {0, 0, 1}, {10, 30, 20}, {"E01000002", "E01000001"});
    ASSERT_EQ(s.pct.size(), 3u);
    EXPECT_DOUBLE_EQ(s.pct[0][0], 25);  // 10 of 40 within 300 m of a 2 ha site
    EXPECT_DOUBLE_EQ(s.pct[1][0], 100);
    EXPECT_DOUBLE_EQ(s.pct[0][1], 0);
    EXPECT_DOUBLE_EQ(s.beyond_10min[0], 0);
    EXPECT_DOUBLE_EQ(s.beyond_10min[1], 20);
    EXPECT_DOUBLE_EQ(s.mean_distance[0], (10 * 200 + 30 * 700) / 40.0);  // to the first any-size tier
    EXPECT_DOUBLE_EQ(s.ha_per_1000[0], (10 * 4 + 30 * 2) / 40.0);
    EXPECT_DOUBLE_EQ(s.ha_per_1000[1], 1);
    EXPECT_DOUBLE_EQ(s.score[0], (25 + 100) / 2.0);  // the woodland tier is not scored
    EXPECT_DOUBLE_EQ(s.score[1], 0);
    EXPECT_EQ(s.unscored, std::vector<std::string>{"woods"});
    EXPECT_EQ(s.decile, (std::vector<std::int64_t>{6, 1}));  // 1 = least access
}
