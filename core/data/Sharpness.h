// Sharpness adjustment with the semantics of torchvision's adjust_sharpness on float images.
#pragma once

#include "io/Image2D.h"

namespace longmim {

// out = factor * x + (1 - factor) * blur(x), clamped to [0, 1], where blur is the 3x3 kernel
// [1 1 1; 1 5 1; 1 1 1] / 13 and the one-pixel border keeps the input's values before blending.
// factor 1 leaves the image unchanged, 0 blurs it, > 1 sharpens it.
void adjustSharpness(Image2D& image, double factor);

}  // namespace longmim
