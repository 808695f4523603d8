// Range and consistency checks of a TrainingConfig, one message per offending key.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim {

struct ConfigProblem {
  std::string key;
  std::string message;  // complete sentence naming the key, the allowed range and the value
};

std::vector<ConfigProblem> validateConfig(const TrainingConfig& config);

// The files the configuration names that a run needs at once, opened (not only named): VGG_WEIGHTS
// when the perceptual / style loss is on. Checked when a run starts, not on every edit of a form.
std::vector<ConfigProblem> checkConfigFiles(const TrainingConfig& config);

// Settings that are valid but probably not what the user meant (a run still starts): the trainer
// logs them at start, the form shows them beside the field.
std::vector<ConfigProblem> configWarnings(const TrainingConfig& config);

// Throws ConfigError for the first problem; the message lists all of them. `source` prefixes it.
void requireValidConfig(const TrainingConfig& config, const std::string& source = {});

}  // namespace longmim
