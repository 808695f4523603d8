// The reference's Fourier term: L1 between centred log-amplitude spectra.
#pragma once

#include <torch/torch.h>

namespace longmim::loss {

// log(|rfft2(x)| + 1e-6), rolled by (H / 2, W / 2) over the last two dimensions as the reference
// does (the half-spectrum's width is W / 2 + 1).
torch::Tensor logAmplitudeSpectrum(const torch::Tensor& x);

// mean |spectrum(prediction) - spectrum(target)|.
torch::Tensor fourierLoss(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace longmim::loss
