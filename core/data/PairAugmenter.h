// Random training augmentation of a prepared pair: the reference's CLAHE / sharpening, flips, small
// affine.
#pragma once

#include <cstdint>
#include <random>

#include "config/TrainingConfig.h"
#include "data/PairPreprocessing.h"

namespace longmim {

// What one call decided; kept so tests and logs can tell which branch ran.
struct AugmentationRecord {
  enum class Intensity { None, Clahe, Sharpen } intensity = Intensity::None;
  double priorAmount = 0.0;    // CLAHE clip limit or sharpness factor of the baseline
  double currentAmount = 0.0;  // same for the follow-up
  bool flipped = false;
  bool affine = false;
};

class PairAugmenter {
 public:
  explicit PairAugmenter(const TrainingConfig& config);

  // Geometry first (the same flip / affine for baseline, follow-up and difference map), then the
  // intensity branch on the two X-rays (the reference's probabilities), then clipping to [0, 1].
  // The difference map's values are never changed, only moved with the geometry.
  AugmentationRecord apply(PreparedPair& pair, std::mt19937_64& rng) const;

  // A well-mixed seed for one sample of one epoch, so augmentation does not depend on the order
  // or the thread in which samples are prepared.
  static std::uint64_t sampleSeed(std::uint64_t seed, std::uint64_t epoch, std::uint64_t index);

 private:
  void applyAffine(PreparedPair& pair, std::mt19937_64& rng) const;

  TrainingConfig config_;
};

}  // namespace longmim
