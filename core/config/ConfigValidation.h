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

// Throws ConfigError for the first problem; the message lists all of them. `source` prefixes it.
void requireValidConfig(const TrainingConfig& config, const std::string& source = {});

}  // namespace longmim
