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
    // A cache takes only a hierarchy of its own graph, and only while it holds none (a caller
    // may be sweeping the one it holds).
    routing::HierarchyCache other(small.backward);
    EXPECT_THROW(other.adopt(routing::load_hierarchy(path, sum, graph.backward)), InternalError);
    EXPECT_THROW(cache.adopt(routing::load_hierarchy(path, sum, graph.backward)), InternalError);
}

// Files whose checksum is right but whose arrays would mislead a sweep (a buggy writer): two
// nodes at one position, an arc to a lower node, offsets going back. Refused, none swept.
TEST_F(HierarchyFile, RefusesArraysThatWouldMisleadASweep) {
    routing::HierarchyCache cache(graph.backward);
    const routing::Hierarchy& good = cache.get(quiet);
    ASSERT_GT(good.down_arc.size(), 0u);
    const auto refused = [&](routing::Hierarchy h, const std::string& what) {
        const std::string path = (dir / "bad.aach").string();
        const auto sum = routing::save_hierarchy(h, path);
        try {
            routing::load_hierarchy(path, sum, graph.backward);
            ADD_FAILURE() << "loaded: " << what;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << what << ": " << e.what();
        }
    };
    auto twice = good;
    twice.position[1] = twice.position[0];
    refused(twice, "two nodes at one position");
    auto lower = good;
    std::uint32_t p = 0;
    while (lower.down_first[p + 1] == lower.down_first[p]) ++p;  // the first position with an arc
    lower.down_arc[lower.down_first[p]].other = p + 1;
    refused(lower, "an arc to a lower node");
    auto back = good;
    back.up_first[1] = back.up_first.back() + 5;
    refused(back, "offsets going back");
    auto shifted = good;
    shifted.down_first[0] = 1;
    refused(shifted, "offsets not starting at 0");
    const std::string ok = (dir / "good.aach").string();
    EXPECT_NO_THROW(routing::load_hierarchy(ok, routing::save_hierarchy(good, ok), graph.backward));  // the same writer, unchanged
}

}  // namespace
