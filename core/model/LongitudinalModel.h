// What every architecture offers the trainer and the tools: a difference map from a pair.
#pragma once

#include <string>

#include <torch/torch.h>

namespace longmim::model {

class LongitudinalModelImpl : public torch::nn::Module {
 public:
  // baseline, followup: [B, 1, H, W] in [0, 1], H and W multiples of 32. Returns [B, 1, H, W] in
  // (-1, 1): positive where the follow-up shows a new or grown finding.
  virtual torch::Tensor forward(const torch::Tensor& baseline, const torch::Tensor& followup) = 0;

  // The shared image encoder, for encoder-only weight import (state-dict prefix "encoder.").
  virtual torch::nn::Module& encoderModule() = 0;

  // The reference's initialisation (Kaiming convolutions, Xavier gain 5/3 for the last one,
  // norms 1/0). Seed torch first for reproducible weights.
  virtual void initialiseWeights() = 0;

  // "big" or "reference", and the size ("paper", "cpu-demo", "tiny").
  virtual std::string architecture() const = 0;
  virtual std::string size() const = 0;

  // Top-level parts in registration order with a one-line description, for `model summary`.
  virtual std::vector<std::pair<std::string, std::string>> parts() const = 0;
};

using LongitudinalModel = std::shared_ptr<LongitudinalModelImpl>;

}  // namespace longmim::model
