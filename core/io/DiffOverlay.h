// The reference's rendering of a difference map over an X-ray: green (resolved) - white - red
// (appeared), transparent where nothing changed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "io/Image2D.h"

namespace longmim {

// The reference's diverging map at t in [0, 1] (0 green, 0.5 near-white, 1 dark red), as RGB in
// [0, 1]: stops 0 (0.235, 1, 0.239), 0.4 (0, 1, 0.702), 0.5 (1, 0.988, 0.988), 0.6 (1, 0.604, 0),
// 1 (0.682, 0, 0), linear in between.
std::array<double, 3> referenceDiffColour(double t);

// RGB bytes (rows x cols x 3) of `base` (min-max to grey) with `diff` blended on top: colour from
// the diff scaled symmetrically by max(max |diff|, 0.01), opacity |d| / max(max |d|, 0.07).
// `base` and `diff` must have the same size.
std::vector<std::uint8_t> renderDiffOverlay(const Image2D& base, const Image2D& diff);

}  // namespace longmim
