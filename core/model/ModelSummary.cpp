#include "model/ModelSummary.h"

#include <iomanip>
#include <sstream>

#include "model/ModelBlocks.h"
#include "model/ModelFactory.h"

namespace longmim::model {

ModelSummary summarizeModel(const TrainingConfig& config) {
  const LongitudinalModel model = buildModel(config);
  model->eval();
  ModelSummary s;
  s.architecture = model->architecture();
  s.size = model->size();
  s.imageSize = config.imgSize;
  for (const auto& child : model->named_children()) {
    std::string description;
    for (const auto& [name, text] : model->parts()) {
      if (name == child.key())
        description = text.substr(0, text.find(" ("));
    }
    if (parameterCount(*child.value()) == 0)
      continue;  // dropout and friends
    s.parts.push_back({child.key(), parameterCount(*child.value()), description});
  }
  s.parameters = parameterCount(*model);
  s.trainableParameters = parameterCount(*model, true);
  s.stateDictKeys = orderedStateDict(*model).size();
  torch::NoGradGuard noGrad;
  const torch::Tensor x = torch::zeros({1, 1, config.imgSize, config.imgSize});
  FlopCount count;
  s.outputShape = model->forward(x, x).sizes().vec();
  s.forwardGflops = count.total() / 1e9;
  s.backwardGflops = 2.0 * s.forwardGflops;
  return s;
}

std::string ModelSummary::text() const {
  std::ostringstream out;
  out << "Model " << architecture << " (" << size << ") at " << imageSize << " x " << imageSize
      << "\n\n";
  out << std::left << std::setw(24) << "PART" << std::right << std::setw(14) << "PARAMETERS"
      << "  DESCRIPTION\n";
  for (const ModelPartSummary& p : parts) {
    out << std::left << std::setw(24) << p.name << std::right << std::setw(14) << p.parameters
        << "  " << p.description << "\n";
  }
  out << std::left << std::setw(24) << "total" << std::right << std::setw(14) << parameters << "  ("
      << trainableParameters << " trainable, " << stateDictKeys << " state-dict keys)\n\n";
  out << "Output shape for one pair: [";
  for (size_t i = 0; i < outputShape.size(); ++i)
    out << (i ? ", " : "") << outputShape[i];
  out << "]\n" << std::fixed << std::setprecision(2);
  out << "Estimated GFLOPs per sample: forward " << forwardGflops << ", backward " << backwardGflops
      << " (2 x multiply-accumulates; backward taken as 2 x forward)\n";
  return out.str();
}

nlohmann::ordered_json ModelSummary::toJson() const {
  nlohmann::ordered_json out;
  out["architecture"] = architecture;
  out["size"] = size;
  out["image_size"] = imageSize;
  nlohmann::ordered_json partsJson = nlohmann::ordered_json::array();
  for (const ModelPartSummary& p : parts) {
    partsJson.push_back(
        {{"name", p.name}, {"parameters", p.parameters}, {"description", p.description}});
  }
  out["parts"] = partsJson;
  out["parameters"] = parameters;
  out["trainable_parameters"] = trainableParameters;
  out["state_dict_keys"] = stateDictKeys;
  out["output_shape"] = outputShape;
  out["forward_gflops"] = forwardGflops;
  out["backward_gflops"] = backwardGflops;
  return out;
}

}  // namespace longmim::model
