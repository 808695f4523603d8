#include "model/ModelFactory.h"

#include "Error.h"
#include "model/BigModel.h"
#include "model/ReferenceModel.h"

namespace longmim::model {
namespace {

void collect(const torch::nn::Module& module, const std::string& prefix,
             std::vector<std::pair<std::string, torch::Tensor>>& out) {
  for (const auto& p : module.named_parameters(/*recurse=*/false))
    out.emplace_back(prefix + p.key(), p.value());
  for (const auto& b : module.named_buffers(/*recurse=*/false))
    out.emplace_back(prefix + b.key(), b.value());
  for (const auto& child : module.named_children())
    collect(*child.value(), prefix + child.key() + ".", out);
}

}  // namespace

LongitudinalModel buildModel(const TrainingConfig& config) {
  if (config.imgSize % 32 != 0) {
    throw ConfigError("IMG_SIZE", "IMG_SIZE must be a multiple of 32 (got " +
                                      std::to_string(config.imgSize) + ")");
  }
  torch::manual_seed(static_cast<uint64_t>(config.seed));
  LongitudinalModel model;
  if (config.modelArch == "reference") {
    ReferenceSpec spec = ReferenceSpec::forSize(config.modelSize);
    spec.dropout = config.dropout;
    spec.learnedDeadBand = config.learnedDeadBand;
    spec.recompute = config.activationCheckpointing;
    model = std::make_shared<ReferenceModelImpl>(spec);
  } else if (config.modelArch == "big") {
    BigSpec spec = BigSpec::forSize(config.modelSize, config.imgSize);
    spec.dropout = config.dropout;
    spec.learnedDeadBand = config.learnedDeadBand;
    spec.recompute = config.activationCheckpointing;
    model = std::make_shared<BigModelImpl>(spec);
  } else {
    throw ConfigError("MODEL_ARCH",
                      "unknown MODEL_ARCH '" + config.modelArch + "' (big or reference)");
  }
  if (config.initWeights) {
    torch::manual_seed(static_cast<uint64_t>(config.seed));
    model->initialiseWeights();
  }
  return model;
}

int64_t parameterCount(const torch::nn::Module& module, bool trainableOnly) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) {
    if (!trainableOnly || p.requires_grad())
      n += p.numel();
  }
  return n;
}

std::vector<std::pair<std::string, torch::Tensor>> orderedStateDict(
    const torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  collect(module, "", out);
  return out;
}

}  // namespace longmim::model
