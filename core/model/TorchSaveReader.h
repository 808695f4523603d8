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

// What torch::pickle_load returns for a zip archive written by torch::pickle_save or torch.save,
// read through a bounds-checked reader: LibTorch 1.13's own pickle_load copies past the end of
// its buffer when a damaged zip directory asks for it (a heap overflow FuzzCheckpoint found), and
// its unpickler trusts the lengths inside the pickle (requireWellFormedPickle checks them first).
// Throws c10::Error or std::runtime_error when the archive cannot be read.
c10::IValue loadPickleArchive(const std::string& bytes);

}  // namespace longmim::model
