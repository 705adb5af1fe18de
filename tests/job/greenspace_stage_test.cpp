// The green-space stage on its own, from GreenspaceSettings (no job file): the hand-made sites
// and paths of the module's tests, three origins in two areas.
#include "job/stages.hpp"
#include "support/greenspace_sites.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace accessatlas;

namespace {

class GreenspaceStage : public testing::Test {
protected:
    void SetUp() override {
        settings.spec.enabled = true;
        settings.spec.sites.path = test::write_sites();
        settings.spec.site_options = test::site_options();
        // At least 1 ha within 300 m; woodland of 2 ha within 500 m.
        settings.spec.tiers = {{"park", 1.0, 300, false}, {"wood", 2.0, 500, true}};
        settings.walk = network::default_profile(network::Mode::walk);
        settings.max_snap_m = 500;
        settings.threads = 1;
        areas.code = {"E01000001", "E01000002"};
        areas.name = areas.code;
        areas.population = {2000, 1000};
        // (50,-100) at the paths' south end; (50,-400) 300 m beyond it; (400,200) at their east end.
        origins.location = {{50, -100}, {50, -400}, {400, 200}};
        origins.area = {0, 0, 1};
        origins.population = {1000, 1000, 1000};
    }
    job::detail::GreenspaceSettings settings;
    job::detail::Areas areas;
    job::detail::Origins origins;
    network::RoadNetwork net = test::site_paths();
};

}  // namespace

TEST_F(GreenspaceStage, DistancesSharesAndWarningsFromItsSettings) {
    CollectingReporter collect;
    const auto g = job::detail::run_greenspace(settings, net, areas, origins, collect);
    ASSERT_EQ(g.tier_distance.size(), 2u);
    // By hand (the module's tests): 100 m along the path to Park A's gate; 300 m more from
    // (50,-400), which snaps to the path's end; the wood's fallback point 100 m above (400,200).
    EXPECT_NEAR(g.tier_distance[0][0], 100, 1e-3);
    EXPECT_NEAR(g.tier_distance[0][1], 400, 1e-3);
    EXPECT_NEAR(g.tier_distance[1][2], 100, 1e-3);
    // Area 1: one of its two origins (1,000 of 2,000 people) within 300 m of a park.
    EXPECT_NEAR(g.pct[0][0], 50, 1e-9);
    EXPECT_NEAR(g.pct[1][1], 100, 1e-9);
    ASSERT_EQ(g.provision.size(), 3u);
    EXPECT_GT(g.provision[0], 0);
    // Wood B has no path touching it: its fallback entrances are said once.
    std::size_t said = 0;
    for (const auto& w : collect.warnings()) said += w.find("fallback_entrances") != std::string::npos;
    EXPECT_EQ(said, 1u);
}

TEST_F(GreenspaceStage, TheSnapLimitAndStraightLinesAreHonoured) {
    test::NullReporter quiet;
    settings.max_snap_m = 100;  // (50,-400) is 300 m from the nearest path: not on the network
    const auto g = job::detail::run_greenspace(settings, net, areas, origins, quiet);
    EXPECT_FALSE(std::isfinite(g.tier_distance[0][1]));
    EXPECT_NEAR(g.tier_distance[0][0], 100, 1e-3);

    settings.spec.network_mode = false;  // straight lines: no snapping, no provision
    const auto s = job::detail::run_greenspace(settings, net, areas, origins, quiet);
    EXPECT_NEAR(s.tier_distance[0][1], 400, 1e-9);  // straight south of Park A's edge
    EXPECT_TRUE(s.provision.empty());
}
