// The findings the generator adds to a pair, each at a chosen time point, and what it recorded.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "synth/SynthRandom.h"
#include "synth/ThoraxVolume.h"

namespace longmim::synth {

// The three volumes of a pair. The registered prior holds the prior's content as the current's
// geometry would show it: the prior's intra-pulmonary findings, the current's extra-pulmonary
// ones (so that lung compression does not appear as change) and the current's devices (so that
// devices cancel out of the ground truth).
struct PairVolumes {
  ThoraxVolume prior;
  ThoraxVolume current;
  ThoraxVolume registeredPrior;
};

enum class TimePoint { Prior, Current, Both };
const char* timePointName(TimePoint when);

enum class EntityKind {
  Consolidation,
  FluidOverload,
  PleuralEffusion,
  Pneumothorax,
  Cardiomegaly,
  Devices
};
const char* entityName(EntityKind kind);  // "consolidation", ...
const char* entityCode(EntityKind kind);  // "CO", "FL", "PL", "PN", "CA", "EX"

struct EntityRecord {
  EntityKind kind;
  std::string side;  // "right", "left", "both" or "none"
  TimePoint when;
  int sign = 0;  // +1 appeared / grew / denser in the current, -1 resolved / shrank, 0 no change
  nlohmann::ordered_json details = nlohmann::ordered_json::object();

  nlohmann::ordered_json toJson() const;
};

// Intra-pulmonary findings: change the prior and/or the current (call before the registered prior
// is taken from the prior).
EntityRecord addConsolidation(PairVolumes& pair, TimePoint when, SynthRandom& rng);
EntityRecord addFluidOverload(PairVolumes& pair, TimePoint when, SynthRandom& rng);
// Extra-pulmonary findings: change the prior and/or the current; the current's version also goes
// into the registered prior.
EntityRecord addPleuralEffusion(PairVolumes& pair, TimePoint when, SynthRandom& rng);
EntityRecord addPneumothorax(PairVolumes& pair, TimePoint when, SynthRandom& rng);
EntityRecord addCardiomegaly(PairVolumes& pair, TimePoint when, SynthRandom& rng);
// Wires, ECG electrodes and an implanted device; the current's also go into the registered prior.
EntityRecord addDevices(PairVolumes& pair, TimePoint when, SynthRandom& rng);

// Shared helpers of the entity implementations.
namespace entity_detail {
std::uint16_t lungBit(int side);  // 0 right, 1 left
const char* sideName(int side);
// A random voxel of the given lung (rejection sampling inside `lungBox`, the lung's bounding box);
// false if none is found.
bool randomLungVoxel(const ThoraxVolume& volume, int side, const VoxelBox& lungBox,
                     SynthRandom& rng, Point3& voxel);
}  // namespace entity_detail

}  // namespace longmim::synth
