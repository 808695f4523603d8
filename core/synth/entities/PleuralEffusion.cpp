// Pleural effusion: fluid in the pleural space of one lung, replacing the lowest lung: at the base
// with a lateral meniscus when the patient is erect, as a posterior layer when supine.
#include <algorithm>
#include <cmath>

#include "synth/Entities.h"
#include "synth/Volume.h"

namespace longmim::synth {
namespace {

// Returns the number of voxels turned into fluid.
size_t paint(ThoraxVolume& volume, int side, double heightMm, float fluidHu) {
  if (heightMm <= 0.0)
    return 0;
  const std::uint16_t bit = entity_detail::lungBit(side);
  const VoxelBox box = boundingBox(volume.labels, bit);
  if (box.empty())
    return 0;
  const double h = heightMm / volume.hu.spacing;
  const double width = std::max(1, box.hi[0] - box.lo[0]);
  const double height = std::max(1, box.hi[2] - box.lo[2]);
  size_t filled = 0;
  for (int z = box.lo[2]; z < box.hi[2]; ++z) {
    for (int y = box.lo[1]; y < box.hi[1]; ++y) {
      for (int x = box.lo[0]; x < box.hi[0]; ++x) {
        const size_t i = volume.hu.index(x, y, z);
        if (!(volume.labels.data[i] & bit))
          continue;
        // 0 at the mediastinal edge, 1 at the lateral chest wall.
        const double lateral = side == 0 ? (box.hi[0] - x) / width : (x - box.lo[0]) / width;
        bool fluid = false;
        if (volume.erect) {
          fluid = z > box.hi[2] - h * (1.0 + 0.6 * lateral);
        } else {
          const double basal = (z - box.lo[2]) / height;
          fluid = y > box.hi[1] - h * (0.35 + 0.65 * basal);
        }
        if (!fluid)
          continue;
        volume.hu.data[i] = fluidHu;
        volume.labels.data[i] =
            static_cast<std::uint16_t>((volume.labels.data[i] & ~kLungs) | kEffusion);
        ++filled;
      }
    }
  }
  return filled;
}

}  // namespace

EntityRecord addPleuralEffusion(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  const int side = rng.integer(0, 1);
  const float fluidHu = static_cast<float>(rng.uniform(-10, 45));
  auto drawHeight = [&] {
    switch (rng.pick({0.45, 0.35, 0.2})) {
      case 0:
        return rng.uniform(12, 25);  // small: blunted costophrenic angle
      case 1:
        return rng.uniform(25, 50);
      default:
        return rng.uniform(50, 85);  // large
    }
  };
  double priorHeight = when == TimePoint::Current ? 0.0 : drawHeight();
  double currentHeight = when == TimePoint::Prior ? 0.0 : drawHeight();
  if (when == TimePoint::Both && rng.chance(0.25))
    currentHeight = priorHeight;  // unchanged
  const int sign = currentHeight > priorHeight ? 1 : currentHeight < priorHeight ? -1 : 0;

  const size_t priorVoxels = paint(pair.prior, side, priorHeight, fluidHu);
  const size_t currentVoxels = paint(pair.current, side, currentHeight, fluidHu);
  paint(pair.registeredPrior, side, currentHeight, fluidHu);

  EntityRecord record{EntityKind::PleuralEffusion, entity_detail::sideName(side), when, sign};
  record.details["prior_height_mm"] = priorHeight;
  record.details["current_height_mm"] = currentHeight;
  record.details["prior_voxels"] = priorVoxels;
  record.details["current_voxels"] = currentVoxels;
  record.details["fluid_hu"] = fluidHu;
  record.details["patient"] = pair.current.erect ? "erect" : "supine";
  return record;
}

}  // namespace longmim::synth
