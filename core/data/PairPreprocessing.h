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

// Resizes all three to size x size; min-max normalises prior and current after resizing.
PreparedPair preparePair(const Image2D& prior, const Image2D& current, const Image2D& diff,
                         int size);

// Reads the case's three files and prepares them. Throws DataError naming the file.
PreparedPair loadPreparedPair(const CaseEntry& entry, int size);

}  // namespace longmim
