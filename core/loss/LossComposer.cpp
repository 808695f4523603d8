#include "loss/LossComposer.h"

#include "Error.h"
#include "loss/FourierLoss.h"
#include "loss/LossTerms.h"

namespace longmim::loss {

torch::Tensor maskedL1(const torch::Tensor& prediction, const torch::Tensor& target,
                       double threshold) {
  const torch::Tensor mask = (target.abs() > threshold).to(prediction.scalar_type());
  const torch::Tensor count = mask.sum();
  // Dividing by max(count, 1) keeps an empty mask at exactly 0 with a defined gradient.
  return (torch::abs(prediction - target) * mask).sum() / count.clamp_min(1.0);
}

double LossResult::totalValue() const {
  return total.item<double>();
}

std::optional<double> LossResult::component(const std::string& name) const {
  for (const LossComponent& c : components) {
    if (c.name == name)
      return c.value;
  }
  return std::nullopt;
}

std::vector<std::string> LossComposer::enabledTerms(const TrainingConfig& c) {
  return enabledLossTerms(c);
}

LossComposer::LossComposer(const TrainingConfig& config, torch::Device device)
    : config_(config), device_(device) {
  adopt(config);
}

void LossComposer::updateConfig(const TrainingConfig& config) {
  adopt(config);
}

void LossComposer::adopt(const TrainingConfig& config) {
  // Everything the new configuration needs is built first; only then is anything replaced. A VGG
  // file that fails to load leaves the composer exactly as it was (strong guarantee).
  std::unique_ptr<PerceptualStyleLoss> perceptual;
  if (config.usePercStyle && (!perceptual_ || perceptualWeights_ != config.vggWeights)) {
    try {
      perceptual = std::make_unique<PerceptualStyleLoss>(config.vggWeights, device_);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {  // e.g. c10::Error from a file torch cannot read
      throw Error("VGG_WEIGHTS: " + config.vggWeights + " cannot be loaded: " + e.what());
    }
  }
  Discriminator discriminator;
  std::unique_ptr<torch::optim::SGD> discriminatorOptimizer;
  if (config.useGan && !discriminator_) {
    discriminator = makeDiscriminator(config.modelSize, config.imgSize);
    discriminator->to(device_);
    discriminatorOptimizer = std::make_unique<torch::optim::SGD>(
        discriminator->parameters(), torch::optim::SGDOptions(8e-4).weight_decay(5e-8));
  }
  // Nothing below throws.
  if (perceptual) {
    perceptual_ = std::move(perceptual);
    perceptualWeights_ = config.vggWeights;
  }
  if (discriminator) {
    discriminator_ = std::move(discriminator);
    discriminatorOptimizer_ = std::move(discriminatorOptimizer);
  }
  config_ = config;
}

LossResult LossComposer::compute(const torch::Tensor& prediction, const torch::Tensor& target,
                                 int epoch, bool training) {
  LossResult result;
  result.total = torch::zeros({}, prediction.options());
  auto add = [&](const char* name, const torch::Tensor& term, double lambda) {
    result.total = result.total + lambda * term;
    result.components.push_back({name, term.item<double>(), lambda});
  };
  const TrainingConfig& c = config_;
  if (c.useL1) {
    add("L1", torch::abs(prediction - target).mean(), c.lambdaL1All);
    add("L1_masked", maskedL1(prediction, target, c.changeThreshold), c.lambdaL1Masked);
  }
  if (c.useL2)
    add("L2", (prediction - target).pow(2).mean(), c.lambdaL2);
  if (c.useSsim) {
    const torch::Tensor similarity =
        c.ssimMode == "ms-ssim" ? msSsim(prediction, target) : ssim(prediction, target);
    add("SSIM", 1.0 - similarity.mean(), c.lambdaSsim);
  }
  if (c.usePercStyle) {
    const PerceptualStyleValue ps = (*perceptual_)(prediction, target);
    add("perceptual", ps.perceptual, c.lambdaP);
    add("style", ps.style, c.lambdaS);
  }
  if (c.useFourier)
    add("Fourier", fourierLoss(prediction, target), c.lambdaFourier);
  if (c.useGan) {
    if (ganActive(epoch)) {
      // Batch statistics need two samples or more (BatchNorm1d of the reference discriminator);
      // a batch of one, and validation, use the running statistics and leave them unchanged.
      discriminator_->train(training && prediction.size(0) > 1);
      const torch::Tensor logits = discriminator_->forward(prediction);
      add("GAN", torch::binary_cross_entropy_with_logits(logits, torch::ones_like(logits)),
          c.lambdaGan);
    } else {
      result.components.push_back({"GAN", 0.0, c.lambdaGan});  // not started yet: reported as 0
    }
  }
  return result;
}

double LossComposer::discriminatorStep(const torch::Tensor& real, const torch::Tensor& fake) {
  if (!discriminator_)
    throw Error("the discriminator step needs USE_GAN");
  discriminator_->train();
  discriminatorOptimizer_->zero_grad();
  torch::Tensor realLogits;
  torch::Tensor fakeLogits;
  if (real.size(0) > 1) {
    realLogits = discriminator_->forward(real);  // separate batches, as the reference
    fakeLogits = discriminator_->forward(fake.detach());
  } else {
    // One sample each: BatchNorm1d cannot normalise a batch of one, so real and fake go through
    // as one batch of two.
    const torch::Tensor both = discriminator_->forward(torch::cat({real, fake.detach()}, 0));
    realLogits = both.narrow(0, 0, 1);
    fakeLogits = both.narrow(0, 1, 1);
  }
  const torch::Tensor loss =
      torch::binary_cross_entropy_with_logits(realLogits, torch::ones_like(realLogits)) +
      torch::binary_cross_entropy_with_logits(fakeLogits, torch::zeros_like(fakeLogits));
  loss.backward();
  discriminatorOptimizer_->step();
  return loss.item<double>();
}

}  // namespace longmim::loss
