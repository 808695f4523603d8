#include "loss/Ssim.h"

#include <cmath>
#include <vector>

namespace longmim::loss {
namespace {

struct SsimMaps {
  torch::Tensor ss;  // [B] mean SSIM
  torch::Tensor cs;  // [B] mean contrast-structure
};

SsimMaps ssimParts(const torch::Tensor& x, const torch::Tensor& y, const SsimOptions& o) {
  const int64_t channels = x.size(1);
  const torch::Tensor w =
      gaussianWindow(o.window, o.sigma).to(x.options()).expand({channels, 1, o.window, o.window});
  auto blur = [&](const torch::Tensor& t) {
    return torch::nn::functional::conv2d(
        t, w, torch::nn::functional::Conv2dFuncOptions().groups(channels));
  };
  const torch::Tensor mx = blur(x);
  const torch::Tensor my = blur(y);
  const torch::Tensor sxx = blur(x * x) - mx * mx;
  const torch::Tensor syy = blur(y * y) - my * my;
  const torch::Tensor sxy = blur(x * y) - mx * my;
  const double c1 = std::pow(o.k1 * o.dataRange, 2);
  const double c2 = std::pow(o.k2 * o.dataRange, 2);
  const torch::Tensor cs = (2 * sxy + c2) / (sxx + syy + c2);
  const torch::Tensor ss = (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs;
  return {ss.flatten(1).mean(1), cs.flatten(1).mean(1)};
}

}  // namespace

torch::Tensor gaussianWindow(int size, double sigma) {
  std::vector<float> g(size);
  double total = 0.0;
  for (int i = 0; i < size; ++i) {
    const double d = i - (size - 1) / 2.0;
    g[i] = static_cast<float>(std::exp(-d * d / (2 * sigma * sigma)));
    total += g[i];
  }
  for (float& v : g)
    v = static_cast<float>(v / total);
  const torch::Tensor v = torch::tensor(g);
  return torch::outer(v, v).reshape({1, 1, size, size});
}

torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y, const SsimOptions& options) {
  return ssimParts(x, y, options).ss;
}

torch::Tensor msSsim(const torch::Tensor& x, const torch::Tensor& y, const SsimOptions& options) {
  const std::vector<double> all = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
  int scales = 1;
  int64_t side = std::min(x.size(2), x.size(3));
  while (scales < 5 && side / 2 >= options.window) {
    side /= 2;
    ++scales;
  }
  double total = 0.0;
  for (int i = 0; i < scales; ++i)
    total += all[i];
  torch::Tensor a = x;
  torch::Tensor b = y;
  torch::Tensor result = torch::ones({x.size(0)}, x.options());
  for (int i = 0; i < scales; ++i) {
    if (i > 0) {
      a = torch::avg_pool2d(a, 2);
      b = torch::avg_pool2d(b, 2);
    }
    const SsimMaps parts = ssimParts(a, b, options);
    const torch::Tensor value = (i + 1 < scales ? parts.cs : parts.ss).clamp_min(0.0);
    result = result * value.pow(all[i] / total);
  }
  return result;
}

}  // namespace longmim::loss
