// Percentiles of pixel values, as the viewer's automatic window and colour limits use them.
#pragma once

#include <cstddef>
#include <vector>

namespace longmim::studio {

// The value below which `percent` % of `values` lie, interpolated linearly between neighbouring
// ranks as NumPy's default percentile does. `values` is reordered; it must not be empty.
double percentile(std::vector<double>& values, double percent);

// The step between the pixels sampled for a percentile when `total` pixels are available: 1 up to
// about a million, more beyond, so that large radiographs stay quick and small in memory.
size_t percentileStride(size_t total);

}  // namespace longmim::studio
