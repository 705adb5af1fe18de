#pragma once
namespace accessatlas {
const char* version();
}  // namespace accessatlas
