#include "config/ConfigSources.h"

#include "config/ConfigJson.h"
#include "config/ConfigValidation.h"
#include "config/Presets.h"

namespace longmim {
namespace {

// The most specific source to blame for a problem with `key`: the --set that assigned it, else
// the params file, else the --set overrides as a whole, else the preset.
std::string originOf(const std::string& key, const ConfigSources& sources,
                     const std::string& preset) {
  for (auto it = sources.assignments.rbegin(); it != sources.assignments.rend(); ++it) {
    if (it->rfind(key + "=", 0) == 0)
      return "--set " + *it;
  }
  if (!sources.file.empty())
    return sources.file;
  if (!sources.assignments.empty())
    return "--set";
  return "preset " + preset;
}

}  // namespace

TrainingConfig resolveConfig(const ConfigSources& sources) {
  const bool presetGiven = !sources.preset.empty();
  TrainingConfig config = presetConfig(presetGiven ? sources.preset : "paper");
  if (!sources.file.empty())
    config = loadConfigFile(sources.file, config, presetGiven);
  for (const std::string& assignment : sources.assignments)
    applyConfigAssignment(config, assignment);
  const std::vector<ConfigProblem> problems = validateConfig(config);
  if (!problems.empty()) {
    requireValidConfig(config, originOf(problems.front().key, sources, config.preset));
  }
  return config;
}

}  // namespace longmim
