// The .aagraph file: a saved network loads back equal, and every kind of bad file (foreign,
// damaged, truncated, another version, stale source) is refused with what to do.
#include "support/temp_dir.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/network/network.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace accessatlas;
namespace fs = std::filesystem;

namespace {

class GraphFile : public test::TempDirTest {
protected:
    GraphFile() : TempDirTest("aa_graph_") {}
    void SetUp() override {
        source = (dir / "tiny.osm").string();
        fs::copy_file(std::string(ACCESSATLAS_TEST_DATA) + "/tiny.osm", source);
        test::NullReporter quiet;
        net = network::read_network(source, {}, quiet);
        graph = (dir / "tiny.aagraph").string();
        network::save_graph_file(net, network::describe_source(source, {}), graph);
    }

    std::string bytes() const {
        std::ifstream in(graph, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    void write(const std::string& b) const { std::ofstream(graph, std::ios::binary | std::ios::trunc) << b; }
    std::string error_loading() const {
        try {
            network::load_graph_file_for(graph, source, {});
        } catch (const InputError& e) {
            return e.what();
        }
        return "no error";
    }

    std::string source, graph;
    network::RoadNetwork net;
};

}  // namespace

TEST_F(GraphFile, LoadsBackTheSameNetwork) {
    const auto back = network::load_graph_file_for(graph, source, {});
    ASSERT_EQ(back.node_count(), net.node_count());
    ASSERT_EQ(back.edge_count(), net.edge_count());
    for (std::size_t i = 0; i < net.node_count(); ++i) {
        EXPECT_EQ(back.nodes[i].x, net.nodes[i].x);
        EXPECT_EQ(back.nodes[i].y, net.nodes[i].y);
    }
    for (std::size_t e = 0; e < net.edge_count(); ++e) {
        const auto &a = net.edges[e], &b = back.edges[e];
        EXPECT_EQ(std::tie(a.from, a.to, a.length_m, a.maxspeed_kmh, a.road_class, a.forward_modes, a.backward_modes, a.explicit_modes,
                           a.dual_carriageway, a.source_id),
                  std::tie(b.from, b.to, b.length_m, b.maxspeed_kmh, b.road_class, b.forward_modes, b.backward_modes, b.explicit_modes,
                           b.dual_carriageway, b.source_id));
    }
    EXPECT_EQ(back.geometry_offset, net.geometry_offset);
    ASSERT_EQ(back.geometry.size(), net.geometry.size());
    // The same graph per mode, arc for arc.
    const auto g1 = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    const auto g2 = network::build_mode_graph(back, network::default_profile(network::Mode::drive));
    EXPECT_EQ(g1.forward.first_out, g2.forward.first_out);
    EXPECT_EQ(g1.edge_time_forward, g2.edge_time_forward);
    // read_network takes a graph file as a network too; saving twice gives the same bytes.
    test::NullReporter quiet;
    EXPECT_EQ(network::read_network(graph, {}, quiet).edge_count(), net.edge_count());
    const auto first = bytes();
    network::save_graph_file(net, network::describe_source(source, {}), graph);
    EXPECT_EQ(bytes(), first);
}

TEST_F(GraphFile, BadFilesAreRefusedWithARemedy) {
    const std::string good = bytes();
    std::string b = good;
    b[good.size() / 2] ^= 0x5A;
    write(b);
    EXPECT_NE(error_loading().find("damaged (checksum mismatch)"), std::string::npos);
    write(good.substr(0, good.size() - 9));
    EXPECT_NE(error_loading().find("truncated"), std::string::npos);
    b = good;
    b[8] = 9;  // format version
    write(b);
    EXPECT_NE(error_loading().find("format version 9"), std::string::npos);
    b = good;
    std::swap(b[12], b[15]);  // byte-order mark
    write(b);
    EXPECT_NE(error_loading().find("another byte order"), std::string::npos);
    write("<osm>not a graph</osm>");
    EXPECT_NE(error_loading().find("wrong magic word"), std::string::npos);
    EXPECT_NE(error_loading().find("--save-graph"), std::string::npos);
    write(good);
    EXPECT_EQ(error_loading(), "no error");
}

TEST_F(GraphFile, AStaleOrForeignSourceIsRefused) {
    fs::last_write_time(source, fs::last_write_time(source) + std::chrono::seconds(5));
    EXPECT_NE(error_loading().find("stale"), std::string::npos);
    const std::string other = (dir / "other.osm").string();
    fs::copy_file(source, other);
    try {
        network::load_graph_file_for(graph, other, {});
        FAIL() << "a graph of another source was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("was built from"), std::string::npos);
    }
    network::OgrNetworkOptions layer;
    layer.layer = "lines";
    try {
        network::load_graph_file_for(graph, source, layer);
        FAIL() << "a graph read with other options was accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("stale"), std::string::npos);  // source time changed above, too
    }
}

// The .aamode file of a scale-out plan gives back the mode graph it saved, and refuses
// another plan's file.
class ModeGraphFile : public test::TempDirTest {
protected:
    ModeGraphFile() : TempDirTest("aa_mode_") {}
};

TEST_F(ModeGraphFile, GivesBackTheGraphAndRefusesAnotherPlans) {
    const auto net = test::random_network(500, 21, 0.3);
    const auto g = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    const std::string path = (dir / "baseline-drive.aamode").string();
    const auto sum = network::save_mode_graph(g, path);
    const auto back = network::load_mode_graph(path, sum);
    EXPECT_EQ(back.profile.mode, network::Mode::drive);
    EXPECT_EQ(back.backward.first_out, g.backward.first_out);
    EXPECT_EQ(back.forward.edge, g.forward.edge);
    EXPECT_EQ(back.edge_time_forward, g.edge_time_forward);
    EXPECT_EQ(back.component, g.component);
    EXPECT_EQ(back.largest_component_nodes, g.largest_component_nodes);
    ASSERT_EQ(back.backward.arc.size(), g.backward.arc.size());
    for (std::size_t i = 0; i < g.backward.arc.size(); ++i) {
        EXPECT_EQ(back.backward.arc[i].head, g.backward.arc[i].head);
        EXPECT_EQ(back.backward.arc[i].time_s, g.backward.arc[i].time_s);
    }
    try {
        network::load_mode_graph(path, sum + 1);
        FAIL() << "a mode graph of another plan was loaded";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("another plan"), std::string::npos) << e.what();
    }
}
