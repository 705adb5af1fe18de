// Position along a Hilbert curve: sorting by it puts things that are near in space near in
// order (node numbering, packed R-tree leaves).
#pragma once

#include <cstdint>
#include <utility>

namespace accessatlas::detail {

// Hilbert index of (x, y) on a 2^16 grid (the classic rotate-and-flip walk).
inline std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
    constexpr std::uint32_t n = 1u << 16;
    std::uint64_t d = 0;
    for (std::uint32_t s = n / 2; s > 0; s /= 2) {
        const std::uint32_t rx = (x & s) ? 1 : 0;
        const std::uint32_t ry = (y & s) ? 1 : 0;
        d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::swap(x, y);
        }
    }
    return d;
}

}  // namespace accessatlas::detail
