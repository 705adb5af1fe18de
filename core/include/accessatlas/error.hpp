// Error family of the engine. Thrown inside the core, caught only at the CLI and plugin
// boundaries, where the kind decides the exit code (input 1, internal 2).
#pragma once

#include <stdexcept>
#include <string>

namespace accessatlas {

// Where in the user's data a problem was found. Empty parts are left out of the message.
struct ErrorContext {
    std::string file;
    std::string layer;
    std::string feature;
    std::string field;
};

class Error : public std::runtime_error {
public:
    Error(const std::string& what, ErrorContext context, std::string hint);
    const ErrorContext& context() const noexcept { return m_context; }
    const std::string& hint() const noexcept { return m_hint; }
    const std::string& detail() const noexcept { return m_detail; }

private:
    ErrorContext m_context;
    std::string m_hint;
    std::string m_detail;
};

// The user's input (files, job, parameters) is wrong: exit code 1.
class InputError : public Error {
public:
    explicit InputError(const std::string& what, ErrorContext context = {}, std::string hint = {})
        : Error(what, std::move(context), std::move(hint)) {}
};

// The caller asked the work to stop (Ctrl-C, Cancel in QGIS).
class CancelledError : public Error {
public:
    CancelledError() : Error("cancelled by the user", {}, {}) {}
};

// A bug or an environment failure we did not anticipate: exit code 2.
class InternalError : public Error {
public:
    explicit InternalError(const std::string& what, ErrorContext context = {})
        : Error(what, std::move(context), "please report this with the job file and the command") {}
};

}  // namespace accessatlas
