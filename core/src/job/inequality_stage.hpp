// Private: the inequality lens as a job stage ([inequality]): reads the deprivation deciles,
// group counts and classes, computes the measures of core/inequality for every chosen area
// indicator, and writes inequality_summary and <indicator>_by_decile.
#pragma once

#include "job/area_indices.hpp"

#include <accessatlas/inequality/measures.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/report/report.hpp>

#include <string>
#include <vector>

namespace accessatlas::job::detail {

struct InequalityRow {
    std::string indicator;
    std::string measure;
    double value = inequality::nan, lower = inequality::nan, upper = inequality::nan;
    std::string method;
};

struct InequalityIndicator {
    std::string name;  // the area field
    std::string units;
    std::vector<inequality::Group> deciles;    // 1 (most deprived) .. 10
    std::vector<inequality::Group> quintiles;  // 1 .. 5
    inequality::SlopeIndex sii;
    std::string sentence;  // one plain-English reading
};

struct InequalityOutcome {
    std::vector<InequalityRow> rows;
    std::vector<InequalityIndicator> indicators;
    std::vector<std::pair<std::string, std::vector<double>>> no_car_fields;  // <service>_realistic_time_min per area
    std::vector<std::string> inputs;
};

// The indicators the stage summarises: those named, else every travel time, E2SFCA and index
// score the run computed (in the store).
std::vector<std::string> inequality_indicators(const Job& job, const FieldStore& store);

InequalityOutcome compute_inequality(const Job& job, const AreaSet& areas, FieldStore& store, Reporter& reporter);
void write_inequality(io::GpkgWriter& out, const Job& job, const AreaSet& areas, const InequalityOutcome& outcome);
std::vector<report::Gradient> inequality_gradients(const InequalityOutcome& outcome);

}  // namespace accessatlas::job::detail
