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

Image2D fitToSquare(const Image2D& image, int size, bool pad, float fill) {
  if (!pad || image.rows == image.cols)
    return resizeImage(image, size, size);
  const int side = std::max(image.rows, image.cols);
  const int top = (side - image.rows) / 2;
  const int left = (side - image.cols) / 2;
  Image2D square(side, side, fill);
  for (int r = 0; r < image.rows; ++r) {
    std::copy_n(image.pixels.begin() + static_cast<std::ptrdiff_t>(r) * image.cols, image.cols,
                square.pixels.begin() + static_cast<std::ptrdiff_t>(r + top) * side + left);
  }
  square.geometry = image.geometry;
  for (unsigned d = 0; d < 2; ++d) {
    // The canvas starts `left` columns / `top` rows before the image's first pixel.
    const double shift = (d == 0 ? left : top) * image.geometry.spacing[d];
    for (unsigned e = 0; e < 2; ++e)
      square.geometry.origin[e] -= image.geometry.direction[e * 2 + d] * shift;
  }
  return resizeImage(square, size, size);
}

Image2D unfitFromSquare(const Image2D& map, int rows, int cols, bool pad) {
  if (!pad || rows == cols)
    return resizeImage(map, rows, cols);
  const int side = std::max(rows, cols);
  const Image2D square = resizeImage(map, side, side);
  const int top = (side - rows) / 2;
  const int left = (side - cols) / 2;
  Image2D out(rows, cols);
  for (int r = 0; r < rows; ++r) {
    std::copy_n(square.pixels.begin() + static_cast<std::ptrdiff_t>(r + top) * side + left, cols,
                out.pixels.begin() + static_cast<std::ptrdiff_t>(r) * cols);
  }
  out.geometry = square.geometry;
  return out;
}

}  // namespace longmim
