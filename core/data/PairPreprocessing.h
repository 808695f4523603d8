// Deterministic preparation of a pair for the model: resize to IMG_SIZE, X-rays min-max to [0, 1].
#pragma once

#include "data/PairIndex.h"
#include "io/Image2D.h"

namespace longmim {

struct PreparedPair {
  Image2D prior;
  Image2D current;
  Image2D diff;  // resized, never normalised: its values are the training target
};

// Scales to [0, 1] with the image's own minimum and maximum (as the reference's training loop
// does). A constant image becomes all zeros.
void normalizeMinMax(Image2D& image);

// Brings all three to size x size (stretched, or padded to a square first when `pad`: RESIZE_MODE);
// min-max normalises prior and current after resizing. Padding is the X-ray's own minimum (dark,
// unchanged by the normalisation) and 0 (no change) in the difference map.
PreparedPair preparePair(const Image2D& prior, const Image2D& current, const Image2D& diff,
                         int size, bool pad = false);

// Reads the case's three files (any format readRadiograph reads) and prepares them. Throws
// DataError naming the file.
PreparedPair loadPreparedPair(const CaseEntry& entry, int size, bool pad = false);

// The smallest pixel of an image (0 for an empty one): the padding of an X-ray.
float minimumOf(const Image2D& image);

}  // namespace longmim
