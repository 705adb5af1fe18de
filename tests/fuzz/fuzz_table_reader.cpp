// libFuzzer target: the CSV/indicator reader (through GDAL's CSV driver) and the strict
// number parser must answer any table with numbers or an InputError.
#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>

#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {
struct Quiet : accessatlas::Reporter {};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = [] {
        accessatlas::io::initialise_gdal();
        return true;
    }();
    (void)ready;
    const std::string path = "/vsimem/fuzz_table.csv";
    VSILFILE* f = VSIFileFromMemBuffer(path.c_str(), const_cast<GByte*>(data), static_cast<vsi_l_offset>(size), FALSE);
    if (f) VSIFCloseL(f);
    Quiet quiet;
    try {
        accessatlas::io::read_numeric_table(path, "code", "value", quiet);
    } catch (const accessatlas::InputError&) {}
    VSIUnlink(path.c_str());
    try {
        accessatlas::io::parse_number(std::string(reinterpret_cast<const char*>(data), size), "f", "l", "1", "x");
    } catch (const accessatlas::InputError&) {}
    return 0;
}
