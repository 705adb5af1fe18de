// What each kind of stage typically costs, relative to a plain step such as routing one service
// by road to its nearest facility (1): the one progress bar advances by these. Measured on the
// samples (2 cores): in Rutland the drive catchment polygons took 4.3 s and the area within reach
// 2.0 s of an 8.3 s run, where a road routing stage takes about 0.01-0.1 s; in Newport the transit
// polygons took 4.6 s and the transit area within reach 1.8 s of 7.9 s, each transit routing
// stage about 0.05-0.12 s. Estimates, not promises: only the bar's pace depends on them.
#pragma once

namespace accessatlas::job::detail::stage_cost {

constexpr double step = 1;
constexpr double green_space_reading = 4;
constexpr double road_reach_area = 20;  // "Area within reach of any ..." (walk, cycle, drive)
constexpr double road_polygons = 40;    // "Service-area polygons for ..."
constexpr double transit_routing = 5;   // nearest and catchments over the departure window
constexpr double transit_reach_area = 60;
constexpr double transit_polygons = 150;

}  // namespace accessatlas::job::detail::stage_cost
