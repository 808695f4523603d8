// Reads the tensors of a Python `torch.save` file (zip format) without Python.
#pragma once

#include <map>
#include <string>

#include <torch/torch.h>

namespace longmim::model {

// Every tensor reachable in the file, keyed by its dotted path through nested dicts:
// {"a": {"b": t}} gives "a.b". Accepts what `torch.save` writes for state dicts and checkpoints
// (OrderedDicts, dicts, lists, tuples, numbers, strings, tensors and parameters). Throws
// std::runtime_error with the reason when the file is not a zip-format torch.save file.
std::map<std::string, torch::Tensor> readTorchSaveTensors(const std::string& bytes);

}  // namespace longmim::model
