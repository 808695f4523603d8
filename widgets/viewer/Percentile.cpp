#include "viewer/Percentile.h"

#include <algorithm>
#include <cmath>

namespace longmim::studio {
namespace {

// Percentiles of a million pixels differ from those of all pixels by far less than a grey level.
constexpr size_t kSampleLimit = size_t(1) << 20;

}  // namespace

size_t percentileStride(size_t total) {
  return total <= kSampleLimit ? 1 : (total + kSampleLimit - 1) / kSampleLimit;
}

double percentile(std::vector<double>& values, double percent) {
  const double rank = std::clamp(percent, 0.0, 100.0) / 100.0 * double(values.size() - 1);
  const size_t below = size_t(std::floor(rank));
  // A partial sort is enough: the viewer asks for one or two percentiles of up to millions of
  // pixels each time a case loads.
  std::nth_element(values.begin(), values.begin() + long(below), values.end());
  const double low = values[below];
  if (below + 1 >= values.size())
    return low;
  const double high = *std::min_element(values.begin() + long(below) + 1, values.end());
  return low + (rank - double(below)) * (high - low);
}

}  // namespace longmim::studio
