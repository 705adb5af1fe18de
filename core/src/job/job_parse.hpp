// Private: job parsing from an already-parsed TOML table (shared by job files and
// algorithm parameters, so both are validated by the same code).
#pragma once

#include <accessatlas/job/job.hpp>

#include <toml++/toml.h>

namespace accessatlas::job {

Job parse_job_table(const toml::table& table, const std::string& base_dir, const std::string& source_name);

// The nearest of `candidates` to `word` by edit distance (for "did you mean").
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace accessatlas::job
