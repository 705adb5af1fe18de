// Private: reads indicator sources (a table keyed by area code, or a field of the areas layer)
// into per-area values in the areas' geography, converting LSOA 2011/2021 through the ONS
// lookup read once. Shared by the index, composite and inequality stages.
#pragma once

#include "job/area_indices.hpp"
#include "job/code_join.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/indices.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace accessatlas::job::detail {

inline constexpr double missing_value = std::numeric_limits<double>::quiet_NaN();

inline indices::Geography to_geography(const std::string& g) {
    return g == "lsoa21" ? indices::Geography::lsoa21 : indices::Geography::lsoa11;
}
inline std::string nice_geography(const std::string& g) { return g == "lsoa21" ? "LSOA 2021" : "LSOA 2011"; }

// Suppressed or unavailable cells in official tables: missing values, not errors.
inline bool is_missing_marker(const std::string& text) {
    std::string t;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) t += c;
    return t.empty() || t == ".." || t == "-" || t == ":" || t == "x" || t == "*" || t == "c" || t == "NA" || t == "n/a";
}

// Reads indicator sources, converting geographies through one lookup read once.
class SourceReader {
public:
    SourceReader(const Job& job, Reporter& reporter, std::vector<std::string>& inputs, std::vector<std::string>& conversions)
        : m_job(job), m_reporter(reporter), m_inputs(inputs), m_conversions(conversions) {}

    // code -> value in the areas' geography; NaN for rows with a suppressed cell.
    std::map<std::string, double> read_map(const IndicatorSource& src, const std::string& who, bool convert = true) {
        const std::string path = src.path.empty() ? m_job.areas.path : src.path;
        const std::string layer = src.path.empty() ? m_job.areas.layer : src.layer;
        const std::string code_field = src.code_field.empty() ? m_job.area_code_field : src.code_field;
        const auto t = io::read_attribute_table(path, layer, code_field);
        if (std::find(m_inputs.begin(), m_inputs.end(), path) == m_inputs.end()) {
            m_inputs.push_back(path);
            if (const auto w = io::encoding_warning(path); !w.empty()) m_reporter.warning(w);
        }
        if (t.header_lines_skipped + t.footer_lines_skipped > 0)
            m_reporter.info(fmt::format("{}: {} title line(s) above the header and {} note line(s) below the data skipped", path,
                                        t.header_lines_skipped, t.footer_lines_skipped));
        const int filter = src.filter_field.empty() ? -1 : t.require(src.filter_field);
        std::vector<int> num, den;
        for (const auto& f : src.numerator) num.push_back(t.require(f));
        for (const auto& f : src.denominator) den.push_back(t.require(f));
        std::map<std::string, std::pair<double, double>> sums;
        io::DuplicateRows duplicates(t, code_field,
                                     "each area must appear once: filter the rows (filter = \"field=value\") or sum them "
                                     "(aggregate = true, e.g. output areas to LSOAs)");
        io::TableProblems problems(path, t.layer_name);
        io::TrimmedCells trimmed;
        std::size_t suppressed = 0, kept = 0;
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const auto& row = t.rows[r];
            if (filter >= 0 && row[static_cast<std::size_t>(filter)] != src.filter_value) continue;
            const std::string code = normalise_code(row[static_cast<std::size_t>(t.code_column)]);
            if (code.empty()) continue;
            ++kept;
            auto add = [&](const std::vector<int>& cols, const std::vector<std::string>& names) {
                double s = 0;
                for (std::size_t k = 0; k < cols.size(); ++k) {
                    const std::string& cell = row[static_cast<std::size_t>(cols[k])];
                    if (is_missing_marker(cell)) return missing_value;
                    bool was_trimmed = false;
                    s += problems.check(t.row_label[r], names[k],
                                        [&] { return io::parse_number(cell, path, t.layer_name, t.row_label[r], names[k], &was_trimmed); });
                    if (was_trimmed) trimmed.add(t.row_label[r], names[k]);
                }
                return s;
            };
            const double n = add(num, src.numerator);
            const double d = den.empty() ? 1.0 : add(den, src.denominator);
            if (src.aggregate) {
                auto [it, fresh] = sums.try_emplace(code, n, d);
                if (!fresh) {
                    it->second.first += n;
                    it->second.second += d;
                }
            } else {
                if (!duplicates.first_of_its_code(code, r, problems)) continue;
                sums.emplace(code, std::make_pair(n, d));
            }
            suppressed += std::isnan(n) || std::isnan(d);
        }
        problems.throw_if_any(t.rows.size());
        if (const auto w = duplicates.copies_warning(); !w.empty()) m_reporter.warning(fmt::format("{}: {}: {}", who, path, w));
        if (const auto w = trimmed.warning(path); !w.empty()) m_reporter.warning(who + ": " + w);
        if (kept == 0)
            throw InputError(src.filter_field.empty() ? "no rows with an area code"
                                                      : "no row has " + src.filter_field + " = " + src.filter_value,
                             {path, t.layer_name, {}, src.filter_field.empty() ? code_field : src.filter_field},
                             src.filter_field.empty() ? "check the code field" : "check the filter value (spelling, case)");
        if (suppressed > 0)
            m_reporter.warning(fmt::format("{}: {}: {} rows have suppressed or empty values (.., -, x or blank); those areas have no value",
                                           who, path, suppressed));

        const std::string from = src.geography.empty() ? m_job.geography.areas : src.geography;
        const bool differ = convert && !src.geography.empty() && src.geography != m_job.geography.areas;
        std::map<std::string, double> values;
        std::size_t zero_den = 0;
        auto finish = [&](double n, double d) {
            if (d == 0) {
                ++zero_den;
                return missing_value;
            }
            return src.scale * n / d;
        };
        if (!differ) {
            for (const auto& [code, nd] : sums) values[code] = finish(nd.first, den.empty() ? 1.0 : nd.second);
        } else {
            if (m_job.geography.areas.empty())
                throw InputError(fmt::format("{}: the table is in {} but the areas' geography is not given", who, nice_geography(from)),
                                 {path, {}, {}, {}}, "add geography = \"lsoa11\" or \"lsoa21\" to [areas]");
            std::map<std::string, double> n_map, d_map;
            for (const auto& [code, nd] : sums) {
                n_map[code] = nd.first;
                d_map[code] = nd.second;
            }
            indices::ConversionSummary s;
            const auto kind = den.empty() ? src.kind : indices::ValueKind::count;
            const auto n_conv = convert_table(n_map, from, kind, who, &s);
            std::map<std::string, double> d_conv;
            if (!den.empty()) d_conv = convert_table(d_map, from, indices::ValueKind::count, who, nullptr);
            for (const auto& [code, n] : n_conv) values[code] = finish(n, den.empty() ? 1.0 : d_conv[code]);
        }
        if (zero_den > 0)
            m_reporter.warning(fmt::format("{}: {}: {} areas have a denominator of 0; they have no value", who, path, zero_den));
        return values;
    }

    // Per area of the study, in area order; reports codes missing on either side.
    std::vector<double> read_for_areas(const IndicatorSource& src, const std::string& who, const std::vector<std::string>& codes) {
        const auto values = read_map(src, who);
        std::vector<double> out(codes.size(), missing_value);
        const std::string path = src.path.empty() ? m_job.areas.path : src.path;
        report_join(codes, values,
                    {who, path, src.code_field.empty() ? m_job.area_code_field : src.code_field,
                     src.numerator.empty() ? std::string() : src.numerator.front(), "value_missing", "no value"},
                    m_reporter);
        for (std::size_t a = 0; a < codes.size(); ++a)
            if (const auto it = values.find(codes[a]); it != values.end()) out[a] = it->second;
        return out;
    }

private:
    std::map<std::string, double> convert_table(const std::map<std::string, double>& values, const std::string& from,
                                                indices::ValueKind kind, const std::string& who, indices::ConversionSummary* s) {
        load_lookup();
        const std::string& to = m_job.geography.areas;
        const auto& pop_from = population(from);
        const auto& pop_to = population(to);
        indices::ConversionSummary local;
        auto out =
            indices::convert_geography(values, to_geography(from), to_geography(to), kind, m_lookup, pop_from, pop_to, s ? s : &local);
        if (s) {
            const std::string text =
                fmt::format("{}: converted from {} to {} with the ONS lookup: {} areas unchanged, {} from splits, {} from "
                            "merges, {} from complex changes{}{}",
                            who, nice_geography(from), nice_geography(to), s->unchanged, s->split, s->merged, s->complex,
                            s->equal_shares ? fmt::format("; {} shared equally (no population)", s->equal_shares) : "",
                            s->unknown_codes.empty() ? ""
                                                     : fmt::format("; {} codes not in the lookup ({})", s->unknown_codes.size(),
                                                                   list_some(s->unknown_codes, 4)));
            m_reporter.info(text);
            m_conversions.push_back(text);
        }
        return out;
    }

    const std::map<std::string, double>& population(const std::string& geography) {
        auto& cache = geography == "lsoa21" ? m_pop21 : m_pop11;
        if (!cache) {
            const auto& src = geography == "lsoa21" ? m_job.geography.population_lsoa21 : m_job.geography.population_lsoa11;
            cache.emplace();
            if (src.given()) {
                IndicatorSource s = src;
                s.kind = indices::ValueKind::count;
                *cache = read_map(s, "population (" + nice_geography(geography) + ")", false);
            } else {
                m_reporter.warning(fmt::format("no [geography] population_{} given: areas split or merged between LSOA years are "
                                               "shared equally",
                                               geography));
            }
        }
        return *cache;
    }

    void load_lookup() {
        if (m_lookup_loaded) return;
        if (m_job.geography.lookup.empty())
            throw InputError("a table must be converted between LSOA 2011 and 2021 but no lookup is given", {m_job.job_file, {}, {}, {}},
                             "add [geography] lookup = \"...\" (the ONS LSOA (2011) to LSOA (2021) lookup: LSOA11CD, LSOA21CD, CHGIND)");
        const std::string& path = m_job.geography.lookup;
        // Accept the ONS names and the snake_case ones of our sample data.
        io::AttributeTable tab;
        // Only "no such column" moves on to the other name: a ragged or damaged lookup is
        // reported as itself.
        try {
            tab = io::read_attribute_table(path, {}, "LSOA11CD");
        } catch (const InputError& first) {
            const std::string what = first.what();
            if (what.find("no line names the code field") == std::string::npos && what.find("no such field") == std::string::npos) throw;
            tab = io::read_attribute_table(path, {}, "lsoa11_code");
        }
        const auto find_any = [&](const io::AttributeTable& table, std::initializer_list<const char*> names) {
            for (const char* n : names)
                if (table.column(n) >= 0) return table.column(n);
            return -1;
        };
        m_inputs.push_back(path);
        const int c11 = find_any(tab, {"LSOA11CD", "lsoa11_code"});
        const int c21 = find_any(tab, {"LSOA21CD", "lsoa21_code"});
        const int cch = find_any(tab, {"CHGIND", "change_code"});
        if (c21 < 0)
            throw InputError("the lookup has no LSOA21CD column", {path, {}, {}, "LSOA21CD"}, "give the ONS LSOA 2011 to 2021 lookup");
        for (std::size_t r = 0; r < tab.rows.size(); ++r) {
            indices::LookupRow row;
            row.lsoa11 = normalise_code(tab.rows[r][static_cast<std::size_t>(c11)]);
            row.lsoa21 = normalise_code(tab.rows[r][static_cast<std::size_t>(c21)]);
            const std::string ch = cch >= 0 ? tab.rows[r][static_cast<std::size_t>(cch)] : "U";
            row.change = ch.empty() ? 'U' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch[0])));
            if (row.change != 'U' && row.change != 'S' && row.change != 'M' && row.change != 'X')
                throw InputError("unknown change code '" + ch + "'", {path, tab.layer_name, tab.row_label[r], "CHGIND"},
                                 "ONS change codes are U, S, M and X");
            m_lookup.push_back(std::move(row));
        }
        m_lookup_loaded = true;
    }

    const Job& m_job;
    Reporter& m_reporter;
    std::vector<std::string>& m_inputs;
    std::vector<std::string>& m_conversions;
    bool m_lookup_loaded = false;
    std::vector<indices::LookupRow> m_lookup;
    std::optional<std::map<std::string, double>> m_pop11, m_pop21;
};

}  // namespace accessatlas::job::detail
