#include "data/Sharpness.h"

#include <algorithm>

// Written by hand: a fixed 3x3 blur plus a blend and a clamp is shorter than the ITK pipeline that
// would do the same, and the border rule must match torchvision's exactly.

namespace longmim {

void adjustSharpness(Image2D& image, double factor) {
  if (image.rows < 3 || image.cols < 3)
    return;  // torchvision leaves such images untouched
  const Image2D source = image;
  const float f = static_cast<float>(factor);
  const float w = 1.0f / 13.0f;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const float v = source.at(y, x);
      float blurred = v;
      if (y > 0 && x > 0 && y < image.rows - 1 && x < image.cols - 1) {
        float sum = 4.0f * v;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx)
            sum += source.at(y + dy, x + dx);
        }
        blurred = sum * w;
      }
      image.at(y, x) = std::clamp(f * v + (1.0f - f) * blurred, 0.0f, 1.0f);
    }
  }
}

}  // namespace longmim
