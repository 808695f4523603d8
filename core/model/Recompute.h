// ACTIVATION_CHECKPOINTING: a segment of a model that keeps none of its intermediate activations
// for the backward pass and runs again there instead (gradient checkpointing), trading about one
// more forward pass of compute for memory. LibTorch's C++ API has no torch.utils.checkpoint, so
// this is a custom autograd function (see Recompute.cpp).
#pragma once

#include <functional>
#include <vector>

#include <torch/torch.h>

namespace longmim::model {

using SegmentRun = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;

// `run(inputs)`, where `segment` is the module whose parameters and buffers `run` uses. While
// gradients are recorded, only `inputs` are kept; the backward pass runs `run` again with the
// random state the forward pass had (dropout, drop path draw the same), under the same autocast
// setting, and with `segment`'s buffers (BatchNorm running statistics) restored afterwards, so
// the run's results are those of the plain path. Without gradient recording it is `run(inputs)`.
torch::Tensor recompute(torch::nn::Module& segment, const SegmentRun& run,
                        const std::vector<torch::Tensor>& inputs);

// The single-input form, for a module with forward(x).
template <typename ModuleHolder>
torch::Tensor recompute(ModuleHolder& module, const torch::Tensor& x) {
  ModuleHolder held = module;
  return recompute(
      *held, [held](const std::vector<torch::Tensor>& in) mutable { return held(in[0]); }, {x});
}

}  // namespace longmim::model
