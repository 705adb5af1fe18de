// Umbrella header: the whole public API of the Access Atlas core.
#pragma once

#include <accessatlas/access.hpp>
#include <accessatlas/algorithms.hpp>
#include <accessatlas/catchments.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/geometry.hpp>
#include <accessatlas/graph.hpp>
#include <accessatlas/greenspace.hpp>
#include <accessatlas/hierarchy.hpp>
#include <accessatlas/io.hpp>
#include <accessatlas/job.hpp>
#include <accessatlas/network.hpp>
#include <accessatlas/report.hpp>
#include <accessatlas/reporter.hpp>
#include <accessatlas/routing.hpp>
#include <accessatlas/snapping.hpp>
#include <accessatlas/styles.hpp>
#include <accessatlas/version.hpp>
