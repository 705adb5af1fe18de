// Umbrella header: the whole public API of the Access Atlas core.
#pragma once

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/algorithms/algorithms.hpp>
#include <accessatlas/access/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/geometry.hpp>
#include <accessatlas/network/graph.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/routing/hierarchy.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/network/network.hpp>
#include <accessatlas/report/report.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/routing/dijkstra.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/inequality/measures.hpp>
#include <accessatlas/transit/profile_search.hpp>
#include <accessatlas/transit/timetable.hpp>
#include <accessatlas/transit/transit_access.hpp>
#include <accessatlas/version.hpp>
