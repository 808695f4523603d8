// Digitally reconstructed radiographs: parallel ray sums along the anterior-posterior axis, framed
// on the lungs and resized to the output size, plus thickness projections of labelled structures.
#pragma once

#include <cstdint>

#include "io/Image2D.h"
#include "synth/ThoraxVolume.h"
#include "synth/VolumeRotation.h"

namespace longmim::synth {

// The part of the rotated grid that makes up the film: the bounding box of the lungs after
// `rotation`, grown by `marginMm` in x and z (all of y), clamped to the grid. Rotate only this
// region (rotateHu / rotateLabels) and project it. Throws Error when there is no lung voxel.
VoxelBox lungFrame(const LabelVolume& unrotatedLabels, const RotationAngles& rotation,
                   double marginMm);

// Sum over y of (max(HU, -1000) + 1000) per (row z, column x), resized to size x size (aspect
// ratio not kept, as the reference). Values are raw sums: bright = dense.
Image2D projectDrr(const HuVolume& film, int size);

// Number of voxels along y having any of `bits`, in voxels, resized like projectDrr.
Image2D projectThickness(const LabelVolume& film, std::uint16_t bits, int size);

}  // namespace longmim::synth
