#include "train/CheckpointStore.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <nlohmann/json.hpp>

#include "Error.h"
#include "io/AtomicFile.h"
#include "model/TorchSaveReader.h"
#include "model/WeightImport.h"

namespace longmim {
namespace {

using GenericDict = c10::impl::GenericDict;
using GenericList = c10::impl::GenericList;

constexpr const char* kFormat = "longmim-checkpoint";
constexpr int64_t kFormatVersion = 1;

GenericDict stringDict() {
  return GenericDict(c10::StringType::get(), c10::AnyType::get());
}

c10::Dict<std::string, torch::Tensor> tensorDict(
    const std::vector<std::pair<std::string, torch::Tensor>>& items) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [key, tensor] : items)
    dict.insert(key, tensor.detach().cpu().contiguous());
  return dict;
}

std::vector<std::pair<std::string, torch::Tensor>> tensorItems(const c10::IValue& value) {
  std::vector<std::pair<std::string, torch::Tensor>> items;
  for (const auto& entry : value.toGenericDict())
    items.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
  return items;
}

// Flat JSON objects (numbers, strings, booleans) as a Python-readable dict and back.
GenericDict flatDict(const std::string& jsonText) {
  GenericDict dict = stringDict();
  const nlohmann::json parsed = nlohmann::json::parse(jsonText);
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_boolean()) {
      dict.insert(key, value.get<bool>());
    } else if (value.is_number_integer() || value.is_number_unsigned()) {
      dict.insert(key, value.get<int64_t>());
    } else if (value.is_number()) {
      dict.insert(key, value.get<double>());
    } else if (value.is_string()) {
      dict.insert(key, value.get<std::string>());
    }
  }
  return dict;
}

std::string flatJson(const c10::IValue& value) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& entry : value.toGenericDict()) {
    const std::string key = entry.key().toStringRef();
    const c10::IValue& v = entry.value();
    if (v.isBool()) {
      out[key] = v.toBool();
    } else if (v.isInt()) {
      out[key] = v.toInt();
    } else if (v.isDouble()) {
      out[key] = v.toDouble();
    } else if (v.isString()) {
      out[key] = v.toStringRef();
    }
  }
  return out.dump();
}

}  // namespace

void writeArchive(const c10::IValue& value, const std::string& path) {
  // torch::pickle_save's format (a zip with the pickle as "data.pkl" and one record per tensor
  // storage, which torch.load and pickle_load read), written as it is produced: pickle_save
  // returns the whole archive as one buffer, which at the paper size is 1.3 GB on top of the
  // training's memory (issue 15's peak-RSS measurement). LibTorch's Pickler and
  // PyTorchStreamWriter do the work; only the sink is ours.
  std::vector<char> pickled;
  torch::jit::Pickler pickler([&pickled](const char* data, size_t size) {
    pickled.insert(pickled.end(), data, data + size);
  });
  pickler.protocol();
  pickler.pushIValue(value);
  pickler.stop();
  writeFileAtomically(path, [&](std::ostream& out) {
    // The sink always reports success: a failed write is seen on the stream afterwards. A
    // failure reported to the writer throws, and its destructor may then throw again.
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, size_t size) {
      if (out)
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
      return size;
    });
    torch::jit::writeArchiveAndTensors("data", pickled.data(), pickled.size(), pickler.tensorData(),
                                       writer);
    writer.writeEndOfFile();
    if (!out)
      throw Error("cannot write " + path + ": " + std::strerror(errno));
  });
}

void saveCheckpoint(const Checkpoint& c, const std::string& path) {
  GenericDict root = stringDict();
  root.insert("format", std::string(kFormat));
  root.insert("format_version", kFormatVersion);
  root.insert("model_state_dict", tensorDict(c.model));

  GenericDict state(c10::IntType::get(), c10::AnyType::get());
  for (size_t i = 0; i < c.optimizerState.size(); ++i) {
    if (!c.optimizerState[i])
      continue;
    GenericDict s = stringDict();
    s.insert("step", torch::tensor(static_cast<double>(c.optimizerState[i]->step)));
    s.insert("exp_avg", c.optimizerState[i]->expAvg.detach().cpu());
    s.insert("exp_avg_sq", c.optimizerState[i]->expAvgSq.detach().cpu());
    state.insert(static_cast<int64_t>(i), s);
  }
  GenericDict group = stringDict();
  group.insert("lr", c.optimizerLr);
  group.insert("betas", c10::ivalue::Tuple::create({c.optimizerBeta1, c.optimizerBeta2}));
  group.insert("eps", c.optimizerEps);
  group.insert("weight_decay", c.optimizerWeightDecay);
  group.insert("amsgrad", false);
  c10::List<int64_t> params;
  for (size_t i = 0; i < c.optimizerState.size(); ++i)
    params.push_back(static_cast<int64_t>(i));
  group.insert("params", params);
  GenericList groups(c10::AnyType::get());
  groups.push_back(group);
  GenericDict optimizer = stringDict();
  optimizer.insert("state", state);
  optimizer.insert("param_groups", groups);
  root.insert("optimizer_state_dict", optimizer);

  root.insert("scheduler_state_dict", flatDict(c.schedulerJson));
  root.insert("epoch", static_cast<int64_t>(c.epoch));
  root.insert("batch_in_epoch", static_cast<int64_t>(c.batchInEpoch));
  root.insert("global_batch", c.globalBatch);
  root.insert("optimizer_step", c.optimizerStep);
  if (!c.epochSumsJson.empty())
    root.insert("epoch_running_sums", c.epochSumsJson);
  if (!c.accumulatedGradients.empty()) {
    GenericDict gradients(c10::IntType::get(), c10::TensorType::get());
    for (const auto& [index, gradient] : c.accumulatedGradients)
      gradients.insert(index, gradient);
    root.insert("accumulated_gradients", gradients);
  }
  root.insert("train_loss", c.trainLoss);
  root.insert("val_loss", c.valLoss ? c10::IValue(*c.valLoss) : c10::IValue());
  root.insert("rng_state", c.rngState.defined() ? c.rngState.cpu() : torch::Tensor());
  if (!c.cudaRngStates.empty()) {
    c10::List<torch::Tensor> generators;
    for (const torch::Tensor& generator : c.cudaRngStates)
      generators.push_back(generator.cpu());
    root.insert("cuda_rng_states", generators);
  }
  root.insert("config", c.configJson);
  root.insert("history", c.historyJson);
  root.insert("kind", std::string(checkpointKindName(c.kind)));
  root.insert("interrupted", c.kind == CheckpointKind::Interrupted);
  root.insert("architecture", c.architecture);
  root.insert("model_size", c.modelSize);
  root.insert("image_size", static_cast<int64_t>(c.imageSize));
  root.insert("parameters", c.parameters);
  if (!c.discriminator.empty())
    root.insert("discriminator_state_dict", tensorDict(c.discriminator));

  writeArchive(root, path);
}

namespace {

// Throws the DataError that names a PyTorch state dict for what it is, when `path` holds one.
void throwIfStateDict(const std::string& path) {
  size_t tensors = 0;
  try {
    tensors = model::readStateDict(path).size();
  } catch (const std::exception&) {
    return;  // not a state dict either
  }
  if (tensors == 0)
    return;
  throw DataError(path, path + ": a PyTorch state dict (" + std::to_string(tensors) +
                            (tensors == 1 ? " tensor" : " tensors") +
                            ", saved with torch.save), not a checkpoint of this program; "
                            "-c resumes runs of longmim only. To start a new run from these "
                            "weights use --set PRETRAINED_WEIGHTS=" +
                            path + " (ENCODER_WEIGHTS for an encoder alone)");
}

}  // namespace

Checkpoint loadCheckpoint(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw DataError(path, path + ": checkpoint not found");
  const std::string bytes = readWholeFile(path);
  c10::IValue value;
  try {
    value = model::loadPickleArchive(bytes);
  } catch (const std::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    // A file Python's torch.save wrote (a zip archive or the legacy format) is not damaged, it
    // is another kind of file: say what it is and where it can be used.
    throwIfStateDict(path);
    throw DataError(path, path + ": corrupt or truncated checkpoint (" + reason + ")");
  }
  if (!value.isGenericDict())
    throw DataError(path, path + ": not a checkpoint of this program");
  const GenericDict root = value.toGenericDict();
  if (!root.contains("format") || !root.at("format").isString() ||
      root.at("format").toStringRef() != kFormat) {
    throwIfStateDict(path);
    throw DataError(path, path +
                              ": not a longmim checkpoint (a state dict from elsewhere goes into "
                              "PRETRAINED_WEIGHTS or ENCODER_WEIGHTS instead)");
  }
  try {
    Checkpoint c;
    c.model = tensorItems(root.at("model_state_dict"));
    const GenericDict optimizer = root.at("optimizer_state_dict").toGenericDict();
    const GenericDict group = optimizer.at("param_groups").toList().get(0).toGenericDict();
    const size_t count = group.at("params").toIntList().size();
    c.optimizerState.resize(count);
    for (const auto& entry : optimizer.at("state").toGenericDict()) {
      const GenericDict s = entry.value().toGenericDict();
      const auto index = static_cast<size_t>(entry.key().toInt());
      if (index >= count)
        continue;
      c.optimizerState[index] =
          AdamParamState{static_cast<int64_t>(s.at("step").toTensor().item<double>()),
                         s.at("exp_avg").toTensor(), s.at("exp_avg_sq").toTensor()};
    }
    c.optimizerLr = group.at("lr").toDouble();
    const auto betas = group.at("betas").toTupleRef().elements();
    c.optimizerBeta1 = betas.at(0).toDouble();
    c.optimizerBeta2 = betas.at(1).toDouble();
    c.optimizerEps = group.at("eps").toDouble();
    c.optimizerWeightDecay = group.at("weight_decay").toDouble();
    c.schedulerJson = flatJson(root.at("scheduler_state_dict"));
    c.epoch = static_cast<int>(root.at("epoch").toInt());
    c.batchInEpoch = static_cast<int>(root.at("batch_in_epoch").toInt());
    c.globalBatch = root.at("global_batch").toInt();
    c.optimizerStep = root.at("optimizer_step").toInt();
    if (root.contains("epoch_running_sums"))
      c.epochSumsJson = root.at("epoch_running_sums").toStringRef();
    if (root.contains("accumulated_gradients")) {
      for (const auto& entry : root.at("accumulated_gradients").toGenericDict())
        c.accumulatedGradients.emplace_back(entry.key().toInt(), entry.value().toTensor());
    }
    c.trainLoss = root.at("train_loss").toDouble();
    if (!root.at("val_loss").isNone())
      c.valLoss = root.at("val_loss").toDouble();
    if (root.at("rng_state").isTensor())
      c.rngState = root.at("rng_state").toTensor();
    if (root.contains("cuda_rng_states")) {
      for (const c10::IValue& generator : root.at("cuda_rng_states").toListRef())
        c.cudaRngStates.push_back(generator.toTensor());
    }
    c.configJson = root.at("config").toStringRef();
    c.historyJson = root.at("history").toStringRef();
    const std::string kind = root.at("kind").toStringRef();
    const std::optional<CheckpointKind> known = parseCheckpointKind(kind);
    if (!known) {
      throw DataError(path, path + ": unknown checkpoint kind '" + kind +
                                "' (epoch, best or interrupted); the file is damaged or not "
                                "from this program");
    }
    c.kind = *known;
    c.architecture = root.at("architecture").toStringRef();
    c.modelSize = root.at("model_size").toStringRef();
    c.imageSize = static_cast<int>(root.at("image_size").toInt());
    c.parameters = root.at("parameters").toInt();
    if (root.contains("discriminator_state_dict"))
      c.discriminator = tensorItems(root.at("discriminator_state_dict"));
    return c;
  } catch (const c10::Error& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw DataError(path,
                    path + ": checkpoint is missing a field or has a wrong one (" + reason + ")");
  }
}

}  // namespace longmim
