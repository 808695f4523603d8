// Applies every loss term's toggle and lambda from the configuration and returns the total with
// each component's value; owns the perceptual network and the GAN discriminator when enabled.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "config/TrainingConfig.h"
#include "loss/Discriminator.h"
#include "loss/PerceptualStyleLoss.h"
#include "loss/Ssim.h"

namespace longmim::loss {

struct LossComponent {
  std::string name;  // "L1", "L1_masked", "L2", "SSIM", "perceptual", "style", "Fourier", "GAN"
  double value;      // the term before its lambda
  double lambda;
};

struct LossResult {
  torch::Tensor total;  // sum of lambda x term over the enabled terms; differentiable
  std::vector<LossComponent> components;  // enabled terms only, in the order above
  double totalValue() const;
  std::optional<double> component(const std::string& name) const;
};

class LossComposer {
 public:
  // Throws ConfigError when USE_PERC_STYLE is on without usable VGG_WEIGHTS.
  LossComposer(const TrainingConfig& config, torch::Device device = torch::kCPU);

  // prediction, target: [B, 1, H, W]. `epoch` (1-based) gates the GAN term (GAN_START_EPOCH).
  // `training` false (validation): the discriminator runs in eval mode and keeps its statistics.
  LossResult compute(const torch::Tensor& prediction, const torch::Tensor& target, int epoch,
                     bool training = true);

  // Lambdas and toggles changed during a run (applied from the next call). Loads the VGG weights
  // when perceptual / style is switched on. Throws (Error naming the file) when a network cannot
  // be built; the composer is then exactly as before the call.
  void updateConfig(const TrainingConfig& config);
  const TrainingConfig& config() const { return config_; }

  bool ganActive(int epoch) const { return config_.useGan && epoch >= config_.ganStartEpoch; }
  // One discriminator step: BCE-with-logits on real maps (label 1) and detached predictions
  // (label 0), SGD(lr 8e-4, weight decay 5e-8) as the reference. Returns the discriminator loss.
  double discriminatorStep(const torch::Tensor& real, const torch::Tensor& fake);
  Discriminator discriminator() const { return discriminator_; }

  // The names of the terms the configuration enables, in reporting order.
  static std::vector<std::string> enabledTerms(const TrainingConfig& config);

 private:
  // Builds the networks `config` needs, then makes it the composer's configuration.
  void adopt(const TrainingConfig& config);

  TrainingConfig config_;
  torch::Device device_;
  std::unique_ptr<PerceptualStyleLoss> perceptual_;
  std::string perceptualWeights_;
  Discriminator discriminator_;
  std::unique_ptr<torch::optim::SGD> discriminatorOptimizer_;
};

// mean |p - t| over the pixels where |t| > threshold; 0 when there are none.
torch::Tensor maskedL1(const torch::Tensor& prediction, const torch::Tensor& target,
                       double threshold);

}  // namespace longmim::loss
