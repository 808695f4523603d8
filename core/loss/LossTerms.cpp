#include "loss/LossTerms.h"

#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"

namespace longmim::loss {

const std::vector<LossToggle>& lossToggles() {
  static const std::vector<LossToggle> toggles{
      {"USE_L1", {{"L1", "LAMBDA_L1_ALL"}, {"L1_masked", "LAMBDA_L1_MASKED"}}},
      {"USE_L2", {{"L2", "LAMBDA_L2"}}},
      {"USE_SSIM", {{"SSIM", "LAMBDA_SSIM"}}},
      {"USE_PERC_STYLE", {{"perceptual", "LAMBDA_P"}, {"style", "LAMBDA_S"}}},
      {"USE_FOURIER", {{"Fourier", "LAMBDA_FOURIER"}}},
      {"USE_GAN", {{"GAN", "LAMBDA_GAN"}}},
  };
  return toggles;
}

const LossToggle* lossToggleOf(const std::string& key) {
  for (const LossToggle& t : lossToggles()) {
    if (key == t.toggle)
      return &t;
    for (const LossTerm& term : t.terms) {
      if (key == term.lambda)
        return &t;
    }
  }
  return nullptr;
}

std::vector<std::string> allLossTerms() {
  std::vector<std::string> names;
  for (const LossToggle& t : lossToggles()) {
    for (const LossTerm& term : t.terms)
      names.emplace_back(term.name);
  }
  return names;
}

std::vector<std::string> enabledLossTerms(const TrainingConfig& c) {
  std::vector<std::string> names;
  for (const LossToggle& t : lossToggles()) {
    if (!configValue(c, *findConfigField(t.toggle)).get<bool>())
      continue;
    for (const LossTerm& term : t.terms)
      names.emplace_back(term.name);
  }
  return names;
}

}  // namespace longmim::loss
