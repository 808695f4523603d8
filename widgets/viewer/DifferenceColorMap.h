// The one colour map the predicted and ground-truth difference panels share: centred at 0 with
// symmetric limits +-L, so equal colours mean equal change in both panels.
#pragma once

#include <QString>

#include <array>
#include <vector>

#include <vtkColorTransferFunction.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>

#include "io/Image2D.h"

namespace longmim::studio {

enum class DiffColorMapKind {
  Diverging,    // blue (negative) - white (0) - red (positive)
  Reference,    // the reference's green (resolved) - white - red (appeared)
  Subtraction,  // black - mid-grey (0) - white, as in a subtraction radiograph
};

class DifferenceColorMap {
 public:
  DifferenceColorMap();

  static std::vector<DiffColorMapKind> kinds();
  static QString kindName(DiffColorMapKind kind);

  void setKind(DiffColorMapKind kind);
  DiffColorMapKind kind() const { return kind_; }
  // L > 0: values at or beyond +-L get the end colours.
  void setLimit(double limit);
  double limit() const { return limit_; }
  // |value| below which the overlay leaves the X-ray untouched.
  void setOverlayThreshold(double threshold);
  double overlayThreshold() const { return threshold_; }

  // RGB in [0, 1] for a difference value.
  std::array<double, 3> colourAt(double value) const;

  // Kept up to date in place, so the panels and the colour bar that use them follow every change.
  vtkColorTransferFunction* transferFunction() const { return transfer_; }
  // The same colours, transparent where |value| < the overlay threshold.
  vtkLookupTable* overlayTable() const { return overlay_; }

  // The `percent` percentile of |value| over all pixels of `maps` (null entries are skipped);
  // falls back to the largest |value|, then to 1, so that the limit is never 0.
  static double symmetricLimit(const std::vector<const Image2D*>& maps, double percent);

 private:
  void rebuild();

  DiffColorMapKind kind_ = DiffColorMapKind::Diverging;
  double limit_ = 1.0;
  double threshold_ = 0.05;
  vtkNew<vtkColorTransferFunction> transfer_;
  vtkNew<vtkLookupTable> overlay_;
};

}  // namespace longmim::studio
