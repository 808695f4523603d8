// The studio's own memory use, for the status bar.
#pragma once

#include <QString>
#include <cstdint>

namespace longmim::studio {

// Resident set size of this process in bytes (Linux /proc/self/statm); 0 when unknown.
std::int64_t residentMemoryBytes();

// "812 MB", "3.4 GB".
QString formatBytes(std::int64_t bytes);

}  // namespace longmim::studio
