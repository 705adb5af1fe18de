#include "job/common.hpp"

#include <accessatlas/error.hpp>
#include <accessatlas/indices/area_codes.hpp>
#include <accessatlas/version.hpp>

#include "job/job_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>

namespace accessatlas::job::detail {

std::string normalise_code(const std::string& code, bool* changed) {
    std::string text = code;
    const auto colon = text.find(" : ");  // Nomis: "E01013787 : Leicester 001A"
    if (colon != std::string::npos) text = text.substr(0, colon);
    // Every kind of space goes, Unicode ones too (no-break, thin, zero-width, ideographic, the
    // byte-order mark), which spreadsheets and web tables leave in codes.
    static const char* const wide_spaces[] = {"\xC2\xA0",     "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83",
                                              "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
                                              "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x80\xAF", "\xE2\x81\x9F",
                                              "\xE3\x80\x80", "\xEF\xBB\xBF"};
    for (const char* w : wide_spaces)
        for (auto at = text.find(w); at != std::string::npos; at = text.find(w)) text.erase(at, std::strlen(w));
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // Only what becomes the shape of an ONS code (a letter and eight digits: LSOAs, MSOAs,
    // wards, districts ...) is rewritten; anything else (a name such as "Rutland 005A", a local
    // code) keeps its case and inner spaces, only trimmed at both ends, so that no name is
    // mangled into something that looks like a code.
    const bool ons_shape = out.size() == 9 && std::isalpha(static_cast<unsigned char>(out[0])) &&
                           std::all_of(out.begin() + 1, out.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    if (!ons_shape) {
        const std::string original = colon != std::string::npos ? code.substr(0, colon) : code;
        const auto b = original.find_first_not_of(" \t\r\n");
        out = b == std::string::npos ? std::string() : original.substr(b, original.find_last_not_of(" \t\r\n") - b + 1);
    }
    if (changed && out != code) *changed = true;
    return out;
}

std::string list_some(const std::vector<std::string>& items, std::size_t most) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < most; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > most) out += fmt::format(" and {} more", items.size() - most);
    return out;
}

void FieldStore::put(const std::string& name, std::vector<double> values) {
    for (auto& [n, v] : m_fields)
        if (n == name) {
            v = std::move(values);
            return;
        }
    m_fields.emplace_back(name, std::move(values));
}

const std::vector<double>* FieldStore::find(const std::string& name) const {
    for (const auto& [n, v] : m_fields)
        if (n == name) return &v;
    return nullptr;
}

const std::vector<double>& FieldStore::get(const std::string& name, const std::string& who) const {
    if (const auto* v = find(name)) return *v;
    std::vector<std::string> names;
    for (const auto& [n, v] : m_fields) names.push_back(n);
    throw InputError(fmt::format("{}: no area field '{}' in this run", who, name), {},
                     names.empty() ? std::string("this job computes no area fields; give a table instead (path, code_field, field)")
                                   : fmt::format("did you mean '{}'? Fields: {}", nearest_word(name, names), list_some(names, 12)));
}

std::vector<std::string> FieldStore::names() const {
    std::vector<std::string> out;
    for (const auto& [n, v] : m_fields) out.push_back(n);
    return out;
}

void stamp_run(io::LayerWriter& layer, const Job& job) {
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    layer.set_metadata("accessatlas_run_date", date);
    layer.set_metadata("accessatlas_software", std::string("Access Atlas ") + version());
    layer.set_metadata("accessatlas_job", job.job_file.empty() ? std::string("(parameters)") : job.job_file);
    // What a map made from this layer must credit, from the kinds of input the run read.
    std::string credit = "Contains National Statistics data (c) Crown copyright and database right (Open Government Licence v3.0)";
    const std::string& net = job.network.path;
    const auto ends = [&](const char* suffix) {
        return net.size() >= std::strlen(suffix) && net.compare(net.size() - std::strlen(suffix), std::string::npos, suffix) == 0;
    };
    if (ends(".pbf") || ends(".osm") || ends(".aagraph"))
        credit += "; map data (c) OpenStreetMap contributors (ODbL 1.0)";
    else if (!net.empty())
        credit += "; road network: see the input's licence (OS Open Roads: Open Government Licence v3.0)";
    if (job.transit.given())
        credit += "; timetables: the GTFS feeds' publishers (Bus Open Data Service, Traveline: Open Government Licence v3.0)";
    if (!job.services.empty()) credit += "; NHS organisation data (Open Government Licence v3.0)";
    layer.set_metadata("accessatlas_attribution", credit);
    layer.set_metadata("accessatlas_licence", "Results: the licences of the inputs apply (ODbL 1.0 for OpenStreetMap-derived data, "
                                              "Open Government Licence v3.0 for ONS and NHS data)");
}

std::string threshold_label(double minutes) {
    if (minutes == std::floor(minutes)) return fmt::format("{}", static_cast<long long>(minutes));
    std::string s = fmt::format("{}", minutes);
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

}  // namespace accessatlas::job::detail
