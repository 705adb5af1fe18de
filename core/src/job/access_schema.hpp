// Private: the fields of the lsoa_access layer family, named once. The writer, the early field
// check, the store the composite index reads and the report all take their names from here.
#pragma once

#include <accessatlas/access/nearest.hpp>
#include <accessatlas/job/job.hpp>

#include <functional>
#include <string>
#include <vector>

namespace accessatlas::job::detail {

// The prefix of one (service, mode) column's fields: "gp_walk_".
std::string column_prefix(const std::string& service, network::Mode mode);
// How one (service, mode) column reads in a title: "gp on foot", "gp by public transport".
std::string column_title(const std::string& service, network::Mode mode);

struct AccessField {
    std::string name;  // e.g. gp_transit_p50_min
    std::string units;
    std::string description;
    // The value for one area, from its indicators and its E2SFCA value.
    std::function<double(const access::AreaIndicators&, double e2sfca)> value;
};

// Every field of one (service, mode) column of lsoa_access, in the order written.
std::vector<AccessField> access_fields(const Job& job, const std::string& service, network::Mode mode);

}  // namespace accessatlas::job::detail
