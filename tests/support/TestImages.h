// Builders of small NIfTI files and case folders for the test suites.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include "io/Image2D.h"

namespace longmim::test {

// pixel(row, col) = offset + scale * (row * cols + col): every pixel distinct, easy to predict.
Image2D rampImage(int rows, int cols, float offset = 0.0f, float scale = 1.0f);

// A deterministic pseudo-random texture in [0, 1) (hash of position and variant), so that
// sharpening and CLAHE visibly change it.
Image2D textureImage(int rows, int cols, int variant);

// Writes prior / current / diff_map (.nii.gz unless `extension` says otherwise) into `folder`,
// creating it. The X-rays are textures (different per `variant`) on different intensity scales,
// the diff a signed ramp.
void writeCase(const std::string& folder, int rows, int cols, int variant = 0,
               const std::string& extension = ".nii.gz");

// Writes a NIfTI of pixel type T with ITK directly (not through the code under test), with the
// given sizes (axis 0 fastest) and optional scl_slope / scl_inter.
template <typename T, unsigned Dimension>
void writeTypedNifti(const std::string& path, const std::vector<size_t>& sizes,
                     const std::vector<T>& values, double slope = 1.0, double intercept = 0.0) {
  using ImageType = itk::Image<T, Dimension>;
  auto image = ImageType::New();
  typename ImageType::SizeType size;
  for (unsigned d = 0; d < Dimension; ++d)
    size[d] = sizes[d];
  typename ImageType::RegionType region;
  region.SetSize(size);
  image->SetRegions(region);
  image->Allocate();
  std::copy(values.begin(), values.end(), image->GetBufferPointer());
  auto io = itk::NiftiImageIO::New();
  io->SetRescaleSlope(slope);
  io->SetRescaleIntercept(intercept);
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetImageIO(io);
  writer->SetFileName(path);
  writer->SetInput(image);
  writer->Update();
}

// Learnable pairs for training tests: `pairs` case folders case_<i> under `root`, each a smooth
// `size` x `size` baseline, the follow-up the baseline plus a bright disc, the ground truth 0.5 on
// the disc. Deterministic for a `seed`.
void writeDiscDataset(const std::string& root, int pairs, int size, std::uint32_t seed);

// Writes `bytes` to `path`, replacing it.
void writeBytes(const std::string& path, const std::string& bytes);

}  // namespace longmim::test
