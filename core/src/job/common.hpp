// Private: small helpers every stage of a job uses (area codes, field-name labels, lists in
// messages, the run stamp on output layers) and the store of per-area fields the later stages
// read. Kept apart from the index stage so that no stage includes another to get them.
#pragma once

#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>

#include <string>
#include <utility>
#include <vector>

namespace accessatlas::job::detail {

// LSOA codes as ONS writes them: upper case, no spaces ("e01013787 " -> "E01013787"); a
// Nomis label "E01013787 : Leicester 001A" keeps its code.
std::string normalise_code(const std::string& code, bool* changed = nullptr);
// A threshold in field names: 15 -> "15", 7.5 -> "7_5".
std::string threshold_label(double minutes);
// The run's date, software version and job file in a layer's metadata (every output layer).
void stamp_run(io::LayerWriter& layer, const Job& job);
// "a, b, c and 5 more"
std::string list_some(const std::vector<std::string>& items, std::size_t most = 8);

// Per-area numeric fields by name, in the order computed: what composite domains and
// clustering may refer to.
class FieldStore {
public:
    void put(const std::string& name, std::vector<double> values);
    const std::vector<double>* find(const std::string& name) const;
    // Throws InputError naming the nearest field when absent.
    const std::vector<double>& get(const std::string& name, const std::string& who) const;
    std::vector<std::string> names() const;  // in the order put

private:
    std::vector<std::pair<std::string, std::vector<double>>> m_fields;
};

}  // namespace accessatlas::job::detail
