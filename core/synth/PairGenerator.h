// One synthetic longitudinal pair from a thorax volume: entities at their time points, the
// reference's random rotations, DRR projection and the ground-truth difference map.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/Image2D.h"
#include "synth/Entities.h"
#include "synth/ThoraxVolume.h"
#include "synth/VolumeRotation.h"

namespace longmim::synth {

// Probability of each entity per pair (the reference's --default_entities).
struct EntityProbabilities {
  double consolidation = 0.15;    // CO
  double pleuralEffusion = 0.15;  // PL
  double pneumothorax = 0.15;     // PN
  double cardiomegaly = 0.15;     // CA
  double fluidOverload = 0.15;    // FL
  double devices = 0.5;           // EX
};

struct SynthOptions {
  std::string profile = "reference";  // the named set these options came from (synthProfile)
  int size = 512;                     // output films are size x size
  EntityProbabilities probabilities;
  double decay = 1.0;              // each added finding multiplies the next one's probability
  double maxAxisDegrees = 17.5;    // per-axis rotation limit
  double maxSumDegrees = 37.5;     // limit of the sum of |angles|
  double rotationExponent = 1.75;  // angle = U^exponent x limit: small angles are more likely
  double frameMarginMm = 15.0;     // film margin around the lungs
  // A pair whose ground truth changes on a smaller fraction of its pixels (|diff| > 0.015) is
  // drawn again from a derived seed, up to 8 times; 0 (the reference) keeps every draw.
  double minChangedFraction = 0.0;
};

// Named generator settings: "reference" (the reference's probabilities and rotations) and
// "demo" (a set a small model learns on a CPU within minutes: most pairs change, findings large
// enough to see at 128 px, a misregistration of a few degrees). Throws ConfigError for another
// name.
SynthOptions synthProfile(const std::string& name);

struct PlannedEntity {
  EntityKind kind;
  TimePoint when;
};

struct GeneratedPair {
  Image2D prior;    // baseline DRR, raw ray sums (the trainer min-max normalises)
  Image2D current;  // follow-up DRR
  Image2D diff;     // ground truth in the current's frame; positive = appeared / grew
  std::vector<EntityRecord> entities;
  RotationAngles priorRotation{};
  RotationAngles currentRotation{};
  bool erect = false;
  // Where each finding projects in the current's frame (1 inside), for previews and tests; for
  // cardiomegaly the region where the heart's outline changed.
  std::map<EntityKind, Image2D> entityMasks;

  // The pair's params.json content (without the source, added by the caller).
  nlohmann::ordered_json params() const;
};

class PairGenerator {
 public:
  explicit PairGenerator(SynthOptions options);

  // Draws everything from `seed`. With `plan`, exactly those entities are added (in the order the
  // pipeline needs) instead of drawing them with the probabilities.
  GeneratedPair generate(
      const ThoraxVolume& base, std::uint64_t seed,
      const std::optional<std::vector<PlannedEntity>>& plan = std::nullopt) const;

  // The reference's rotation draw: per axis U^exponent x (+-1) x maxAxis, redrawn until the sum
  // of |angles| is within maxSum.
  RotationAngles drawRotation(SynthRandom& rng) const;

  const SynthOptions& options() const { return options_; }

 private:
  GeneratedPair generateOnce(const ThoraxVolume& base, std::uint64_t seed,
                             const std::optional<std::vector<PlannedEntity>>& plan) const;

  SynthOptions options_;
};

}  // namespace longmim::synth
