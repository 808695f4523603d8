#include "loss/FourierLoss.h"

namespace longmim::loss {

torch::Tensor logAmplitudeSpectrum(const torch::Tensor& x) {
  const torch::Tensor spectrum = torch::log(torch::abs(torch::fft::rfft2(x)) + 1e-6);
  return torch::roll(spectrum, {x.size(-2) / 2, x.size(-1) / 2}, {-2, -1});
}

torch::Tensor fourierLoss(const torch::Tensor& prediction, const torch::Tensor& target) {
  return torch::abs(logAmplitudeSpectrum(prediction) - logAmplitudeSpectrum(target)).mean();
}

}  // namespace longmim::loss
