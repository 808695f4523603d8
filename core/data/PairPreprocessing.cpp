#include "data/PairPreprocessing.h"

#include <algorithm>

#include "data/ImageResize.h"
#include "io/RadiographIO.h"

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

float minimumOf(const Image2D& image) {
  return image.empty() ? 0.0f : *std::min_element(image.pixels.begin(), image.pixels.end());
}

PreparedPair preparePair(const Image2D& prior, const Image2D& current, const Image2D& diff,
                         int size, bool pad) {
  PreparedPair pair{fitToSquare(prior, size, pad, minimumOf(prior)),
                    fitToSquare(current, size, pad, minimumOf(current)),
                    fitToSquare(diff, size, pad, 0.0f)};
  normalizeMinMax(pair.prior);
  normalizeMinMax(pair.current);
  return pair;
}

PreparedPair loadPreparedPair(const CaseEntry& entry, int size, bool pad) {
  return preparePair(readAnyImage2D(entry.priorPath), readAnyImage2D(entry.currentPath),
                     readAnyImage2D(entry.diffPath), size, pad);
}

}  // namespace longmim
