// The grey window of the comparison viewer's X-ray panels, in units of each image's own intensity
// range, so that one linked setting suits a baseline and a follow-up stored on different scales.
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <vector>

#include "io/Image2D.h"

namespace longmim::studio {

// The named windows a user can pick. Lung, Mediastinum and Bone suit min-max normalised DRRs and
// radiographs, where air is dark and bone bright.
// FromFile: the window the file itself names (DICOM Window Center / Width), when it names one.
enum class WindowPreset { Auto, FullRange, Lung, Mediastinum, Bone, FromFile };

struct WindowLevel {
  // 0 is an image's darkest pixel, 1 its brightest.
  double window = 1.0;  // width, > 0
  double level = 0.5;   // centre

  double lower() const { return level - window / 2.0; }
  double upper() const { return level + window / 2.0; }

  // The window in `image`'s own intensities: {value shown black, value shown white}.
  std::pair<double, double> intensities(const Image2D& image) const;

  // The window after a left-drag by (dx, dy) fractions of the view's width and height from where
  // the drag started (dy > 0: upwards): right widens the window, up raises the level (darker).
  WindowLevel dragged(double dx, double dy) const;

  bool operator==(const WindowLevel& other) const {
    return window == other.window && level == other.level;
  }
};

std::vector<WindowPreset> windowPresets();
QString windowPresetName(WindowPreset preset);

// Auto: from the `lowPercentile` to the `highPercentile` of the images' pixels, pooled after
// scaling each image to its own [min, max]; FullRange: [0, 1]; FromFile: `fromFile`, or Auto
// without one; the others fixed fractions of [0, 1].
WindowLevel presetWindowLevel(WindowPreset preset, const std::vector<const Image2D*>& images,
                              double lowPercentile = 1.0, double highPercentile = 99.0,
                              const std::optional<WindowLevel>& fromFile = std::nullopt);

// A window given in an image's own values (centre, width) as fractions of that image's range.
WindowLevel windowLevelOfValues(double centre, double width, const Image2D& image);

// An image's darkest and brightest finite pixel ({0, 1} for an empty image; NaN are ignored).
std::pair<double, double> intensityRange(const Image2D& image);

}  // namespace longmim::studio
