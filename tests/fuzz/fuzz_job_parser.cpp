// libFuzzer target: the job-file parser must answer any bytes with a job or an InputError.
#include <accessatlas/error.hpp>
#include <accessatlas/job/job.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        accessatlas::job::parse_job(text, "/fuzz", "fuzz.toml");
    } catch (const accessatlas::InputError&) {}
    return 0;
}
