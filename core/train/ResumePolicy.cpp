#include "train/ResumePolicy.h"

#include "Error.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"

namespace longmim {

const std::vector<std::string>& resumeLockedKeys() {
  static const std::vector<std::string> keys = {
      "MODEL_ARCH",  "MODEL_SIZE",           "LEARNED_DEAD_BAND",       "IMG_SIZE",
      "BATCH_SIZE",  "UPDATE_EVERY_BATCHES", "LONGITUDINAL_MIM_EPOCHS", "MAX_LR",
      "PCT_START",   "DIV_FACTOR",           "FINAL_DIV_FACTOR",        "SEED",
      "VAL_FRACTION"};
  return keys;
}

const std::vector<std::string>& resumeCallerKeys() {
  static const std::vector<std::string> keys = {
      "DATA_DIR",        "OUTPUT_DIR",     "NUM_THREADS",      "DEVICE",       "TENSORBOARD",
      "TENSORBOARD_DIR", "LOADER_THREADS", "PREFETCH_BATCHES", "CACHE_IMAGES", "LOG_EVERY_BATCHES"};
  return keys;
}

TrainingConfig resumedConfig(const TrainingConfig& saved, const TrainingConfig& caller) {
  TrainingConfig merged = saved;
  for (const std::string& key : resumeCallerKeys()) {
    const ConfigField* field = findConfigField(key);
    const nlohmann::json value = configValue(caller, *field);
    const bool folder = key == "DATA_DIR" || key == "OUTPUT_DIR" || key == "TENSORBOARD_DIR";
    if (folder && value.is_string() && value.get<std::string>().empty())
      continue;
    setConfigValue(merged, *field, value, "resume");
  }
  return merged;
}

void requireSameRun(const TrainingConfig& saved, const TrainingConfig& requested,
                    const std::string& checkpointPath) {
  std::string differences;
  for (const std::string& key : resumeLockedKeys()) {
    const ConfigField* field = findConfigField(key);
    const auto before = configValue(saved, *field);
    const auto now = configValue(requested, *field);
    if (before != now) {
      differences += std::string(differences.empty() ? "" : ", ") + key + " " + before.dump() +
                     " -> " + now.dump();
    }
  }
  if (!differences.empty()) {
    throw ConfigError({}, checkpointPath + " was trained with another configuration (" +
                              differences +
                              "); resume with the checkpoint's own settings or start a new run");
  }
}

}  // namespace longmim
