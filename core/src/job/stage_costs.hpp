// What each kind of stage typically costs, relative to a plain step such as routing one service
// by road to its nearest facility (1, about 0.05 s on the samples): the one progress bar
// advances by these. Measured on the samples (2 cores, 2026-12-06, with the per-facility
// loops balanced item by item and the thresholds' areas in parallel), seconds of a GP stage:
//                          walk   cycle   drive   transit (Newport)
//   area within reach      0.14   0.35    0.55    0.68
//   service-area polygons  0.14   0.47    1.88    2.00
//   reading green space    0.32 (Rutland)
// A road or transit routing stage takes 0.01-0.12 s. Estimates, not promises: only the bar's
// pace depends on them.
#pragma once

#include <accessatlas/network/network.hpp>

namespace accessatlas::job::detail::stage_cost {

constexpr double step = 1;
constexpr double green_space_reading = 6;
constexpr double transit_routing = 2;  // nearest and catchments over the departure window

// "Area within reach of any ..."
constexpr double reach_area(network::Mode mode) {
    switch (mode) {
    case network::Mode::walk: return 6;
    case network::Mode::cycle: return 15;
    case network::Mode::drive: return 20;
    case network::Mode::transit: return 25;
    }
    return 20;
}

// "Service-area polygons for ..."
constexpr double polygons(network::Mode mode) {
    switch (mode) {
    case network::Mode::walk: return 3;
    case network::Mode::cycle: return 10;
    case network::Mode::drive: return 40;
    case network::Mode::transit: return 45;
    }
    return 40;
}

}  // namespace accessatlas::job::detail::stage_cost
