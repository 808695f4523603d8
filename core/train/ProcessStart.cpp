#include "train/ProcessStart.h"

#include <fstream>
#include <sstream>

namespace longmim {

std::string processStartStamp(int64_t pid) {
  if (pid <= 0)
    return {};
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line))
    return {};
  // The command name (field 2) is in parentheses and may hold spaces or ')': the fields after
  // the last ')' start with field 3 (state), so the start time (22) is the 20th of them.
  const size_t close = line.rfind(')');
  if (close == std::string::npos)
    return {};
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field))
      return {};
  }
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string bootId;
  std::getline(boot, bootId);
  return bootId + ":" + field;
}

}  // namespace longmim
