// The names of the loss terms a configuration turns on, in the order the loss composer reports
// them. Torch-free, so the studio's plots and captions can use it.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim::loss {

// "L1", "L1_masked", "L2", "SSIM", "perceptual", "style", "Fourier", "GAN" as enabled.
std::vector<std::string> enabledLossTerms(const TrainingConfig& config);

}  // namespace longmim::loss
