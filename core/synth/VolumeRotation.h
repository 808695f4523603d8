// Rotating a thorax volume about its centre with ITK, as the reference does before projecting.
#pragma once

#include <array>

#include "synth/ThoraxVolume.h"

namespace longmim::synth {

// Angles in degrees about the left-right (x), anterior-posterior (y) and superior-inferior (z)
// axes, applied in that order.
using RotationAngles = std::array<double, 3>;

// HU with linear interpolation (air outside), labels with nearest neighbour, computed only for the
// voxels of `region` of the rotated grid (the result has the region's size; an empty region means
// the whole grid). Single-threaded inside: pairs are generated in parallel instead.
HuVolume rotateHu(const HuVolume& volume, const RotationAngles& degrees,
                  const VoxelBox& region = {});
LabelVolume rotateLabels(const LabelVolume& volume, const RotationAngles& degrees,
                         const VoxelBox& region = {});

// Where a voxel position goes under the same rotation (for bounding boxes of rotated structures).
Point3 rotatePoint(const Point3& voxel, const std::array<int, 3>& dims,
                   const RotationAngles& degrees);

}  // namespace longmim::synth
