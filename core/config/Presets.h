// The named presets (paper, cpu-demo, tiny), embedded from resources/presets/*.json at build time.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim {

std::vector<std::string> presetNames();
bool isPresetName(const std::string& name);

// The defaults with the preset's JSON applied. Throws ConfigError for an unknown name.
TrainingConfig presetConfig(const std::string& name);

// The preset file's text as embedded.
const std::string& presetJson(const std::string& name);

}  // namespace longmim
