// Where an effective configuration comes from: a preset, a params file, KEY=VALUE overrides.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim {

struct ConfigSources {
  std::string preset;                    // empty: the file's PRESET, else "paper"
  std::string file;                      // empty: none
  std::vector<std::string> assignments;  // "KEY=VALUE", applied last, in order
};

// defaults -> preset (or the file's PRESET) -> file -> assignments, then validation.
// Throws ConfigError / Error naming the source and the key.
TrainingConfig resolveConfig(const ConfigSources& sources);

}  // namespace longmim
