// Between a run's live objects and a Checkpoint: AdamW's per-parameter state, the gradients of an
// unfinished accumulation group and the random generators. The file format is CheckpointStore's;
// what a resumed run does with the restored position is the trainer's.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "train/CheckpointStore.h"

namespace longmim {

// AdamW's state and hyperparameters, per parameter in `params` order (PyTorch's state_dict layout).
void captureOptimizer(const torch::optim::AdamW& optimizer,
                      const std::vector<torch::Tensor>& params, Checkpoint& c);

// The reverse, onto `device`. Throws DataError naming `path` when the checkpoint holds state for
// another number of tensors than `params`.
void restoreOptimizer(const Checkpoint& c, torch::optim::AdamW& optimizer,
                      const std::vector<torch::Tensor>& params, const torch::Device& device,
                      const std::string& path);

// Inside an accumulation group: each parameter's gradient accumulated so far (on the CPU).
void captureAccumulatedGradients(const std::vector<torch::Tensor>& params, Checkpoint& c);

// torch's CPU generator and each visible GPU's (dropout masks, random initialisation).
void captureRandomStates(Checkpoint& c);

// Restores them. Returns a warning when the checkpoint holds another number of GPU states than
// this machine has GPUs (the shared ones are restored), and an empty string otherwise.
std::string restoreRandomStates(const Checkpoint& c, const std::string& path);

}  // namespace longmim
