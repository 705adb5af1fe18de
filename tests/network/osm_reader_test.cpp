#include "support/test_network.hpp"
#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/network/network.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace accessatlas;
using network::Mode;
using network::RoadClass;

namespace {
using test::NullReporter;
const std::string data_dir = ACCESSATLAS_TEST_DATA;

const network::Edge* edge_of_way(const network::RoadNetwork& n, std::int64_t way) {
    for (const auto& e : n.edges)
        if (e.source_id == way) return &e;
    return nullptr;
}
}  // namespace

TEST(OsmReader, SplitsWaysAtSharedNodesAndReadsTags) {
    NullReporter r;
    network::ReadStats stats;
    const auto n = network::read_osm(data_dir + "/tiny.osm", r, &stats);
    // Junctions: 1 (end), 3 (shared), 5 (shared), 7, 8 (shared), 9 (end). Node 2 and 4 are
    // interior shape points; way 10 and 11 are single edges each. Way 12 (access=private) is
    // closed to every mode and left out, so node 6 is not in the graph.
    EXPECT_EQ(n.node_count(), 6u);
    EXPECT_EQ(n.edge_count(), 5u);
    EXPECT_EQ(stats.features_used, 5u);  // way 16 (a building) is not a road
    EXPECT_EQ(stats.features_skipped, 1u);
    // Way 10 runs 1-2-3: its geometry keeps the shape point and its length is two 67.6 m hops.
    const auto* w10 = edge_of_way(n, 10);
    ASSERT_NE(w10, nullptr);
    EXPECT_NEAR(w10->length_m, 135.2, 1.5);
    // One-way primary: drive forward only; walking both ways.
    const auto* w11 = edge_of_way(n, 11);
    ASSERT_NE(w11, nullptr);
    EXPECT_EQ(w11->road_class, RoadClass::primary);
    EXPECT_TRUE(w11->forward_modes & network::mode_bit(Mode::drive));
    EXPECT_FALSE(w11->backward_modes & network::mode_bit(Mode::drive));
    EXPECT_TRUE(w11->backward_modes & network::mode_bit(Mode::walk));
    EXPECT_TRUE(w11->dual_carriageway) << "a one-way primary is taken as a dual carriageway";
    // access=private closes the service road to everyone.
    EXPECT_EQ(edge_of_way(n, 12), nullptr);
    // maxspeed 20 mph parsed to km/h.
    EXPECT_NEAR(edge_of_way(n, 14)->maxspeed_kmh, 32.19, 0.01);
    // access=no + foot=yes: walking only, explicitly.
    const auto* w15 = edge_of_way(n, 15);
    EXPECT_EQ(w15->forward_modes, network::mode_bit(Mode::walk));
    EXPECT_EQ(w15->explicit_modes, network::mode_bit(Mode::walk));
}

TEST(OsmReader, ProfilesDecideWhoUsesWhatAndHowFast) {
    NullReporter r;
    const auto n = network::read_osm(data_dir + "/tiny.osm", r);
    const auto walk = network::build_mode_graph(n, network::default_profile(Mode::walk));
    const auto drive = network::build_mode_graph(n, network::default_profile(Mode::drive));
    std::uint32_t e11 = 0, e13 = 0, e14 = 0, e15 = 0;
    for (std::uint32_t e = 0; e < n.edge_count(); ++e) {
        if (n.edges[e].source_id == 11) e11 = e;
        if (n.edges[e].source_id == 15) e15 = e;
        if (n.edges[e].source_id == 13) e13 = e;
        if (n.edges[e].source_id == 14) e14 = e;
    }
    // Walk: 4.8 km/h everywhere it may go, both directions; never on the private road.
    EXPECT_NEAR(walk.edge_time_forward[e13], n.edges[e13].length_m / (4.8 / 3.6), 1e-3);
    EXPECT_FALSE(std::isinf(walk.edge_time_forward[e15])) << "foot=yes opens the track";
    EXPECT_TRUE(std::isinf(drive.edge_time_forward[e15])) << "access=no closes it to cars";
    EXPECT_FALSE(std::isinf(walk.edge_time_backward[e11]));
    // Drive: no footway; one-way; dual carriageway primary at 57 mph; tertiary capped at 20 mph.
    EXPECT_TRUE(std::isinf(drive.edge_time_forward[e13]));
    EXPECT_TRUE(std::isinf(drive.edge_time_backward[e11]));
    EXPECT_NEAR(drive.edge_time_forward[e11], n.edges[e11].length_m / (57 * 1.609344 / 3.6), 1e-2);
    EXPECT_NEAR(drive.edge_time_forward[e14], n.edges[e14].length_m / (20 * 1.609344 / 3.6), 1e-2);
}

TEST(OsmReader, CorruptAndTruncatedFilesGiveAClearInputError) {
    const std::string path = testing::TempDir() + "/corrupt.osm.pbf";
    {
        std::ifstream in(std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/osm/rutland-2018-02-27.osm.pbf", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_GT(bytes.size(), 100000u);
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.data(), 50000);  // truncated in the middle of a block
    }
    NullReporter r;
    try {
        network::read_osm(path, r);
        FAIL() << "a truncated file must not read";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("corrupt.osm.pbf"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("truncated or corrupt"), std::string::npos) << e.what();
    }
}

// Found by fuzzing: a PBF that fails to parse must not leak its file descriptor (libosmium
// 2.19 does when it reads the file itself), or a long-lived process runs out of them.
TEST(OsmReader, FailedReadsDoNotLeakFileDescriptors) {
    const std::string path = testing::TempDir() + "/leak.osm.pbf";
    {
        std::ifstream in(std::string(ACCESSATLAS_SAMPLE_DATA) + "/rutland/osm/rutland-2018-02-27.osm.pbf", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(path, std::ios::binary).write(bytes.data(), 50000);
    }
    auto open_fds = [] {
        std::size_t n = 0;
        for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
            (void)e;
            ++n;
        }
        return n;
    };
    NullReporter r;
    const std::size_t before = open_fds();
    for (int i = 0; i < 20; ++i) EXPECT_THROW(network::read_osm(path, r), InputError);
    EXPECT_LE(open_fds(), before + 1);
}
