#include <accessatlas/error.hpp>

#include <accessatlas/reporter.hpp>
#include <accessatlas/version.hpp>

namespace accessatlas {

namespace {
std::string compose(const std::string& what, const ErrorContext& c, const std::string& hint) {
    std::string where;
    auto add = [&where](const std::string& label, const std::string& value) {
        if (value.empty()) return;
        where += where.empty() ? "" : ", ";
        where += label + value;
    };
    add("", c.file);
    add("layer '", c.layer.empty() ? "" : c.layer + "'");
    add("feature ", c.feature);
    add("field '", c.field.empty() ? "" : c.field + "'");
    std::string message = where.empty() ? what : where + ": " + what;
    if (!hint.empty()) message += ". " + hint;
    return message;
}
}  // namespace

Error::Error(const std::string& what, ErrorContext context, std::string hint)
    : std::runtime_error(compose(what, context, hint)), m_context(std::move(context)), m_hint(std::move(hint)), m_detail(what) {}

void Reporter::check_cancelled() const {
    if (cancelled()) throw CancelledError();
}

const char* version() { return ACCESSATLAS_VERSION; }

}  // namespace accessatlas
