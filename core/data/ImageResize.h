// Resizing 2-D images with ITK: linear interpolation, Gaussian anti-aliasing when shrinking.
#pragma once

#include "io/Image2D.h"

namespace longmim {

// Pixel centres are aligned (output pixel i covers input [i*s, (i+1)*s) with s = in/out), like
// skimage.transform.resize. When an axis shrinks by s > 1 the image is first smoothed with a
// Gaussian of sigma (s - 1) / 2 pixels along it, so fine structure does not alias.
// The geometry's spacing is scaled so the physical extent stays the same.
Image2D resizeImage(const Image2D& image, int rows, int cols);

}  // namespace longmim
