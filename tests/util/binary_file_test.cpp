// Our binary format's reader and writer: what is written reads back the same, and a file cut
// short is refused, never read past its end.
#include "util/binary_file.hpp"
#include "util/hilbert.hpp"

#include <accessatlas/error.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace accessatlas;

TEST(BinaryFile, WhatIsWrittenReadsBackTheSame) {
    detail::BinaryWriter w;
    w.put<std::uint32_t>(7);
    w.put_array(std::vector<double>{1.5, -2.25, 1e300});
    w.put_string("Rutland 001A");
    w.put_strings({"gp", "", "pharmacy"});
    w.put_array(std::vector<std::uint8_t>{1, 2, 3});
    w.put<std::int64_t>(-42);
    const auto bytes = w.bytes();
    EXPECT_EQ(bytes.size() % 8, 0u);
    detail::BinaryReader r(bytes.data(), bytes.size(), "test.bin");
    EXPECT_EQ(r.get<std::uint32_t>(), 7u);
    EXPECT_EQ(r.get_array<double>(), (std::vector<double>{1.5, -2.25, 1e300}));
    EXPECT_EQ(r.get_string(), "Rutland 001A");
    EXPECT_EQ(r.get_strings(), (std::vector<std::string>{"gp", "", "pharmacy"}));
    EXPECT_EQ(r.get_array<std::uint8_t>(), (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_EQ(r.get<std::int64_t>(), -42);
}

TEST(BinaryFile, AFileCutShortIsRefusedNamingIt) {
    detail::BinaryWriter w;
    w.put_array(std::vector<double>(1000, 3.0));
    const auto bytes = w.bytes();
    for (std::size_t cut : {std::size_t{0}, std::size_t{4}, std::size_t{16}, bytes.size() - 8}) {
        detail::BinaryReader r(bytes.data(), cut, "cut.bin");
        try {
            r.get_array<double>();
            ADD_FAILURE() << "read " << cut << " bytes as 1000 doubles";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("cut.bin"), std::string::npos) << e.what();
        }
    }
    // A checksum tells a damaged copy.
    auto damaged = bytes;
    damaged[100] ^= 1;
    EXPECT_NE(detail::hash_bytes(bytes.data(), bytes.size()), detail::hash_bytes(damaged.data(), damaged.size()));
}

TEST(Hilbert, NeighbouringCellsAreNearOnTheCurveAndEveryCellHasItsOwnIndex) {
    // On a 16 x 16 corner of the grid every index is distinct, and consecutive indices are
    // adjacent cells (the curve is continuous).
    std::set<std::uint64_t> seen;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> at(256);
    for (std::uint32_t x = 0; x < 16; ++x)
        for (std::uint32_t y = 0; y < 16; ++y) {
            const auto d = detail::hilbert_index(x, y);
            EXPECT_TRUE(seen.insert(d).second);
            if (d < 256) at[d] = {x, y};
        }
    for (std::size_t d = 1; d < 256; ++d) {
        const int dx = std::abs(static_cast<int>(at[d].first) - static_cast<int>(at[d - 1].first));
        const int dy = std::abs(static_cast<int>(at[d].second) - static_cast<int>(at[d - 1].second));
        EXPECT_EQ(dx + dy, 1) << d;
    }
}
