// libFuzzer target: the OpenStreetMap reader must answer any .osm.pbf bytes with a network or
// an InputError (libosmium reads files, so each input is written to a temporary file).
#include <accessatlas/error.hpp>
#include <accessatlas/network/network.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {
struct Quiet : accessatlas::Reporter {};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/accessatlas_fuzz_" + std::to_string(::getpid()) + ".osm.pbf";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    Quiet quiet;
    try {
        accessatlas::network::read_osm(path, quiet);
    } catch (const accessatlas::InputError&) {}
    return 0;
}
