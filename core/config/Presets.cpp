#include "config/Presets.h"

#include <map>

#include "Error.h"
#include "config/ConfigJson.h"
#include "config/EmbeddedPresets.h"

namespace longmim {

std::vector<std::string> presetNames() {
  // Fixed order: from the full model down to the test size.
  return {"paper", "cpu-demo", "tiny"};
}

bool isPresetName(const std::string& name) {
  return embeddedPresetTexts().count(name) != 0;
}

const std::string& presetJson(const std::string& name) {
  const auto& texts = embeddedPresetTexts();
  const auto it = texts.find(name);
  if (it == texts.end()) {
    std::string known;
    for (const std::string& n : presetNames())
      known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("PRESET", "unknown preset '" + name + "'; known presets: " + known);
  }
  return it->second;
}

TrainingConfig presetConfig(const std::string& name) {
  const std::string& text = presetJson(name);
  TrainingConfig config;
  applyConfigJson(config, nlohmann::json::parse(text), "preset " + name);
  config.preset = name;
  return config;
}

}  // namespace longmim
