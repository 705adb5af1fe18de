// What the benchmark programs share: a wall clock and the process's peak memory.
#pragma once

#include <chrono>
#include <fstream>
#include <string>

namespace accessatlas::bench {

inline double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// The peak resident memory of this process so far (Linux VmHWM), in MB; -1 when unknown.
inline long peak_rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
    return -1;
}

}  // namespace accessatlas::bench
