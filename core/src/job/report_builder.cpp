// The HTML report of a run: summary, warnings, maps and histograms per indicator, the inequality
// charts, the most excluded areas, sources.
#include "job/access_schema.hpp"
#include "job/stages.hpp"

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

report::Report build_report(const Job& job, const Prepared& prepared, const std::vector<Column>& columns, const GreenspaceResult& green,
                            const AreaIndicesOutcome& area_indices, const InequalityOutcome& inequality,
                            const std::vector<std::string>& warnings) {
    const auto& net = prepared.net;
    const auto& areas = prepared.areas;
    const auto& origins = prepared.origins;
    const auto& facilities = prepared.scenarios[0].facilities;
    report::Report rep;
    rep.title = job.title.empty() ? std::string("Access to health services") : job.title;
    rep.summary = {{"Output", job.output}, {"Job", job.job_file.empty() ? std::string("(parameters)") : job.job_file}};
    if (!job.network.path.empty())
        rep.summary.push_back({"Network", fmt::format("{} ({} nodes, {} edges)", job.network.path, net.node_count(), net.edge_count())});
    rep.summary.push_back({"Areas", fmt::format("{} ({} areas)", job.areas.path, areas.code.size())});
    rep.summary.push_back({"Population", job.population.path.empty() ? std::string("(areas layer)") : job.population.path});
    if (job.needs_origins()) rep.summary.push_back({"Origins", fmt::format("{} points", origins.location.size())});
    std::string modes, thresholds;
    for (auto m : job.modes) modes += (modes.empty() ? "" : ", ") + std::string(network::to_string(m));
    for (double t : job.thresholds_min) thresholds += (thresholds.empty() ? "" : ", ") + threshold_label(t);
    if (!job.services.empty()) {
        rep.summary.push_back({"Modes", modes});
        rep.summary.push_back({"Thresholds (min)", thresholds});
        rep.summary.push_back({"Maximum snap distance", fmt::format("{} m", job.max_snap_m)});
    }
    for (std::size_t s = 0; s < job.services.size(); ++s)
        rep.summary.push_back({"Service " + job.services[s].name,
                               fmt::format("{} ({} facilities)", job.services[s].facilities.path, facilities[s].location.size())});
    rep.warnings = warnings;
    rep.area_code = areas.code;
    rep.area_name = areas.name;
    rep.population = areas.population;
    rep.area_wkb = areas.layer.wkb;
    for (const auto& c : columns) {
        const std::string p = column_prefix(c.service, c.mode);
        report::Indicator ind{
            p + "time_min", "Time to the nearest " + column_title(c.service, c.mode) + " (minutes)", {}, styles::time_classes(), true};
        for (const auto& a : c.areas) ind.values.push_back(a.mean_time_min);
        rep.indicators.push_back(std::move(ind));
        if (job.e2sfca.enabled) {
            report::Indicator e{p + "e2sfca_per_1000", column_title(c.service, c.mode) + ": E2SFCA supply per 1,000 people", c.area_e2sfca,
                                styles::quantile_classes(c.area_e2sfca, "per 1,000"), false};
            rep.indicators.push_back(std::move(e));
        }
    }
    if (job.greenspace.enabled) {
        report::Indicator g{"greenspace_score", "Green-space access score (0-100, higher = better access)", green.score,
                            styles::percent_classes(), false};
        rep.indicators.push_back(std::move(g));
        if (rep.indicators.size() == 1) rep.ranking_indicator = 0;
        rep.sources.push_back("Green space: " + job.greenspace.sites.path +
                              " (OpenStreetMap: ODbL 1.0, © OpenStreetMap contributors; OS Open Greenspace: OGL v3.0, contains OS data "
                              "© Crown copyright and database right)");
    }
    for (const auto& ix : area_indices.indices) {
        const auto& def = ix.spec->def;
        if (def.normalisation != indices::Normalisation::minmax) continue;
        rep.indicators.push_back(
            {def.name + "_score", def.title + " (0-10, higher = higher risk)", ix.result.score, styles::score_classes(), true});
        if (rep.indicators.size() == 1) rep.ranking_indicator = 0;
    }
    if (job.composite.enabled) {
        // The "most excluded" list follows the composite index when there is one.
        rep.indicators.push_back({"composite_score", "Composite index of access and exclusion (higher = higher need)",
                                  area_indices.composite.result.score, styles::quantile_classes(area_indices.composite.result.score, ""),
                                  true});
        rep.ranking_indicator = rep.indicators.size() - 1;
    }
    if (!area_indices.inputs.empty()) {
        std::string tables;
        for (const auto& i : area_indices.inputs) tables += (tables.empty() ? "" : ", ") + i;
        rep.sources.push_back("Index tables: " + tables +
                              " (ONS, MHCLG: Open Government Licence v3.0; mySociety composite IMD: CC BY 4.0)");
        rep.sources.push_back("Methods: docs/indices.md (GMCA DERI v1.6 method notes, OGL v3.0)");
    }
    if (!job.network.path.empty())
        rep.sources.push_back("Road network: " + job.network.path +
                              " (OpenStreetMap data: ODbL 1.0, © OpenStreetMap contributors; OS Open Roads: OGL v3.0, contains OS data © "
                              "Crown copyright and database right)");
    rep.sources.push_back("Areas and population: " + job.areas.path + (job.population.path.empty() ? "" : ", " + job.population.path) +
                          " (ONS: Open Government Licence v3.0; contains National Statistics data © Crown copyright and database right)");
    for (const auto& sv : job.services)
        rep.sources.push_back("Facilities (" + sv.name + "): " + sv.facilities.path + " (NHS data: Open Government Licence)");
    if (!job.services.empty())
        rep.sources.push_back("Methods: docs/methods/nearest-service.md and docs/methods/catchments-e2sfca.md in the Access Atlas sources");
    if (job.transit.given()) rep.sources.push_back("Public transport: docs/methods/public-transport.md in the Access Atlas sources");
    if (job.inequality.enabled)
        rep.sources.push_back("Inequality measures: docs/methods/inequality.md in the Access Atlas sources (OHID SII technical guidance; "
                              "Wagstaff, van Doorslaer and Watanabe 1991)");
    rep.deprivation_name = job.inequality.deprivation_name;
    rep.gradients = detail::inequality_gradients(inequality);
    return rep;
}

}  // namespace accessatlas::job::detail
