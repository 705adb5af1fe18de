// LSOA 2011 <-> 2021 conversion through the ONS lookup (unchanged, split, merged, complex).
#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>

#include <cmath>
#include <set>
#include <unordered_map>

namespace accessatlas::indices {

std::map<std::string, double> convert_geography(const std::map<std::string, double>& values, Geography from, Geography to, ValueKind kind,
                                                const std::vector<LookupRow>& lookup,
                                                const std::map<std::string, double>& source_population,
                                                const std::map<std::string, double>& target_population, ConversionSummary* summary) {
    ConversionSummary local;
    ConversionSummary& sum = summary ? *summary : local;
    sum = ConversionSummary{};
    if (from == to) return values;
    const auto src_code = [&](const LookupRow& r) -> const std::string& { return from == Geography::lsoa11 ? r.lsoa11 : r.lsoa21; };
    const auto dst_code = [&](const LookupRow& r) -> const std::string& { return from == Geography::lsoa11 ? r.lsoa21 : r.lsoa11; };

    // The pairs of each source area, and each target's kind of change.
    std::unordered_map<std::string, std::vector<std::string>> targets_of;
    std::map<std::string, char> change_of_target;
    for (const auto& r : lookup) {
        targets_of[src_code(r)].push_back(dst_code(r));
        char& c = change_of_target[dst_code(r)];
        if (c == 0 || r.change == 'X') c = r.change;
    }
    const auto pop = [](const std::map<std::string, double>& m, const std::string& code) {
        const auto it = m.find(code);
        return it == m.end() ? std::nan("") : it->second;
    };

    std::map<std::string, double> acc, weight;  // target sums (counts), or weighted sums and weights (rates)
    std::set<std::string> equal_share_targets;
    for (const auto& [code, v] : values) {
        const auto it = targets_of.find(code);
        if (it == targets_of.end()) {
            sum.unknown_codes.push_back(code);
            continue;
        }
        const auto& targets = it->second;
        // Share of the source area going to each target: by the targets' population.
        std::vector<double> share(targets.size(), 1.0 / static_cast<double>(targets.size()));
        if (targets.size() > 1) {
            double total = 0;
            bool known = true;
            for (const auto& t : targets) {
                const double p = pop(target_population, t);
                known = known && std::isfinite(p) && p >= 0;
                total += known ? p : 0;
            }
            if (known && total > 0)
                for (std::size_t k = 0; k < targets.size(); ++k) share[k] = pop(target_population, targets[k]) / total;
            else
                for (const auto& t : targets) equal_share_targets.insert(t);
        }
        for (std::size_t k = 0; k < targets.size(); ++k) {
            if (kind == ValueKind::count) {
                acc[targets[k]] += share[k] * v;
            } else {
                // People of this source area living in the target: its population times the share.
                const double p = pop(source_population, code);
                const double w = (std::isfinite(p) ? p : 1.0) * share[k];
                if (!std::isfinite(p)) equal_share_targets.insert(targets[k]);
                acc[targets[k]] += w * v;
                weight[targets[k]] += w;
            }
        }
    }
    std::map<std::string, double> out;
    for (const auto& [t, change] : change_of_target) {
        const auto it = acc.find(t);
        if (it == acc.end()) {
            ++sum.missing_source;
            continue;
        }
        if (kind == ValueKind::count)
            out[t] = it->second;
        else
            out[t] = weight[t] > 0 ? it->second / weight[t] : std::nan("");
        switch (change) {
        case 'S': ++sum.split; break;
        case 'M': ++sum.merged; break;
        case 'X': ++sum.complex; break;
        default: ++sum.unchanged; break;
        }
    }
    sum.equal_shares = equal_share_targets.size();
    return out;
}

}  // namespace accessatlas::indices
