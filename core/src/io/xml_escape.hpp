// Private: escaping text for XML and HTML attributes and content (styles, SLD, report).
#pragma once

#include <string>

namespace accessatlas::io::detail {

inline std::string xml_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace accessatlas::io::detail
