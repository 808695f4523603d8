// Checkpoints: everything exact resume needs, as a pickled dict that Python's torch.load reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "train/CheckpointKind.h"

namespace longmim {

struct AdamParamState {
  int64_t step = 0;
  torch::Tensor expAvg;
  torch::Tensor expAvgSq;
};

struct Checkpoint {
  // The model's state dict in Python's order (keys "model_state_dict" in the file).
  std::vector<std::pair<std::string, torch::Tensor>> model;
  // AdamW per parameter (in model.parameters() order), the PyTorch optimizer.state_dict() layout.
  std::vector<std::optional<AdamParamState>> optimizerState;
  double optimizerLr = 0.0;
  double optimizerBeta1 = 0.9;
  double optimizerBeta2 = 0.999;
  double optimizerEps = 1e-8;
  double optimizerWeightDecay = 0.0;
  std::string schedulerJson;  // flat JSON: OneCycleSchedule::toJson, "step", "lr_multiplier"
  int epoch = 0;              // epochs completed
  int batchInEpoch = 0;       // > 0: interrupted inside epoch + 1, resume from this batch
  int64_t globalBatch = 0;
  int64_t optimizerStep = 0;
  double trainLoss = 0.0;
  std::optional<double> valLoss;
  torch::Tensor rngState;  // torch's CPU generator
  // Each visible GPU's generator, as torch.cuda.get_rng_state_all() gives them ("cuda_rng_states"
  // in the file); empty when the run had no CUDA device.
  std::vector<torch::Tensor> cudaRngStates;
  std::string configJson;   // the TrainingConfig
  std::string historyJson;  // the TrainingHistory
  // Inside an epoch (batchInEpoch > 0): its train-loss sums so far, {"total", "weight",
  // "components"}; empty otherwise and in checkpoints written before it existed.
  std::string epochSumsJson;
  // Inside an accumulation group: parameter index -> its gradient accumulated so far.
  std::vector<std::pair<int64_t, torch::Tensor>> accumulatedGradients;
  CheckpointKind kind = CheckpointKind::Epoch;
  std::string architecture;
  std::string modelSize;
  int imageSize = 0;
  int64_t parameters = 0;
  std::vector<std::pair<std::string, torch::Tensor>> discriminator;  // when USE_GAN
};

// Writes atomically (temporary file, flush, rename): a failed write leaves the old file intact.
// Throws Error naming the file.
void saveCheckpoint(const Checkpoint& checkpoint, const std::string& path);

// `value` as torch::pickle_save would write it (the same bytes), streamed into `path` atomically
// instead of built in memory first.
void writeArchive(const c10::IValue& value, const std::string& path);

// Throws DataError naming the file when it is missing, truncated, corrupt or not a checkpoint of
// this program (a plain state dict belongs in PRETRAINED_WEIGHTS instead).
Checkpoint loadCheckpoint(const std::string& path);

}  // namespace longmim
