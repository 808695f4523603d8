#include "synth/Entities.h"

#include "synth/Volume.h"

namespace longmim::synth {

const char* timePointName(TimePoint when) {
  switch (when) {
    case TimePoint::Prior:
      return "prior";
    case TimePoint::Current:
      return "current";
    case TimePoint::Both:
      break;
  }
  return "both";
}

const char* entityName(EntityKind kind) {
  switch (kind) {
    case EntityKind::Consolidation:
      return "consolidation";
    case EntityKind::FluidOverload:
      return "fluid_overload";
    case EntityKind::PleuralEffusion:
      return "pleural_effusion";
    case EntityKind::Pneumothorax:
      return "pneumothorax";
    case EntityKind::Cardiomegaly:
      return "cardiomegaly";
    case EntityKind::Devices:
      break;
  }
  return "external_devices";
}

const char* entityCode(EntityKind kind) {
  switch (kind) {
    case EntityKind::Consolidation:
      return "CO";
    case EntityKind::FluidOverload:
      return "FL";
    case EntityKind::PleuralEffusion:
      return "PL";
    case EntityKind::Pneumothorax:
      return "PN";
    case EntityKind::Cardiomegaly:
      return "CA";
    case EntityKind::Devices:
      break;
  }
  return "EX";
}

nlohmann::ordered_json EntityRecord::toJson() const {
  nlohmann::ordered_json out;
  out["type"] = entityName(kind);
  out["code"] = entityCode(kind);
  out["side"] = side;
  out["time_point"] = timePointName(when);
  out["sign"] = sign;
  out["details"] = details;
  return out;
}

namespace entity_detail {

std::uint16_t lungBit(int side) {
  return side == 0 ? kLungRight : kLungLeft;
}

const char* sideName(int side) {
  return side == 0 ? "right" : "left";
}

bool randomLungVoxel(const ThoraxVolume& volume, int side, const VoxelBox& box, SynthRandom& rng,
                     Point3& voxel) {
  const std::uint16_t bit = lungBit(side);
  if (box.empty())
    return false;
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const int x = rng.integer(box.lo[0], box.hi[0] - 1);
    const int y = rng.integer(box.lo[1], box.hi[1] - 1);
    const int z = rng.integer(box.lo[2], box.hi[2] - 1);
    if (volume.labels.at(x, y, z) & bit) {
      voxel = {static_cast<double>(x), static_cast<double>(y), static_cast<double>(z)};
      return true;
    }
  }
  return false;
}

}  // namespace entity_detail
}  // namespace longmim::synth
