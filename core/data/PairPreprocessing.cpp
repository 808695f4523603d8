#include "data/PairPreprocessing.h"

#include <algorithm>

#include "data/ImageResize.h"
#include "io/NiftiIO.h"

namespace longmim {

void normalizeMinMax(Image2D& image) {
  if (image.empty())
    return;
  const auto [lo, hi] = std::minmax_element(image.pixels.begin(), image.pixels.end());
  const float low = *lo;
  const float range = *hi - *lo;
  if (!(range > 0.0f)) {
    std::fill(image.pixels.begin(), image.pixels.end(), 0.0f);
    return;
  }
  const float inverse = 1.0f / range;
  for (float& v : image.pixels)
    v = std::clamp((v - low) * inverse, 0.0f, 1.0f);
}

PreparedPair preparePair(const Image2D& prior, const Image2D& current, const Image2D& diff,
                         int size) {
  PreparedPair pair{resizeImage(prior, size, size), resizeImage(current, size, size),
                    resizeImage(diff, size, size)};
  normalizeMinMax(pair.prior);
  normalizeMinMax(pair.current);
  return pair;
}

PreparedPair loadPreparedPair(const CaseEntry& entry, int size) {
  return preparePair(readImage2D(entry.priorPath), readImage2D(entry.currentPath),
                     readImage2D(entry.diffPath), size);
}

}  // namespace longmim
