#include "viewer/WindowLevel.h"

#include <algorithm>
#include <cmath>

#include "viewer/Percentile.h"

namespace longmim::studio {
namespace {

// Narrower than this and every pixel is either black or white; a drag should not get there.
constexpr double kMinimumWindow = 1e-3;
// A drag across the whole view changes the window or level by this many full ranges.
constexpr double kDragGain = 1.0;

WindowLevel fromBounds(double lower, double upper) {
  WindowLevel result;
  result.window = std::max(kMinimumWindow, upper - lower);
  result.level = (lower + upper) / 2.0;
  return result;
}

}  // namespace

std::pair<double, double> WindowLevel::intensities(const Image2D& image) const {
  const auto [darkest, brightest] = intensityRange(image);
  const double range = brightest > darkest ? brightest - darkest : 1.0;
  return {darkest + lower() * range, darkest + upper() * range};
}

WindowLevel WindowLevel::dragged(double dx, double dy) const {
  WindowLevel result;
  result.window = std::max(kMinimumWindow, window + kDragGain * dx);
  result.level = level + kDragGain * dy;
  return result;
}

std::vector<WindowPreset> windowPresets() {
  return {WindowPreset::Auto,        WindowPreset::FullRange, WindowPreset::Lung,
          WindowPreset::Mediastinum, WindowPreset::Bone,      WindowPreset::FromFile};
}

QString windowPresetName(WindowPreset preset) {
  switch (preset) {
    case WindowPreset::Auto:
      return QStringLiteral("Auto (1st-99th percentile)");
    case WindowPreset::FullRange:
      return QStringLiteral("Full range");
    case WindowPreset::Lung:
      return QStringLiteral("Lung");
    case WindowPreset::Mediastinum:
      return QStringLiteral("Mediastinum");
    case WindowPreset::Bone:
      return QStringLiteral("Bone");
    case WindowPreset::FromFile:
      return QStringLiteral("From the file (DICOM)");
  }
  return {};
}

WindowLevel windowLevelOfValues(double centre, double width, const Image2D& image) {
  const auto [darkest, brightest] = intensityRange(image);
  const double range = brightest > darkest ? brightest - darkest : 1.0;
  WindowLevel result;
  result.window = std::max(1e-6, width / range);
  result.level = (centre - darkest) / range;
  return result;
}

WindowLevel presetWindowLevel(WindowPreset preset, const std::vector<const Image2D*>& images,
                              double lowPercentile, double highPercentile,
                              const std::optional<WindowLevel>& fromFile) {
  switch (preset) {
    case WindowPreset::FromFile:
      if (fromFile)
        return *fromFile;
      break;
    case WindowPreset::FullRange:
      return fromBounds(0.0, 1.0);
    // Lungs (air) fill the dark end of a radiograph, the mediastinum and soft tissue the middle,
    // ribs, spine and clavicles the bright end; each window spreads its band over the greys.
    case WindowPreset::Lung:
      return fromBounds(0.0, 0.6);
    case WindowPreset::Mediastinum:
      return fromBounds(0.3, 0.8);
    case WindowPreset::Bone:
      return fromBounds(0.55, 1.0);
    case WindowPreset::Auto:
      break;
  }
  size_t total = 0;
  for (const Image2D* image : images)
    total += image ? image->size() : 0;
  const size_t stride = percentileStride(total);
  std::vector<double> values;
  values.reserve(total / stride + images.size());
  for (const Image2D* image : images) {
    if (!image || image->empty())
      continue;
    const auto [darkest, brightest] = intensityRange(*image);
    const double range = brightest > darkest ? brightest - darkest : 1.0;
    for (size_t i = 0; i < image->size(); i += stride) {
      const float v = image->pixels[i];
      if (std::isfinite(v))
        values.push_back((v - darkest) / range);
    }
  }
  if (values.empty())
    return fromBounds(0.0, 1.0);
  const double low = percentile(values, lowPercentile);
  const double high = percentile(values, highPercentile);
  return high > low ? fromBounds(low, high) : fromBounds(0.0, 1.0);
}

std::pair<double, double> intensityRange(const Image2D& image) {
  double darkest = INFINITY;
  double brightest = -INFINITY;
  for (float v : image.pixels) {
    if (!std::isfinite(v))
      continue;
    darkest = std::min(darkest, double(v));
    brightest = std::max(brightest, double(v));
  }
  if (!(darkest <= brightest))
    return {0.0, 1.0};
  return {darkest, brightest};
}

}  // namespace longmim::studio
