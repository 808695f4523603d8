// A chest CT made into a thorax volume for the generator: read and reoriented with ITK, resampled
// to the generator's grid, lungs from a mask or found as air inside the body, heart estimated.
#pragma once

#include <string>
#include <vector>

#include "synth/ThoraxVolume.h"

namespace longmim::synth {

// Checks the header only: readable NIfTI, 3-D with every axis longer than one voxel, scalar.
// Throws DataError naming the file.
void requireCtVolume(const std::string& path);

// Reads the CT (HU) and, when `lungSegPath` is not empty, a lung mask on the same grid (any value
// > 0 is lung). Without a mask, lungs are the air (< -400 HU) regions inside the body that do not
// touch the volume's border. The result is reoriented to the generator's frame (x: patient right
// to left, y: anterior to posterior, z: superior to inferior) with `lateralVoxels` voxels across
// the larger of the left-right and superior-inferior extents. Throws DataError naming the file
// when it cannot be read or holds no detectable lung.
ThoraxVolume loadCtThorax(const std::string& ctPath, const std::string& lungSegPath,
                          int lateralVoxels);

// The CT NIfTI files (.nii, .nii.gz) of each input: a file is taken as it is, a folder is searched
// (not recursively), sorted by name. Throws DataError for a missing input or a folder without any.
std::vector<std::string> collectNiftiFiles(const std::vector<std::string>& inputs,
                                           const char* what);

// The lung mask for each CT: with one CT and one mask file, that file; otherwise the mask whose
// file name is the CT's, or the CT's name with _seg / _lungs / _lung_seg before the extension.
// Throws DataError naming the CT that has no mask.
std::vector<std::string> matchLungMasks(const std::vector<std::string>& ctFiles,
                                        const std::vector<std::string>& maskFiles);

}  // namespace longmim::synth
