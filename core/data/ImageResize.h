// Resizing 2-D images with ITK: linear interpolation, Gaussian anti-aliasing when shrinking.
#pragma once

#include "io/Image2D.h"

namespace longmim {

// Pixel centres are aligned (output pixel i covers input [i*s, (i+1)*s) with s = in/out), like
// skimage.transform.resize. When an axis shrinks by s > 1 the image is first smoothed with a
// Gaussian of sigma (s - 1) / 2 pixels along it, so fine structure does not alias.
// The geometry's spacing is scaled so the physical extent stays the same.
Image2D resizeImage(const Image2D& image, int rows, int cols);

// RESIZE_MODE: how an image of any aspect ratio becomes the model's size x size square.
//   stretch (the reference's): each axis resized on its own, the aspect ratio lost;
//   pad: centred on a square of side max(rows, cols) filled with `fill`, then resized, so the
//   anatomy keeps its proportions.
Image2D fitToSquare(const Image2D& image, int size, bool pad, float fill);

// The inverse of fitToSquare for a size x size map: back to rows x cols (the padding cropped
// away in pad mode). The geometry is the caller's to set.
Image2D unfitFromSquare(const Image2D& map, int rows, int cols, bool pad);

}  // namespace longmim
