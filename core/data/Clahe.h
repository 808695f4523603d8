// Contrast-limited adaptive histogram equalisation with the semantics of kornia's equalize_clahe.
#pragma once

#include "io/Image2D.h"

namespace longmim {

// Equalises an image with values in [0, 1] the way kornia.enhance.equalize_clahe does (the
// reference's augmentation): the image is split into gridRows x gridCols tiles (tile sides rounded
// up to even numbers, the image reflect-padded to fit), each tile gets a 256-bin histogram whose
// bins are clipped at max(floor(clipLimit * tilePixels / 256), 1) with the excess spread evenly,
// its LUT is floor(cumsum * 255 / tilePixels), and every pixel is mapped through the LUTs of the
// surrounding tile centres with bilinear weights (single LUT in corners, linear along borders).
// clipLimit <= 0 disables clipping. Output values are multiples of 1/255 interpolated, in [0, 1].
Image2D equalizeClahe(const Image2D& image, double clipLimit, int gridRows, int gridCols);

}  // namespace longmim
