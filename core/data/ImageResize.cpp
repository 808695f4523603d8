#include "data/ImageResize.h"

#include <algorithm>
#include <stdexcept>

#include <itkImage.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

namespace longmim {
namespace {

using ItkImage = itk::Image<float, 2>;

// Wraps the pixels in index space (unit spacing, zero origin): resizing is a pure index mapping.
ItkImage::Pointer toItk(const Image2D& image) {
  auto out = ItkImage::New();
  ItkImage::RegionType region;
  region.SetSize(
      {static_cast<itk::SizeValueType>(image.cols), static_cast<itk::SizeValueType>(image.rows)});
  out->SetRegions(region);
  out->Allocate();
  std::copy(image.pixels.begin(), image.pixels.end(), out->GetBufferPointer());
  return out;
}

}  // namespace

Image2D resizeImage(const Image2D& image, int rows, int cols) {
  if (rows <= 0 || cols <= 0)
    throw std::invalid_argument("resizeImage: target size must be positive");
  if (image.rows == rows && image.cols == cols)
    return image;

  const double scale[2] = {static_cast<double>(image.cols) / cols,
                           static_cast<double>(image.rows) / rows};
  ItkImage::Pointer source = toItk(image);

  // Recursive Gaussian filters need at least 4 pixels along an axis.
  const bool shrinking = scale[0] > 1.0 || scale[1] > 1.0;
  if (shrinking && image.rows >= 4 && image.cols >= 4) {
    auto smooth = itk::SmoothingRecursiveGaussianImageFilter<ItkImage, ItkImage>::New();
    itk::FixedArray<double, 2> sigma;
    for (unsigned d = 0; d < 2; ++d)
      sigma[d] = std::max(1e-3, (scale[d] - 1.0) / 2.0);
    smooth->SetSigmaArray(sigma);
    smooth->SetInput(source);
    smooth->SetNumberOfWorkUnits(1);  // callers parallelise over images
    smooth->Update();
    source = smooth->GetOutput();
    source->DisconnectPipeline();
  }

  auto resample = itk::ResampleImageFilter<ItkImage, ItkImage>::New();
  resample->SetInput(source);
  resample->SetInterpolator(itk::LinearInterpolateImageFunction<ItkImage, double>::New());
  ItkImage::SpacingType spacing;
  ItkImage::PointType origin;
  for (unsigned d = 0; d < 2; ++d) {
    spacing[d] = scale[d];
    origin[d] = 0.5 * (scale[d] - 1.0);  // centre of output pixel 0 in input index units
  }
  resample->SetOutputSpacing(spacing);
  resample->SetOutputOrigin(origin);
  resample->SetSize({static_cast<itk::SizeValueType>(cols), static_cast<itk::SizeValueType>(rows)});
  resample->SetDefaultPixelValue(0.0f);
  resample->SetNumberOfWorkUnits(1);
  resample->Update();

  Image2D out(rows, cols);
  const float* buffer = resample->GetOutput()->GetBufferPointer();
  std::copy(buffer, buffer + out.size(), out.pixels.begin());
  out.geometry = image.geometry;
  out.geometry.spacing[0] = image.geometry.spacing[0] * scale[0];
  out.geometry.spacing[1] = image.geometry.spacing[1] * scale[1];
  return out;
}

}  // namespace longmim
