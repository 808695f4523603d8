// Builds the configured architecture at the configured size, initialised and seeded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/TrainingConfig.h"
#include "model/LongitudinalModel.h"

namespace longmim::model {

// MODEL_ARCH (big | reference), MODEL_SIZE (paper | cpu-demo | tiny), IMG_SIZE, DROPOUT; when
// INIT_WEIGHTS, the reference's initialisation after torch::manual_seed(SEED). Throws ConfigError.
LongitudinalModel buildModel(const TrainingConfig& config);

int64_t parameterCount(const torch::nn::Module& module, bool trainableOnly = false);

// Parameters and buffers in the order Python's state_dict() lists them: per module, its own
// parameters, then its own buffers, then its children's.
std::vector<std::pair<std::string, torch::Tensor>> orderedStateDict(
    const torch::nn::Module& module);

}  // namespace longmim::model
