// When a process started, to tell a run's training process apart from a later process that was
// given the same PID: Linux's start time of a PID (/proc/PID/stat, field 22, clock ticks after
// boot) with the boot it belongs to (/proc/sys/kernel/random/boot_id). No library offers this.
#pragma once

#include <cstdint>
#include <string>

namespace longmim {

// "<boot id>:<start ticks>" of process `pid`, or empty when it does not exist or cannot be read.
std::string processStartStamp(int64_t pid);

}  // namespace longmim
