// Structural similarity (SSIM) and its multi-scale form, differentiable, on [B, C, H, W] tensors.
#pragma once

#include <torch/torch.h>

namespace longmim::loss {

struct SsimOptions {
  int window = 11;  // Gaussian window side
  double sigma = 1.5;
  double k1 = 0.01;
  double k2 = 0.03;
  double dataRange = 2.0;  // 2 for signed maps in [-1, 1]
};

// Mean SSIM over the positions where the whole window fits ('valid', as skimage's mean over the
// cropped image and piqa's unpadded convolution), per image: returns [B].
torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y, const SsimOptions& options = {});

// Multi-scale SSIM (Wang et al. 2003, as piqa computes it): contrast-structure at the first scales,
// SSIM at the last, weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333, average pooling by 2 between
// scales. Images too small for five scales use as many as fit (the window must fit the smallest),
// with the weights of those scales renormalised. Returns [B].
torch::Tensor msSsim(const torch::Tensor& x, const torch::Tensor& y,
                     const SsimOptions& options = {});

// The normalised Gaussian window [1, 1, w, w].
torch::Tensor gaussianWindow(int size, double sigma);

}  // namespace longmim::loss
