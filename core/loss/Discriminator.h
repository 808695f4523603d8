// The adversarial critics: the reference's discriminator for the paper size, a small PatchGAN for
// the smaller presets. Both map a difference map [B, 1, H, W] to logits.
#pragma once

#include <string>

#include <torch/torch.h>

#include "model/ModelBlocks.h"
#include "model/ReferenceModel.h"

namespace longmim::loss {

class DiscriminatorImpl : public torch::nn::Module {
 public:
  // Real / fake logits, one per image ([B]) or per patch ([B, 1, h, w]).
  virtual torch::Tensor forward(const torch::Tensor& map) = 0;
};
using Discriminator = std::shared_ptr<DiscriminatorImpl>;

// The reference's: EfficientNet mini encoder without its last block, a conv block, 1x1 conv to 2
// channels, GroupNorm, ReLU, flatten, Linear(2 (S/16)^2 -> 128), BatchNorm1d, ReLU, Linear(128 ->
// 1).
class ReferenceDiscriminatorImpl : public DiscriminatorImpl {
 public:
  explicit ReferenceDiscriminatorImpl(int imageSize);
  torch::Tensor forward(const torch::Tensor& map) override;
  model::EfficientNetMiniEncoder encoder{nullptr};
  torch::nn::Sequential bottleneck{nullptr};
};

// PatchGAN: 4x4 stride-2 convolutions (width, 2 width, 4 width) with LeakyReLU(0.2) and GroupNorm,
// then a 3x3 convolution to one logit per patch.
class PatchDiscriminatorImpl : public DiscriminatorImpl {
 public:
  explicit PatchDiscriminatorImpl(int width);
  torch::Tensor forward(const torch::Tensor& map) override;
  torch::nn::Sequential layers{nullptr};
};

// The reference's for MODEL_SIZE paper, PatchGAN (width 32 for cpu-demo, 8 for tiny) otherwise.
Discriminator makeDiscriminator(const std::string& modelSize, int imageSize);

}  // namespace longmim::loss
