// The .aach file (a contraction hierarchy saved by a distributed plan) and the cache that owns
// a hierarchy beside its graph.
#include "support/temp_dir.hpp"
#include "support/test_network.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/routing/hierarchy.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace accessatlas;

namespace {

class HierarchyFile : public test::TempDirTest {
protected:
    HierarchyFile() : TempDirTest("aa_hierarchy_") {}
    network::RoadNetwork net = test::random_network(500, 21, 0.3);
    network::ModeGraph graph = network::build_mode_graph(net, network::default_profile(network::Mode::drive));
    test::NullReporter quiet;
};

// A worker that reads the plan's hierarchy sweeps exactly as the plan's own would.
TEST_F(HierarchyFile, SweepsWithTheSavedHierarchyAsWithTheBuiltOne) {
    routing::HierarchyCache built(graph.backward);
    const auto& h = built.get(quiet);
    const std::string path = (dir / "baseline-drive.aach").string();
    const auto sum = routing::save_hierarchy(h, path);

    routing::HierarchyCache read(graph.backward);
    EXPECT_FALSE(read.built());
    read.adopt(routing::load_hierarchy(path, sum, graph.backward));
    ASSERT_TRUE(read.built());
    const auto& back = read.get(quiet);  // found, not built again
    EXPECT_EQ(back.position, h.position);
    EXPECT_EQ(back.down_first, h.down_first);
    EXPECT_EQ(back.shortcut_count, h.shortcut_count);
    routing::Phast a(h), b(back);
    for (auto* p : {&a, &b}) {
        p->clear();
        p->add_source(0, 17, 0);
        p->add_source(5, 300, 2);
        p->run();
    }
    for (std::uint32_t v = 0; v < graph.backward.node_count(); ++v)
        for (unsigned s : {0u, 5u}) EXPECT_EQ(a.times_of_node(v)[s], b.times_of_node(v)[s]) << "node " << v;
}

TEST_F(HierarchyFile, RefusesAnotherPlansAnotherGraphsAndADamagedFile) {
    routing::HierarchyCache cache(graph.backward);
    const std::string path = (dir / "h.aach").string();
    const auto sum = routing::save_hierarchy(cache.get(quiet), path);
    const auto refused = [&](const std::string& file, std::uint64_t checksum, const network::Graph& g, const std::string& reason) {
        try {
            routing::load_hierarchy(file, checksum, g);
            ADD_FAILURE() << "loaded: " << reason;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();  // the file is named
        }
    };
    refused(path, sum + 1, graph.backward, "another plan");
    // The hierarchy of a 500-node graph for a graph of 40 nodes.
    const auto small = network::build_mode_graph(test::random_network(40, 3, 0.3), network::default_profile(network::Mode::drive));
    refused(path, sum, small.backward, "does not fit");
    // Cut short: its checksum no longer matches, or its arrays end early.
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string cut = (dir / "cut.aach").string();
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EXPECT_THROW(routing::load_hierarchy(cut, sum, graph.backward), InputError);
    // A cache takes only a hierarchy of its own graph.
    routing::HierarchyCache other(small.backward);
    EXPECT_THROW(other.adopt(routing::load_hierarchy(path, sum, graph.backward)), InternalError);
}

}  // namespace
