// `longmim model summary`: parameters per part, output shape and estimated GFLOPs of a model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/TrainingConfig.h"

namespace longmim::model {

struct ModelPartSummary {
  std::string name;
  int64_t parameters = 0;
  std::string description;
};

struct ModelSummary {
  std::string architecture;
  std::string size;
  int imageSize = 0;
  std::vector<ModelPartSummary> parts;
  int64_t parameters = 0;
  int64_t trainableParameters = 0;
  size_t stateDictKeys = 0;
  std::vector<int64_t> outputShape;  // for one pair at IMG_SIZE
  double forwardGflops = 0.0;        // per sample: 2 x multiply-accumulates of convolutions,
  double backwardGflops = 0.0;       // linear layers and attention; backward ~ 2 x forward

  std::string text() const;
  nlohmann::ordered_json toJson() const;
};

// Builds the configured model and runs one pair of IMG_SIZE zeros through it (no gradients).
ModelSummary summarizeModel(const TrainingConfig& config);

}  // namespace longmim::model
