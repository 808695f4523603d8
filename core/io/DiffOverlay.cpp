#include "io/DiffOverlay.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace longmim {

std::array<double, 3> referenceDiffColour(double t) {
  struct Stop {
    double at;
    std::array<double, 3> rgb;
  };
  static const Stop stops[] = {{0.0, {0.235, 1.0, 0.239}},
                               {0.4, {0.0, 1.0, 0.702}},
                               {0.5, {1.0, 0.988, 0.988}},
                               {0.6, {1.0, 0.604, 0.0}},
                               {1.0, {0.682, 0.0, 0.0}}};
  t = std::clamp(t, 0.0, 1.0);
  for (size_t k = 1; k < std::size(stops); ++k) {
    if (t > stops[k].at)
      continue;
    const double w = (t - stops[k - 1].at) / (stops[k].at - stops[k - 1].at);
    std::array<double, 3> rgb{};
    for (int c = 0; c < 3; ++c)
      rgb[c] = stops[k - 1].rgb[c] + w * (stops[k].rgb[c] - stops[k - 1].rgb[c]);
    return rgb;
  }
  return stops[std::size(stops) - 1].rgb;
}

std::vector<std::uint8_t> renderDiffOverlay(const Image2D& base, const Image2D& diff) {
  if (base.rows != diff.rows || base.cols != diff.cols) {
    throw std::invalid_argument("renderDiffOverlay: image and difference map differ in size");
  }
  const auto [lo, hi] = std::minmax_element(base.pixels.begin(), base.pixels.end());
  const float range = (*hi > *lo) ? *hi - *lo : 1.0f;
  double maxAbs = 0.0;
  for (float v : diff.pixels)
    maxAbs = std::max(maxAbs, static_cast<double>(std::fabs(v)));
  // The reference's TwoSlopeNorm(vmin = min(min, -0.01), vmax = max(max, 0.01)) centred at 0.
  double minValue = -0.01;
  double maxValue = 0.01;
  for (float v : diff.pixels) {
    minValue = std::min(minValue, static_cast<double>(v));
    maxValue = std::max(maxValue, static_cast<double>(v));
  }
  const double alphaScale = std::max(maxAbs, 0.07);
  std::vector<std::uint8_t> rgb(base.size() * 3);
  for (size_t i = 0; i < base.size(); ++i) {
    const double grey = (base.pixels[i] - *lo) / range;
    const double d = diff.pixels[i];
    const double t = d >= 0 ? 0.5 + 0.5 * d / maxValue : 0.5 - 0.5 * d / minValue;
    const std::array<double, 3> colour = referenceDiffColour(t);
    const double alpha = std::min(1.0, std::fabs(d) / alphaScale);
    for (int c = 0; c < 3; ++c) {
      const double v = (1.0 - alpha) * grey + alpha * colour[c];
      rgb[3 * i + c] = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
    }
  }
  return rgb;
}

}  // namespace longmim
