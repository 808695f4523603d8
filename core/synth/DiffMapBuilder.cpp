#include "synth/DiffMapBuilder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <itkBoxMeanImageFilter.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkImage.h>
#include <itkRelabelComponentImageFilter.h>

namespace longmim::synth {
namespace {

using MaskImage = itk::Image<unsigned char, 2>;
using LabelImage = itk::Image<unsigned int, 2>;
using FloatImage = itk::Image<float, 2>;

template <typename ImageType>
typename ImageType::Pointer allocate(int rows, int cols) {
  auto image = ImageType::New();
  typename ImageType::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(cols), static_cast<itk::SizeValueType>(rows)});
  image->SetRegions(region);
  image->Allocate();
  return image;
}

// Zeroes the pixels of 8-connected components (of one sign) smaller than minPixels.
void dropSmallComponents(Image2D& d, int sign, size_t minPixels) {
  auto mask = allocate<MaskImage>(d.rows, d.cols);
  unsigned char* m = mask->GetBufferPointer();
  for (size_t i = 0; i < d.size(); ++i)
    m[i] = (sign > 0 ? d.pixels[i] > 0 : d.pixels[i] < 0) ? 1 : 0;
  auto components = itk::ConnectedComponentImageFilter<MaskImage, LabelImage>::New();
  components->SetInput(mask);
  components->FullyConnectedOn();
  components->SetNumberOfWorkUnits(1);
  auto relabel = itk::RelabelComponentImageFilter<LabelImage, LabelImage>::New();
  relabel->SetInput(components->GetOutput());
  relabel->SetMinimumObjectSize(minPixels);
  relabel->SetNumberOfWorkUnits(1);
  relabel->Update();
  const unsigned int* kept = relabel->GetOutput()->GetBufferPointer();
  for (size_t i = 0; i < d.size(); ++i) {
    if (m[i] && kept[i] == 0)
      d.pixels[i] = 0.0f;
  }
}

Image2D boxMean(const Image2D& image, int side) {
  if (side <= 1)
    return image;
  auto input = allocate<FloatImage>(image.rows, image.cols);
  std::copy(image.pixels.begin(), image.pixels.end(), input->GetBufferPointer());
  auto filter = itk::BoxMeanImageFilter<FloatImage, FloatImage>::New();
  filter->SetInput(input);
  filter->SetRadius(side / 2);
  filter->SetNumberOfWorkUnits(1);
  filter->Update();
  Image2D out = image;
  const float* buffer = filter->GetOutput()->GetBufferPointer();
  std::copy(buffer, buffer + out.size(), out.pixels.begin());
  return out;
}

}  // namespace

Image2D buildDiffMap(const DiffMapInputs& in, const DiffMapOptions& options) {
  const int rows = in.current.rows;
  const int cols = in.current.cols;
  const double scale = static_cast<double>(rows) * cols / (512.0 * 512.0);

  float lo = std::numeric_limits<float>::infinity();
  float hi = -lo;
  for (size_t i = 0; i < in.registeredPrior.size(); ++i) {
    if (in.silhouette.pixels[i] <= 0.5f)
      continue;
    lo = std::min(lo, in.registeredPrior.pixels[i]);
    hi = std::max(hi, in.registeredPrior.pixels[i]);
  }
  const float range = hi > lo ? hi - lo : 1.0f;

  Image2D d(rows, cols, 0.0f);
  for (size_t i = 0; i < d.size(); ++i) {
    if (in.silhouette.pixels[i] <= 0.5f)
      continue;
    const float v = (in.current.pixels[i] - in.registeredPrior.pixels[i]) / range;
    d.pixels[i] = std::fabs(v) < options.threshold ? 0.0f : v;
  }
  const size_t minPixels =
      static_cast<size_t>(std::lround(options.minComponentPixelsAt512 * scale));
  if (minPixels > 1) {
    dropSmallComponents(d, +1, minPixels + 1);
    dropSmallComponents(d, -1, minPixels + 1);
  }

  int side = static_cast<int>(std::lround(options.smoothingAt512 * rows / 512.0));
  if (side % 2 == 0)
    side += 1;
  for (const EntityThicknessTerm& term : in.entityTerms) {
    Image2D change(rows, cols);
    for (size_t i = 0; i < change.size(); ++i) {
      change.pixels[i] =
          static_cast<float>((term.currentThickness.pixels[i] - term.priorThickness.pixels[i]) /
                             std::max(1.0, in.maxLungDepth));
    }
    const Image2D smooth = boxMean(change, side);
    for (size_t i = 0; i < d.size(); ++i)
      d.pixels[i] += static_cast<float>(term.weight * smooth.pixels[i]);
  }
  d.geometry = in.current.geometry;
  return d;
}

}  // namespace longmim::synth
