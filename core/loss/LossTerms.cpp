#include "loss/LossTerms.h"

namespace longmim::loss {

std::vector<std::string> enabledLossTerms(const TrainingConfig& c) {
  std::vector<std::string> names;
  if (c.useL1)
    names.insert(names.end(), {"L1", "L1_masked"});
  if (c.useL2)
    names.push_back("L2");
  if (c.useSsim)
    names.push_back("SSIM");
  if (c.usePercStyle)
    names.insert(names.end(), {"perceptual", "style"});
  if (c.useFourier)
    names.push_back("Fourier");
  if (c.useGan)
    names.push_back("GAN");
  return names;
}

}  // namespace longmim::loss
