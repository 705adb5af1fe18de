// The job file's settings with a default and a range, described once: the parser checks a
// value against its range here, the algorithm registry (CLI options, QGIS dialogs) takes its
// default, range and help from here, and docs/job-keys.md is generated from here
// (`accessatlas job-keys --markdown`, checked by a test). A default is read from the struct
// that owns it (Job, transit::WindowOptions, access::Decay, greenspace::SiteOptions...), so a
// value is written in one place.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace accessatlas::job {

enum class KeyType { number, numbers, boolean, clock };

struct JobKey {
    std::string key;  // dotted, e.g. "analysis.max_snap_m"
    KeyType type = KeyType::number;
    std::string default_value;  // as a job file would write it: 500, 0.5, true, "07:00", [15, 30]
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    std::string units;  // "m", "min", ""
    std::string help;   // one sentence
};

const std::vector<JobKey>& job_keys();
// nullptr when the key has no entry.
const JobKey* find_job_key(const std::string& key);
// A default as the registry writes it: 15,30 for lists, 07:00 for times.
std::string plain_default(const JobKey& key);
std::string job_keys_markdown();

}  // namespace accessatlas::job
