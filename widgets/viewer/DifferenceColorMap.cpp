#include "viewer/DifferenceColorMap.h"

#include <algorithm>
#include <cmath>

#include "io/DiffOverlay.h"
#include "viewer/Percentile.h"

namespace longmim::studio {
namespace {

// ColorBrewer RdBu's ends: a blue and a red that stay distinct for red-green colour blindness.
constexpr std::array<double, 3> kNegativeBlue{0.129, 0.400, 0.675};
constexpr std::array<double, 3> kPositiveRed{0.698, 0.094, 0.169};
// The reference's map is piecewise linear with stops at multiples of 0.1; sampling it this finely
// reproduces it exactly.
constexpr int kReferenceSamples = 100;
// Overlay entries: each covers 2L / 1024 of the range, fine enough for the threshold.
constexpr int kOverlayEntries = 1024;

}  // namespace

DifferenceColorMap::DifferenceColorMap() {
  transfer_->SetColorSpaceToRGB();
  transfer_->ClampingOn();
  overlay_->SetNumberOfTableValues(kOverlayEntries);
  rebuild();
}

std::vector<DiffColorMapKind> DifferenceColorMap::kinds() {
  return {DiffColorMapKind::Diverging, DiffColorMapKind::Reference, DiffColorMapKind::Subtraction};
}

QString DifferenceColorMap::kindName(DiffColorMapKind kind) {
  switch (kind) {
    case DiffColorMapKind::Diverging:
      return QStringLiteral("Blue - white - red");
    case DiffColorMapKind::Reference:
      return QStringLiteral("Green - white - red (reference)");
    case DiffColorMapKind::Subtraction:
      return QStringLiteral("Grey subtraction");
  }
  return {};
}

void DifferenceColorMap::setKind(DiffColorMapKind kind) {
  if (kind == kind_)
    return;
  kind_ = kind;
  rebuild();
}

void DifferenceColorMap::setLimit(double limit) {
  if (!(limit > 0.0) || !std::isfinite(limit) || limit == limit_)
    return;
  limit_ = limit;
  rebuild();
}

void DifferenceColorMap::setOverlayThreshold(double threshold) {
  threshold = std::max(0.0, threshold);
  if (threshold == threshold_)
    return;
  threshold_ = threshold;
  rebuild();
}

std::array<double, 3> DifferenceColorMap::colourAt(double value) const {
  std::array<double, 3> rgb{};
  transfer_->GetColor(value, rgb.data());
  return rgb;
}

void DifferenceColorMap::rebuild() {
  transfer_->RemoveAllPoints();
  const double l = limit_;
  switch (kind_) {
    case DiffColorMapKind::Diverging:
      transfer_->AddRGBPoint(-l, kNegativeBlue[0], kNegativeBlue[1], kNegativeBlue[2]);
      transfer_->AddRGBPoint(0.0, 1.0, 1.0, 1.0);
      transfer_->AddRGBPoint(l, kPositiveRed[0], kPositiveRed[1], kPositiveRed[2]);
      break;
    case DiffColorMapKind::Reference:
      for (int k = 0; k <= kReferenceSamples; ++k) {
        const double t = double(k) / kReferenceSamples;
        const std::array<double, 3> rgb = referenceDiffColour(t);
        transfer_->AddRGBPoint((2.0 * t - 1.0) * l, rgb[0], rgb[1], rgb[2]);
      }
      break;
    case DiffColorMapKind::Subtraction:
      transfer_->AddRGBPoint(-l, 0.0, 0.0, 0.0);
      transfer_->AddRGBPoint(0.0, 0.5, 0.5, 0.5);
      transfer_->AddRGBPoint(l, 1.0, 1.0, 1.0);
      break;
  }

  overlay_->SetTableRange(-l, l);
  for (int i = 0; i < kOverlayEntries; ++i) {
    const double value = -l + (i + 0.5) * 2.0 * l / kOverlayEntries;
    const std::array<double, 3> rgb = colourAt(value);
    const double alpha = std::fabs(value) >= threshold_ ? 1.0 : 0.0;
    overlay_->SetTableValue(i, rgb[0], rgb[1], rgb[2], alpha);
  }
  overlay_->Modified();
}

double DifferenceColorMap::symmetricLimit(const std::vector<const Image2D*>& maps, double percent) {
  size_t total = 0;
  for (const Image2D* map : maps)
    total += map ? map->size() : 0;
  const size_t stride = percentileStride(total);
  std::vector<double> magnitudes;
  magnitudes.reserve(total / stride + maps.size());
  double largest = 0.0;
  for (const Image2D* map : maps) {
    if (!map)
      continue;
    for (size_t i = 0; i < map->size(); ++i) {
      const double magnitude = std::fabs(double(map->pixels[i]));
      if (!std::isfinite(magnitude))
        continue;
      largest = std::max(largest, magnitude);
      if (i % stride == 0)
        magnitudes.push_back(magnitude);
    }
  }
  const double limit = magnitudes.empty() ? 0.0 : percentile(magnitudes, percent);
  if (limit > 0.0)
    return limit;
  // Mostly unchanged maps: a high percentile is 0, yet the few changed pixels must show.
  return largest > 0.0 ? largest : 1.0;
}

}  // namespace longmim::studio
