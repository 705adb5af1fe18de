// Private: reading a job file's TOML (the Reader with its range and type checks, the key
// schema) shared by the parser's files: job_parse.cpp (the run: network, areas, population,
// origins, services, modes, transit, catchments, E2SFCA, profiles) and parse_sections.cpp
// (the area-level sections and scenarios).
#pragma once

#include "job/job_parse.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/io/layers.hpp>
#include <accessatlas/job/job_keys.hpp>
#include <accessatlas/transit/timetable.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace accessatlas::job::detail {

std::string trim(const std::string& s);
// Every key a job file may hold, by section: unknown keys are refused.
const std::map<std::string, std::vector<std::string>>& schema();
std::size_t edit_distance(const std::string& a, const std::string& b);

class Reader {
public:
    Reader(std::string source, std::string base) : m_source(std::move(source)), m_base(std::move(base)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what, const toml::node* node, const std::string& hint) const {
        std::string where = m_source;
        if (node && node->source().begin.line > 0) where += fmt::format(" line {}", node->source().begin.line);
        throw InputError(fmt::format("key '{}': {}", key, what), {where, {}, {}, {}}, hint);
    }

    void check_keys(const toml::table& t, const std::string& section, const std::string& prefix) const {
        const auto& allowed = schema().at(section);
        for (const auto& [k, v] : t) {
            const std::string key(k.str());
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            fail(prefix + key, "unknown key", &v, fmt::format("did you mean '{}{}'?", prefix, nearest_word(key, allowed)));
        }
    }

    const toml::table* table(const toml::table& parent, const std::string& key, bool required) const {
        const toml::node* n = parent.get(key);
        if (!n) {
            if (required) fail(key, "missing section", nullptr, fmt::format("add a [{}] section", key));
            return nullptr;
        }
        if (!n->is_table()) fail(key, "must be a section (table)", n, fmt::format("write it as [{}]", key));
        return n->as_table();
    }

    std::string text(const toml::table& t, const std::string& prefix, const std::string& key, const std::string& def,
                     bool required = false) const {
        const toml::node* n = t.get(key);
        if (!n) {
            if (required) fail(prefix + key, "missing", nullptr, "add it to the job file");
            return def;
        }
        if (!n->is_string()) fail(prefix + key, "must be text in quotes", n, fmt::format("write {} = \"...\"", key));
        return n->as_string()->get();
    }

    std::string path(const toml::table& t, const std::string& prefix, const std::string& key, bool required) const {
        std::string p = text(t, prefix, key, {}, required);
        if (p.empty()) return p;
        std::filesystem::path fp(p);
        if (fp.is_relative() && !m_base.empty()) fp = std::filesystem::path(m_base) / fp;
        return fp.lexically_normal().string();
    }

    double number(const toml::table& t, const std::string& prefix, const std::string& key, double def, double min, double max) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_number()) fail(prefix + key, "must be a number", n, fmt::format("write {} = {}", key, def));
        const double v = n->value<double>().value_or(def);
        if (!(v >= min && v <= max)) fail(prefix + key, fmt::format("{} is out of range [{}, {}]", v, min, max), n, "");
        return v;
    }

    // A key of the key table (job_keys.cpp): its range, and its default unless the caller has
    // a better one (a struct's current value, a default that depends on another key).
    double number(const toml::table& t, const std::string& prefix, const std::string& key, double def) const {
        const JobKey& k = spec(prefix + key);
        return number(t, prefix, key, def, k.minimum, k.maximum);
    }
    double number(const toml::table& t, const std::string& prefix, const std::string& key) const {
        // from_chars: independent of the C locale (QGIS sets the user's, where 0.5 may read as 0).
        const std::string& text = spec(prefix + key).default_value;
        double def = 0;
        std::from_chars(text.data(), text.data() + text.size(), def);
        return number(t, prefix, key, def);
    }
    std::vector<double> numbers(const toml::table& t, const std::string& prefix, const std::string& key, std::vector<double> def) const {
        const JobKey& k = spec(prefix + key);
        return numbers(t, prefix, key, std::move(def), k.minimum, k.maximum);
    }
    static const JobKey& spec(const std::string& key) {
        const JobKey* k = find_job_key(key);
        if (!k) throw std::logic_error("job key '" + key + "' is not in the key table (job_keys.cpp)");
        return *k;
    }

    // A time of day "HH:MM" (any hour, 25:30 is after midnight) as seconds.
    double clock(const toml::table& t, const std::string& prefix, const std::string& key, double def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        const int v = n->is_string() ? transit::parse_clock(*n->value<std::string>()) : -1;
        if (v < 0) fail(prefix + key, "must be a time of day in quotes", n, fmt::format("write {} = \"07:00\"", key));
        return v;
    }

    bool boolean(const toml::table& t, const std::string& prefix, const std::string& key, bool def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_boolean()) fail(prefix + key, "must be true or false", n, "");
        return n->as_boolean()->get();
    }

    std::vector<double> numbers(const toml::table& t, const std::string& prefix, const std::string& key, std::vector<double> def,
                                double min, double max) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_array()) fail(prefix + key, "must be a list of numbers", n, fmt::format("write {} = [15, 30]", key));
        std::vector<double> out;
        for (const auto& e : *n->as_array()) {
            if (!e.is_number()) fail(prefix + key, "must be a list of numbers", &e, "");
            const double v = e.value<double>().value_or(0);
            if (!(v >= min && v <= max)) fail(prefix + key, fmt::format("{} is out of range [{}, {}]", v, min, max), &e, "");
            out.push_back(v);
        }
        if (out.empty()) fail(prefix + key, "must not be empty", n, "");
        return out;
    }

    std::vector<std::string> texts(const toml::table& t, const std::string& prefix, const std::string& key,
                                   std::vector<std::string> def) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        if (!n->is_array()) fail(prefix + key, "must be a list of text", n, fmt::format("write {} = [\"...\"]", key));
        std::vector<std::string> out;
        for (const auto& e : *n->as_array()) {
            if (!e.is_string()) fail(prefix + key, "must be a list of text", &e, "");
            out.push_back(e.as_string()->get());
        }
        return out;
    }

    // A text or a list of texts (a numerator may sum several columns).
    std::vector<std::string> text_or_list(const toml::table& t, const std::string& prefix, const std::string& key) const {
        const toml::node* n = t.get(key);
        if (!n) return {};
        if (n->is_string()) return {n->as_string()->get()};
        return texts(t, prefix, key, {});
    }

    template <typename E>
    E choice(const toml::table& t, const std::string& prefix, const std::string& key, E def,
             const std::vector<std::pair<std::string, E>>& options) const {
        const toml::node* n = t.get(key);
        if (!n) return def;
        const std::string v = text(t, prefix, key, "");
        std::vector<std::string> names;
        for (const auto& [name, e] : options) {
            if (name == v) return e;
            names.push_back(name);
        }
        std::string all;
        for (const auto& name : names) all += (all.empty() ? "" : ", ") + ("\"" + name + "\"");
        fail(prefix + key, "'" + v + "' is not one of " + all, n, "did you mean '" + nearest_word(v, names) + "'?");
    }

    // A table's code field: as given; else `fallback` (the areas' code field) when the table has
    // a column of that name; else the column whose values are ONS area codes, with a note. With
    // no path, or when nothing fits, `fallback` (the table's reader then names the problem).
    std::string code_field(const toml::table& t, const std::string& prefix, const std::string& key, const std::string& path,
                           const std::string& layer, const std::string& fallback) const;
    // A field the job leaves out, guessed from the layer at `path` (the area code field from its
    // values, the population field from its name), with a note; fails naming the fields when
    // nothing fits.
    enum class Guess { area_code, population };
    std::string guessed_field(const std::string& key, Guess what, const std::string& path, const std::string& layer,
                              const toml::node* section) const;
    // Why each guessed field was chosen, for the run's log.
    const std::vector<std::string>& notes() const { return m_notes; }

private:
    // The table at `path` read once for every guess and check on it (a population table is
    // looked at for its code field and its population field).
    const io::AttributeTable& table_for_guessing(const std::string& path, const std::string& layer) const;

    std::string m_source;
    std::string m_base;
    mutable std::vector<std::string> m_notes;
    mutable std::map<std::string, std::string> m_resolved;             // path, layer and fallback -> field
    mutable std::map<std::string, io::AttributeTable> m_for_guessing;  // path and layer -> table
};

std::vector<std::string> class_names();
bool is_field_name(const std::string& s);
bool is_name(const std::string& s);
std::string geography_name(const Reader& r, const toml::table& t, const std::string& prefix);
// The source keys shared by indicators, references, composite domains and population tables.
IndicatorSource parse_source(const Reader& r, const toml::table& t, const std::string& prefix, const std::string& default_code_field);
indices::Direction parse_direction(const Reader& r, const toml::table& t, const std::string& prefix, indices::Direction def);
IndexSpec parse_index(const Reader& r, const std::string& name, const toml::table& t, const Job& job);

// Tables in another LSOA year need the areas' year and a lookup: said while parsing, not after
// routing.
void check_table_geography(const Reader& r, const Job& job, const IndicatorSource& src, const std::string& key);

// The sections parse_sections.cpp reads, each from the root table into the job.
void parse_scenarios(const Reader& r, const toml::table& root, Job& job);
void parse_greenspace(const Reader& r, const toml::table& root, Job& job);
void parse_geography(const Reader& r, const toml::table& root, Job& job);
void parse_indices(const Reader& r, const toml::table& root, Job& job);
void parse_composite(const Reader& r, const toml::table& root, Job& job);
void parse_clustering(const Reader& r, const toml::table& root, Job& job);
void parse_inequality(const Reader& r, const toml::table& root, Job& job);

}  // namespace accessatlas::job::detail
