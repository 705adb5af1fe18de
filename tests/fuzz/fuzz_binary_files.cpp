// libFuzzer target: the scale-out binary readers (.aagraph network, .aamode graph, .aach
// contraction hierarchy) must load
// any payload or refuse it with an InputError. The fuzz input becomes the payload behind a
// valid header and checksum, so the readers' length checks are what is tested.
#include "util/binary_file.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/network/network.hpp>
#include <accessatlas/routing/hierarchy.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string dir = "/tmp/accessatlas_fuzz_" + std::to_string(::getpid());
    static const bool ready = [] { return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST; }();
    (void)ready;
    const std::vector<unsigned char> payload(data, data + size);
    const char graph_magic[8] = {'A', 'A', 'G', 'R', 'A', 'P', 'H', '\0'};
    const char mode_magic[8] = {'A', 'A', 'M', 'O', 'D', 'E', '\0', '\0'};
    const std::string graph = dir + "/f.aagraph", mode = dir + "/f.aamode";
    accessatlas::detail::write_binary_file(graph, graph_magic, accessatlas::network::graph_file_version, 0, payload);
    try {
        accessatlas::network::load_graph_file(graph);
    } catch (const accessatlas::InputError&) {}
    const auto sum = accessatlas::detail::write_binary_file(mode, mode_magic, accessatlas::network::mode_graph_file_version, 0, payload);
    try {
        accessatlas::network::load_mode_graph(mode, sum);
    } catch (const accessatlas::InputError&) {}
    // A hierarchy for a small fixed graph: whatever the payload, no sweep may leave its arrays.
    static const accessatlas::network::Graph small = [] {
        accessatlas::network::Graph g;
        g.first_out = {0, 1, 2, 3, 3};
        g.arc = {{1, 1.f, 1.f}, {2, 1.f, 1.f}, {3, 1.f, 1.f}};
        g.edge = {0, 1, 2};
        return g;
    }();
    const char hierarchy_magic[8] = {'A', 'A', 'H', 'I', 'E', 'R', '\0', '\0'};
    const std::string hierarchy = dir + "/f.aach";
    const auto hsum =
        accessatlas::detail::write_binary_file(hierarchy, hierarchy_magic, accessatlas::routing::hierarchy_file_version, 0, payload);
    try {
        const auto h = accessatlas::routing::load_hierarchy(hierarchy, hsum, small);
        accessatlas::routing::Phast phast(h);
        phast.add_source(0, 0, 0);
        phast.run();
    } catch (const accessatlas::InputError&) {}
    return 0;
}
