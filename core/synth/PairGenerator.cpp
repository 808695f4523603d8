#include "synth/PairGenerator.h"

#include <algorithm>
#include <cmath>

#include "Error.h"
#include "synth/DiffMapBuilder.h"
#include "synth/DrrProjector.h"

namespace longmim::synth {
namespace {

bool isIntraPulmonary(EntityKind kind) {
  return kind == EntityKind::Consolidation || kind == EntityKind::FluidOverload;
}

bool isExtraPulmonary(EntityKind kind) {
  return kind == EntityKind::PleuralEffusion || kind == EntityKind::Pneumothorax ||
         kind == EntityKind::Cardiomegaly;
}

EntityRecord addEntity(PairVolumes& pair, EntityKind kind, TimePoint when, SynthRandom& rng) {
  switch (kind) {
    case EntityKind::Consolidation:
      return addConsolidation(pair, when, rng);
    case EntityKind::FluidOverload:
      return addFluidOverload(pair, when, rng);
    case EntityKind::PleuralEffusion:
      return addPleuralEffusion(pair, when, rng);
    case EntityKind::Pneumothorax:
      return addPneumothorax(pair, when, rng);
    case EntityKind::Cardiomegaly:
      return addCardiomegaly(pair, when, rng);
    case EntityKind::Devices:
      break;
  }
  return addDevices(pair, when, rng);
}

TimePoint drawTimePoint(SynthRandom& rng) {
  switch (rng.pick({0.4, 0.3, 0.3})) {
    case 0:
      return TimePoint::Current;
    case 1:
      return TimePoint::Prior;
    default:
      return TimePoint::Both;
  }
}

// One label volume for both time points, so that a single rotation serves the ground truth: the
// current's bits as they are (bits 0-9), the prior's relevant ones moved into the free high bits.
constexpr std::uint16_t kSilhouette =
    kLungs | kConsolidation | kFluidOverload | kEffusion | kPneumothorax;
constexpr std::uint16_t kPriorSilhouette = 1u << 10;
constexpr std::uint16_t kPriorConsolidation = 1u << 11;
constexpr std::uint16_t kPriorFluidOverload = 1u << 12;
constexpr std::uint16_t kPriorEffusion = 1u << 13;
constexpr std::uint16_t kPriorPneumothorax = 1u << 14;
constexpr std::uint16_t kPriorHeart = 1u << 15;

LabelVolume combinedLabels(const LabelVolume& current, const LabelVolume& prior) {
  LabelVolume out = current;
  for (size_t i = 0; i < out.size(); ++i) {
    const std::uint16_t p = prior.data[i];
    std::uint16_t bits = static_cast<std::uint16_t>(out.data[i] & 0x03FF);
    if (p & kSilhouette)
      bits |= kPriorSilhouette;
    if (p & kConsolidation)
      bits |= kPriorConsolidation;
    if (p & kFluidOverload)
      bits |= kPriorFluidOverload;
    if (p & kEffusion)
      bits |= kPriorEffusion;
    if (p & kPneumothorax)
      bits |= kPriorPneumothorax;
    if (p & kHeart)
      bits |= kPriorHeart;
    out.data[i] = bits;
  }
  return out;
}

// The bits of an entity in the current and in the prior of the combined labels (0: none).
std::pair<std::uint16_t, std::uint16_t> entityBits(EntityKind kind) {
  switch (kind) {
    case EntityKind::Consolidation:
      return {kConsolidation, kPriorConsolidation};
    case EntityKind::FluidOverload:
      return {kFluidOverload, kPriorFluidOverload};
    case EntityKind::PleuralEffusion:
      return {kEffusion, kPriorEffusion};
    case EntityKind::Pneumothorax:
      return {kPneumothorax, kPriorPneumothorax};
    case EntityKind::Cardiomegaly:
      return {kHeart, kPriorHeart};
    case EntityKind::Devices:
      break;
  }
  return {kDevice, 0};
}

double entityWeight(EntityKind kind) {
  return kind == EntityKind::Pneumothorax ? 0.25 : 0.35;  // the reference's factors
}

}  // namespace

nlohmann::ordered_json GeneratedPair::params() const {
  nlohmann::ordered_json out;
  out["patient"] = erect ? "erect" : "supine";
  out["rotation_degrees"] = {{"current", currentRotation}, {"prior", priorRotation}};
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  for (const EntityRecord& e : entities)
    added.push_back(e.toJson());
  out["added_entities"] = added;
  return out;
}

PairGenerator::PairGenerator(SynthOptions options) : options_(options) {}

RotationAngles PairGenerator::drawRotation(SynthRandom& rng) const {
  if (options_.maxAxisDegrees <= 0.0)
    return {0.0, 0.0, 0.0};
  for (;;) {
    RotationAngles angles{};
    double total = 0.0;
    for (double& a : angles) {
      a = std::pow(rng.uniform(0.0, 1.0), options_.rotationExponent) * rng.sign() *
          options_.maxAxisDegrees;
      total += std::fabs(a);
    }
    if (total <= options_.maxSumDegrees)
      return angles;
  }
}

SynthOptions synthProfile(const std::string& name) {
  SynthOptions o;
  o.profile = name;
  if (name == "reference")
    return o;
  if (name != "demo") {
    throw ConfigError("--profile", "unknown generator profile '" + name + "' (reference or demo)");
  }
  // Findings in most pairs, the large ones more often than the subtle ones; devices stay (they
  // cancel out of the truth, so the model must learn to ignore them, as subtraction cannot).
  o.probabilities.consolidation = 0.8;
  o.probabilities.pleuralEffusion = 0.5;
  o.probabilities.pneumothorax = 0.3;
  o.probabilities.cardiomegaly = 0.5;
  o.probabilities.fluidOverload = 0.3;
  o.probabilities.devices = 0.3;
  // A misregistration a few degrees wide: visible in the subtraction, learnable in minutes.
  o.maxAxisDegrees = 2.0;
  o.maxSumDegrees = 4.0;
  o.minChangedFraction = 0.01;
  return o;
}

GeneratedPair PairGenerator::generate(const ThoraxVolume& base, std::uint64_t seed,
                                      const std::optional<std::vector<PlannedEntity>>& plan) const {
  if (plan || options_.minChangedFraction <= 0.0)
    return generateOnce(base, seed, plan);
  constexpr int kAttempts = 8;
  GeneratedPair best;
  size_t bestChanged = 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // Attempt 0 is the plain draw, so the first pair of a seed is the same in every profile
    // that keeps it.
    const std::uint64_t s = attempt == 0 ? seed : SynthRandom::derive(seed, attempt, 0xC4A6EULL);
    GeneratedPair pair = generateOnce(base, s, plan);
    size_t changed = 0;
    for (float v : pair.diff.pixels)
      changed += std::fabs(v) > 0.015f ? 1 : 0;
    if (attempt == 0 || changed > bestChanged) {
      bestChanged = changed;
      best = std::move(pair);
    }
    if (static_cast<double>(bestChanged) >=
        options_.minChangedFraction * static_cast<double>(best.diff.pixels.size()))
      break;
  }
  return best;
}

GeneratedPair PairGenerator::generateOnce(
    const ThoraxVolume& base, std::uint64_t seed,
    const std::optional<std::vector<PlannedEntity>>& plan) const {
  SynthRandom rng(seed);
  GeneratedPair out;
  out.erect = rng.chance(0.2);
  PairVolumes pair{base, base, {}};
  pair.prior.erect = pair.current.erect = out.erect;

  // Which findings, when: drawn with the probabilities and the decay, or as planned.
  std::vector<PlannedEntity> entities;
  if (plan) {
    entities = *plan;
  } else {
    const EntityProbabilities& p = options_.probabilities;
    double multiplier = 1.0;
    for (const auto& [kind, probability] : {std::pair{EntityKind::Consolidation, p.consolidation},
                                            {EntityKind::FluidOverload, p.fluidOverload},
                                            {EntityKind::PleuralEffusion, p.pleuralEffusion},
                                            {EntityKind::Pneumothorax, p.pneumothorax},
                                            {EntityKind::Cardiomegaly, p.cardiomegaly}}) {
      if (!rng.chance(probability * multiplier))
        continue;
      entities.push_back({kind, drawTimePoint(rng)});
      multiplier *= options_.decay;
    }
    if (rng.chance(p.devices))
      entities.push_back({EntityKind::Devices, drawTimePoint(rng)});
  }
  // Pipeline order: intra-pulmonary, snapshot of the registered prior, extra-pulmonary, devices.
  for (const PlannedEntity& e : entities) {
    if (isIntraPulmonary(e.kind))
      out.entities.push_back(addEntity(pair, e.kind, e.when, rng));
  }
  pair.registeredPrior = pair.prior;
  for (const PlannedEntity& e : entities) {
    if (isExtraPulmonary(e.kind))
      out.entities.push_back(addEntity(pair, e.kind, e.when, rng));
  }
  for (const PlannedEntity& e : entities) {
    if (e.kind == EntityKind::Devices)
      out.entities.push_back(addEntity(pair, e.kind, e.when, rng));
  }

  // Geometry: the current and the registered prior share one rotation, the prior has its own.
  // Only the framed part of each rotated volume is computed.
  out.currentRotation = drawRotation(rng);
  out.priorRotation = drawRotation(rng);
  const int size = options_.size;
  const VoxelBox currentFrame =
      lungFrame(pair.current.labels, out.currentRotation, options_.frameMarginMm);
  const VoxelBox priorFrame =
      lungFrame(pair.prior.labels, out.priorRotation, options_.frameMarginMm);
  out.prior = projectDrr(rotateHu(pair.prior.hu, out.priorRotation, priorFrame), size);
  out.current = projectDrr(rotateHu(pair.current.hu, out.currentRotation, currentFrame), size);
  const Image2D registeredPrior =
      projectDrr(rotateHu(pair.registeredPrior.hu, out.currentRotation, currentFrame), size);
  const LabelVolume labels = rotateLabels(combinedLabels(pair.current.labels, pair.prior.labels),
                                          out.currentRotation, currentFrame);

  DiffMapInputs inputs;
  inputs.current = out.current;
  inputs.registeredPrior = registeredPrior;
  inputs.silhouette = projectThickness(labels, kSilhouette | kPriorSilhouette, size);
  const Image2D lungDepth = projectThickness(labels, kLungs, size);
  inputs.maxLungDepth = *std::max_element(lungDepth.pixels.begin(), lungDepth.pixels.end());

  for (const EntityRecord& record : out.entities) {
    const auto [currentBit, priorBit] = entityBits(record.kind);
    Image2D current = projectThickness(labels, currentBit, size);
    Image2D prior = priorBit ? projectThickness(labels, priorBit, size) : Image2D(size, size, 0.0f);
    Image2D mask(size, size, 0.0f);
    for (size_t i = 0; i < mask.size(); ++i) {
      const float c = current.pixels[i];
      const float p = prior.pixels[i];
      const bool inside =
          record.kind == EntityKind::Cardiomegaly ? std::fabs(c - p) > 0.5f : c + p > 0.5f;
      mask.pixels[i] = inside ? 1.0f : 0.0f;
    }
    out.entityMasks[record.kind] = std::move(mask);
    if (isExtraPulmonary(record.kind)) {
      inputs.entityTerms.push_back(
          {std::move(current), std::move(prior), entityWeight(record.kind)});
    }
  }
  out.diff = buildDiffMap(inputs);

  // Film geometry: pixel spacing of the framed field of view.
  const double mm = base.hu.spacing;
  out.current.geometry.spacing = {(currentFrame.hi[0] - currentFrame.lo[0]) * mm / size,
                                  (currentFrame.hi[2] - currentFrame.lo[2]) * mm / size};
  out.diff.geometry = out.current.geometry;
  out.prior.geometry.spacing = {(priorFrame.hi[0] - priorFrame.lo[0]) * mm / size,
                                (priorFrame.hi[2] - priorFrame.lo[2]) * mm / size};
  return out;
}

}  // namespace longmim::synth
