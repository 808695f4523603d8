#include "data/PairAugmenter.h"

#include <algorithm>
#include <cmath>

#include <itkAffineTransform.h>
#include <itkImage.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborExtrapolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include "data/Clahe.h"
#include "data/Sharpness.h"

namespace longmim {
namespace {

using ItkImage = itk::Image<float, 2>;

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

bool chance(std::mt19937_64& rng, double probability) {
  return probability > 0.0 && uniform(rng, 0.0, 1.0) < probability;
}

void flipColumns(Image2D& image) {
  for (int y = 0; y < image.rows; ++y) {
    std::reverse(image.pixels.begin() + static_cast<long>(y) * image.cols,
                 image.pixels.begin() + static_cast<long>(y + 1) * image.cols);
  }
}

void clampUnit(Image2D& image) {
  for (float& v : image.pixels)
    v = std::clamp(v, 0.0f, 1.0f);
}

// Resamples `image` through `transform` (output index -> input index, about the image centre).
void resampleInPlace(Image2D& image, const itk::AffineTransform<double, 2>* transform,
                     bool extendEdges) {
  auto input = ItkImage::New();
  ItkImage::RegionType region;
  region.SetSize(
      {static_cast<itk::SizeValueType>(image.cols), static_cast<itk::SizeValueType>(image.rows)});
  input->SetRegions(region);
  input->Allocate();
  std::copy(image.pixels.begin(), image.pixels.end(), input->GetBufferPointer());

  auto resample = itk::ResampleImageFilter<ItkImage, ItkImage>::New();
  resample->SetInput(input);
  resample->SetTransform(transform);
  resample->SetInterpolator(itk::LinearInterpolateImageFunction<ItkImage, double>::New());
  if (extendEdges) {
    // X-rays: continue the edge instead of introducing black corners.
    resample->SetExtrapolator(
        itk::NearestNeighborExtrapolateImageFunction<ItkImage, double>::New());
  }
  resample->SetDefaultPixelValue(0.0f);  // difference map: outside the image nothing changed
  resample->SetSize(region.GetSize());
  resample->SetNumberOfWorkUnits(1);
  resample->Update();
  const float* buffer = resample->GetOutput()->GetBufferPointer();
  std::copy(buffer, buffer + image.size(), image.pixels.begin());
}

}  // namespace

PairAugmenter::PairAugmenter(const TrainingConfig& config) : config_(config) {}

std::uint64_t PairAugmenter::sampleSeed(std::uint64_t seed, std::uint64_t epoch,
                                        std::uint64_t index) {
  // splitmix64 over the three values: neighbouring indices get unrelated streams.
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(seed) ^ epoch) ^ index);
}

void PairAugmenter::applyAffine(PreparedPair& pair, std::mt19937_64& rng) const {
  const double angle =
      uniform(rng, -config_.affineMaxRotationDeg, config_.affineMaxRotationDeg) * M_PI / 180.0;
  const double scale = 1.0 + uniform(rng, -config_.affineMaxScale, config_.affineMaxScale);
  const double shiftX =
      uniform(rng, -config_.affineMaxShift, config_.affineMaxShift) * pair.prior.cols;
  const double shiftY =
      uniform(rng, -config_.affineMaxShift, config_.affineMaxShift) * pair.prior.rows;

  auto transform = itk::AffineTransform<double, 2>::New();
  itk::AffineTransform<double, 2>::InputPointType centre;
  centre[0] = 0.5 * (pair.prior.cols - 1);
  centre[1] = 0.5 * (pair.prior.rows - 1);
  transform->SetCenter(centre);
  transform->Rotate2D(angle);
  transform->Scale(1.0 / scale);  // the transform maps output to input: shrinking it zooms in
  itk::AffineTransform<double, 2>::OutputVectorType shift;
  shift[0] = shiftX;
  shift[1] = shiftY;
  transform->Translate(shift);

  resampleInPlace(pair.prior, transform.GetPointer(), true);
  resampleInPlace(pair.current, transform.GetPointer(), true);
  resampleInPlace(pair.diff, transform.GetPointer(), false);
}

AugmentationRecord PairAugmenter::apply(PreparedPair& pair, std::mt19937_64& rng) const {
  AugmentationRecord record;
  if (!config_.augment)
    return record;

  if (chance(rng, config_.flipProb)) {
    flipColumns(pair.prior);
    flipColumns(pair.current);
    flipColumns(pair.diff);
    record.flipped = true;
  }
  if (chance(rng, config_.affineProb)) {
    applyAffine(pair, rng);
    record.affine = true;
  }

  const double r = uniform(rng, 0.0, 1.0);
  if (r < config_.claheProb) {
    const double clip = uniform(rng, config_.claheClipMin, config_.claheClipMax);
    const double fuClip = chance(rng, config_.claheFuOwnClipProb)
                              ? uniform(rng, config_.claheClipMin, config_.claheClipMax)
                              : clip;
    pair.prior = equalizeClahe(pair.prior, clip, config_.claheGrid, config_.claheGrid);
    pair.current = equalizeClahe(pair.current, fuClip, config_.claheGrid, config_.claheGrid);
    adjustSharpness(pair.prior, config_.claheSharpenFactor);
    adjustSharpness(pair.current, config_.claheSharpenFactor);
    record = {AugmentationRecord::Intensity::Clahe, clip, fuClip, record.flipped, record.affine};
  } else if (r < config_.claheProb + config_.sharpenProb) {
    std::uniform_int_distribution<int> factors(config_.sharpenFactorMin, config_.sharpenFactorMax);
    const int factor = factors(rng);
    const int fuFactor = chance(rng, config_.sharpenFuOwnFactorProb) ? factors(rng) : factor;
    adjustSharpness(pair.prior, factor);
    adjustSharpness(pair.current, fuFactor);
    record = {AugmentationRecord::Intensity::Sharpen, static_cast<double>(factor),
              static_cast<double>(fuFactor), record.flipped, record.affine};
  }
  clampUnit(pair.prior);
  clampUnit(pair.current);
  return record;
}

}  // namespace longmim
