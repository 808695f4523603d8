// Loading state dicts (Python torch.save files or our checkpoints) into a model or its encoder.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace longmim::model {

struct WeightImportReport {
  size_t loaded = 0;
  std::vector<std::string> missing;     // in the model, not in the file
  std::vector<std::string> unexpected;  // in the file, not in the model
  std::vector<std::string> mismatched;  // "key: file [a, b], model [c, d]"
  bool clean() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
  std::string summary(
      size_t limit = 5) const;  // "loaded 287 tensors; missing: a, b (+3 more); ..."
};

// The tensors of a state-dict file: a plain dict of tensors (Python
// `torch.save(model.state_dict())`), or a checkpoint dict holding one under "model_state_dict",
// "model_dict" or "state_dict". DataParallel's "module." prefixes are removed. Throws DataError
// naming the file when it is missing, not a PyTorch file, or holds no tensors.
std::map<std::string, torch::Tensor> readStateDict(const std::string& path);

// Copies matching tensors into `module` (parameters and buffers). `prefix` selects a part of the
// file: with "encoder.", keys starting with it are used without it (a file holding only an
// encoder's keys works as well). Strict: any missing, unexpected or mis-shaped key throws
// DataError naming the file and the first mismatches, and nothing is copied. Non-strict: matching
// keys are copied and the report lists the rest.
WeightImportReport importWeights(torch::nn::Module& module, const std::string& path, bool strict,
                                 const std::string& prefix = {});

// The same from tensors already in memory (checkpoints).
WeightImportReport importWeights(torch::nn::Module& module,
                                 const std::map<std::string, torch::Tensor>& tensors, bool strict,
                                 const std::string& source, const std::string& prefix = {});

}  // namespace longmim::model
