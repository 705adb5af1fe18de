// Scenarios against the baseline: <name>_lsoa_delta and scenario_summary.
#include "job/access_schema.hpp"
#include "job/stages.hpp"
#include "job/layer_schema.hpp"

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/error.hpp>
#include <accessatlas/greenspace/greenspace.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>
#include <accessatlas/report/report.hpp>
#include <accessatlas/snapping/edge_index.hpp>
#include <accessatlas/styles/styles.hpp>
#include <accessatlas/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace fs = std::filesystem;

namespace accessatlas::job::detail {

using network::invalid_id;

std::vector<ScenarioTotals> write_delta_layer(io::GpkgWriter& out, const Job& job, const Prepared& prepared, std::size_t si,
                                              const std::vector<Column>& base, const std::vector<Column>& scen) {
    const auto& sc = prepared.scenarios[si];
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    auto& layer = lsoa_delta_schema(job, job.scenarios.at(si - 1)).create(out);
    describe(layer, job,
             "Scenario '" + sc.title +
                 "' against the baseline: change in time to the nearest service, people newly beyond "
                 "or within each threshold",
             "minutes (time_min_delta, + = slower), people (newly_beyond_T, newly_within_T, unreached_pop_delta), supply per 1,000 "
             "people (e2sfca_per_1000_delta)",
             "the same origins routed on the baseline and on the scenario; see docs/scenarios.md");
    layer.set_metadata("accessatlas_scenario", sc.name);
    bool first_style = true;
    for (const auto& c : base) {
        const std::string p = column_prefix(c.service, c.mode);
        const auto st = styles::difference_minutes(p + "time_min_delta", "Change in time to the nearest " +
                                                                             column_title(c.service, c.mode) + " (minutes, + = slower)");
        out.add_style(layer.name(), st.name, st.qml, st.sld, first_style, st.title);
        first_style = false;
    }
    const std::size_t n = areas.code.size(), k_count = job.thresholds_min.size();
    std::vector<ScenarioTotals> totals;
    std::vector<access::NearestChange> change;
    for (std::size_t ci = 0; ci < base.size(); ++ci) {
        change.push_back(
            access::compare_nearest(base[ci].result, scen[ci].result, origins.area, origins.population, job.thresholds_min, n));
        const auto& c = change.back();
        ScenarioTotals t{base[ci].service,
                         mode_name(base[ci].mode),
                         c.mean_time_min_base,
                         c.mean_time_min_scenario,
                         c.total_beyond,
                         c.total_within,
                         0,
                         0};
        for (std::size_t a = 0; a < n; ++a) {
            const double d = scen[ci].areas[a].mean_time_min - base[ci].areas[a].mean_time_min;
            t.areas_slower += d > 0;
            t.areas_faster += d < 0;
        }
        totals.push_back(std::move(t));
    }
    for (std::size_t a = 0; a < n; ++a) {
        std::vector<io::Value> v{areas.code[a], areas.name[a], areas.population[a]};
        for (std::size_t ci = 0; ci < base.size(); ++ci) {
            const auto& ab = base[ci].areas[a];
            const auto& as = scen[ci].areas[a];
            v.emplace_back(as.mean_time_min - ab.mean_time_min);
            v.emplace_back(as.unreached_population - ab.unreached_population);
            for (std::size_t k = 0; k < k_count; ++k) v.emplace_back(change[ci].newly_beyond[a * k_count + k]);
            for (std::size_t k = 0; k < k_count; ++k) v.emplace_back(change[ci].newly_within[a * k_count + k]);
            if (job.e2sfca.enabled) v.emplace_back(scen[ci].area_e2sfca[a] - base[ci].area_e2sfca[a]);
        }
        layer.add(v, &areas.layer.wkb[a]);
    }
    return totals;
}

void write_scenario_summary(io::GpkgWriter& out, const Job& job, const Prepared& prepared,
                            const std::vector<std::vector<ScenarioTotals>>& totals) {
    auto& layer = scenario_summary_schema(job).create(out);
    describe(layer, job, "What-if scenarios against the baseline", "minutes (population-weighted over reached people), people, areas",
             "see docs/scenarios.md");
    for (std::size_t si = 1; si < prepared.scenarios.size(); ++si) {
        const auto& sc = prepared.scenarios[si];
        for (const auto& t : totals[si]) {
            const std::size_t s = service_index(job, t.service);
            std::vector<io::Value> v{sc.name,
                                     sc.title,
                                     t.service,
                                     t.mode,
                                     static_cast<std::int64_t>(prepared.scenarios[0].facilities[s].id.size()),
                                     static_cast<std::int64_t>(sc.facilities[s].id.size()),
                                     static_cast<std::int64_t>(sc.closed_edges.size()),
                                     t.mean_base,
                                     t.mean_scenario};
            for (double x : t.newly_beyond) v.emplace_back(x);
            for (double x : t.newly_within) v.emplace_back(x);
            v.emplace_back(t.areas_slower);
            v.emplace_back(t.areas_faster);
            layer.add(v, nullptr);
        }
    }
}

}  // namespace accessatlas::job::detail
