// The .aagraph file: a saved network loads back equal, and every kind of bad file (foreign,
// damaged, truncated, another version, stale source) is refused with what to do.
#include "support/temp_dir.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/hierarchy.hpp>
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

// The .aamode file of a scale-out plan carries the contraction hierarchy when one was built,
// so a worker sweeps with it at once; one without loads without.
class ModeGraphFile : public test::TempDirTest {
protected:
    ModeGraphFile() : TempDirTest("aa_mode_") {}
};

TEST_F(ModeGraphFile, KeepsTheContractionHierarchy) {
    const auto net = test::random_network(500, 21, 0.3);
    const auto g = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    const std::string plain = (dir / "plain.aamode").string(), with = (dir / "with.aamode").string();
    const auto plain_sum = network::save_mode_graph(g, plain);
    EXPECT_FALSE(network::load_mode_graph(plain, plain_sum).hierarchy);

    test::NullReporter quiet;
    const auto& h = routing::backward_hierarchy(g, quiet);
    const auto with_sum = network::save_mode_graph(g, with);
    const auto back = network::load_mode_graph(with, with_sum);
    ASSERT_TRUE(back.hierarchy);
    EXPECT_EQ(back.hierarchy->position, h.position);
    EXPECT_EQ(back.hierarchy->down_first, h.down_first);
    EXPECT_EQ(back.hierarchy->shortcut_count, h.shortcut_count);
    ASSERT_EQ(back.hierarchy->down_arc.size(), h.down_arc.size());
    routing::Phast a(h), b(*back.hierarchy);
    for (auto* p : {&a, &b}) {
        p->clear();
        p->add_source(0, 17, 0);
        p->add_source(5, 300, 2);
        p->run();
    }
    for (std::uint32_t v = 0; v < 500; ++v)
        for (unsigned s : {0u, 5u}) EXPECT_EQ(a.times_of_node(v)[s], b.times_of_node(v)[s]) << "node " << v;
}
