#include "model/WeightImport.h"

#include <filesystem>
#include <sstream>

#include "Error.h"
#include "io/AtomicFile.h"
#include "model/ModelFactory.h"
#include "model/TorchSaveReader.h"

namespace longmim::model {
namespace {

std::string shapeText(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

std::string listText(const std::vector<std::string>& items, size_t limit) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < limit; ++i)
    text += (i ? ", " : "") + items[i];
  if (items.size() > limit)
    text += " (+" + std::to_string(items.size() - limit) + " more)";
  return text;
}

}  // namespace

std::string WeightImportReport::summary(size_t limit) const {
  std::string text = "loaded " + std::to_string(loaded) + " tensors";
  if (!missing.empty())
    text += "; missing in the file: " + listText(missing, limit);
  if (!unexpected.empty())
    text += "; not in the model: " + listText(unexpected, limit);
  if (!mismatched.empty())
    text += "; shapes differ: " + listText(mismatched, limit);
  return text;
}

std::map<std::string, torch::Tensor> readStateDict(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw DataError(path, path + ": weight file not found");
  const std::string bytes = readWholeFile(path);
  std::map<std::string, torch::Tensor> all;
  try {
    all = readTorchSaveTensors(bytes);
  } catch (const std::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw DataError(path,
                    path +
                        ": not a PyTorch weight file (expected torch.save of a state dict or a "
                        "checkpoint): " +
                        reason);
  }
  // A checkpoint holds the state dict under one of these keys; a plain state dict is the file.
  std::map<std::string, torch::Tensor> selected;
  for (const char* key : {"model_state_dict.", "model_dict.", "state_dict."}) {
    const std::string prefix(key);
    for (const auto& [name, tensor] : all) {
      if (name.rfind(prefix, 0) == 0)
        selected[name.substr(prefix.size())] = tensor;
    }
    if (!selected.empty())
      break;
  }
  if (selected.empty())
    selected = all;
  if (selected.empty())
    throw DataError(path, path + ": holds no tensors (is it a state dict?)");
  std::map<std::string, torch::Tensor> tensors;
  for (auto& [key, tensor] : selected)
    tensors[key.rfind("module.", 0) == 0 ? key.substr(7) : key] = tensor;
  return tensors;
}

WeightImportReport importWeights(torch::nn::Module& module,
                                 const std::map<std::string, torch::Tensor>& tensors, bool strict,
                                 const std::string& source, const std::string& prefix) {
  // Select the keys for this part of the model.
  std::map<std::string, torch::Tensor> selected;
  bool anyPrefixed = false;
  for (const auto& [key, tensor] : tensors)
    anyPrefixed = anyPrefixed || (!prefix.empty() && key.rfind(prefix, 0) == 0);
  for (const auto& [key, tensor] : tensors) {
    if (prefix.empty() || !anyPrefixed) {
      selected[key] = tensor;
    } else if (key.rfind(prefix, 0) == 0) {
      selected[key.substr(prefix.size())] = tensor;
    }
  }

  WeightImportReport report;
  const auto target = orderedStateDict(module);
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  std::map<std::string, bool> used;
  for (const auto& [key, tensor] : target) {
    const auto it = selected.find(key);
    if (it == selected.end()) {
      report.missing.push_back(key);
      continue;
    }
    used[key] = true;
    if (it->second.sizes() != tensor.sizes()) {
      report.mismatched.push_back(key + ": file " + shapeText(it->second) + ", model " +
                                  shapeText(tensor));
      continue;
    }
    copies.emplace_back(tensor, it->second);
  }
  for (const auto& [key, tensor] : selected) {
    if (!used.count(key))
      report.unexpected.push_back(key);
  }
  if (strict && !report.clean()) {
    throw DataError(source,
                    source + " does not match the model (strict loading): " + report.summary(5) +
                        ". Check MODEL_ARCH / MODEL_SIZE, or turn WEIGHTS_STRICT off to load the "
                        "matching part");
  }
  torch::NoGradGuard noGrad;
  for (auto& [destination, value] : copies) {
    destination.copy_(value.to(destination.device(), destination.scalar_type()));
  }
  report.loaded = copies.size();
  return report;
}

WeightImportReport importWeights(torch::nn::Module& module, const std::string& path, bool strict,
                                 const std::string& prefix) {
  return importWeights(module, readStateDict(path), strict, path, prefix);
}

}  // namespace longmim::model
