// The loss terms, in one table: each toggle, the terms it turns on (their names, in the order the
// loss composer reports them) and each term's weight. The config form's loss rows, the enabled
// terms of a run, metrics.csv's columns and the loss composer's checks all read it. Torch-free, so
// the studio's plots and captions can use it.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim::loss {

struct LossTerm {
  const char* name;    // "L1", "L1_masked", ... as in metrics.csv and the curves
  const char* lambda;  // its weight's key, "LAMBDA_L1_ALL", ...
};

struct LossToggle {
  const char* toggle;  // "USE_L1", ...
  std::vector<LossTerm> terms;
};

// USE_L1 (L1, L1_masked), USE_L2, USE_SSIM, USE_PERC_STYLE (perceptual, style), USE_FOURIER,
// USE_GAN, in the composer's order.
const std::vector<LossToggle>& lossToggles();

// The toggle row of `key` (a toggle or one of its lambdas); nullptr for other keys.
const LossToggle* lossToggleOf(const std::string& key);

// Every term's name, in order ("L1", "L1_masked", "L2", "SSIM", "perceptual", "style",
// "Fourier", "GAN").
std::vector<std::string> allLossTerms();

// The names of the terms `config` turns on, in order.
std::vector<std::string> enabledLossTerms(const TrainingConfig& config);

}  // namespace longmim::loss
