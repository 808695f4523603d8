// Pneumothorax: air between the chest wall and a lung that has shrunk towards its hilum. The rim is
// widest at the apex when the patient is erect, anteriorly and at the base (deep sulcus) when
// supine; the visceral pleural line stays visible at the lung edge.
#include <algorithm>
#include <cmath>
#include <vector>

#include "synth/Entities.h"
#include "synth/Volume.h"

namespace longmim::synth {
namespace {

// Returns the number of voxels turned into pleural air.
size_t paint(ThoraxVolume& volume, int side, double collapse) {
  if (collapse <= 0.0)
    return 0;
  const std::uint16_t bit = entity_detail::lungBit(side);
  const VoxelBox box = boundingBox(volume.labels, bit);
  if (box.empty())
    return 0;
  const Point3 hilum = volume.hilum[side];
  const double lateralSign = side == 0 ? -1.0 : 1.0;
  std::vector<size_t> gap;
  for (int z = box.lo[2]; z < box.hi[2]; ++z) {
    for (int y = box.lo[1]; y < box.hi[1]; ++y) {
      for (int x = box.lo[0]; x < box.hi[0]; ++x) {
        if (!(volume.labels.at(x, y, z) & bit))
          continue;
        const double v[3] = {x - hilum[0], y - hilum[1], z - hilum[2]};
        if (v[0] * lateralSign < 0)
          continue;  // the mediastinal surface stays attached
        const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) + 1e-9;
        double weight = 1.0;
        if (volume.erect) {
          weight += 0.9 * std::max(0.0, -v[2] / n);  // apical
        } else {
          weight +=
              0.9 * std::max(0.0, -v[1] / n) + 0.5 * std::max(0.0, v[2] / n);  // anterior, basal
        }
        const double f = std::min(0.8, collapse * weight);
        // Where this voxel came from before the lung shrank by f: outside the lung means pleural
        // air.
        const int qx = static_cast<int>(std::lround(hilum[0] + v[0] / (1.0 - f)));
        const int qy = static_cast<int>(std::lround(hilum[1] + v[1] / (1.0 - f)));
        const int qz = static_cast<int>(std::lround(hilum[2] + v[2] / (1.0 - f)));
        if (!volume.labels.contains(qx, qy, qz) || !(volume.labels.at(qx, qy, qz) & bit)) {
          gap.push_back(volume.labels.index(x, y, z));
        }
      }
    }
  }
  for (const size_t i : gap) {
    volume.hu.data[i] = -1000.0f;
    volume.labels.data[i] =
        static_cast<std::uint16_t>((volume.labels.data[i] & ~kLungs) | kPneumothorax);
  }
  // Visceral pleural line: lung voxels touching the new air.
  for (int z = box.lo[2] + 1; z < box.hi[2] - 1; ++z) {
    for (int y = box.lo[1] + 1; y < box.hi[1] - 1; ++y) {
      for (int x = box.lo[0] + 1; x < box.hi[0] - 1; ++x) {
        const size_t i = volume.labels.index(x, y, z);
        if (!(volume.labels.data[i] & bit))
          continue;
        const bool edge = (volume.labels.at(x - 1, y, z) | volume.labels.at(x + 1, y, z) |
                           volume.labels.at(x, y - 1, z) | volume.labels.at(x, y + 1, z) |
                           volume.labels.at(x, y, z - 1) | volume.labels.at(x, y, z + 1)) &
                          kPneumothorax;
        if (edge)
          volume.hu.data[i] = std::max(volume.hu.data[i], -380.0f);
      }
    }
  }
  return gap.size();
}

}  // namespace

EntityRecord addPneumothorax(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  const int side = rng.integer(0, 1);
  auto drawCollapse = [&] {
    return rng.chance(0.6) ? rng.uniform(0.06, 0.15) : rng.uniform(0.15, 0.35);
  };
  double priorCollapse = when == TimePoint::Current ? 0.0 : drawCollapse();
  double currentCollapse = when == TimePoint::Prior ? 0.0 : drawCollapse();
  if (when == TimePoint::Both && rng.chance(0.25))
    currentCollapse = priorCollapse;
  const int sign = currentCollapse > priorCollapse ? 1 : currentCollapse < priorCollapse ? -1 : 0;

  const size_t priorVoxels = paint(pair.prior, side, priorCollapse);
  const size_t currentVoxels = paint(pair.current, side, currentCollapse);
  paint(pair.registeredPrior, side, currentCollapse);

  EntityRecord record{EntityKind::Pneumothorax, entity_detail::sideName(side), when, sign};
  record.details["prior_collapse"] = priorCollapse;
  record.details["current_collapse"] = currentCollapse;
  record.details["prior_voxels"] = priorVoxels;
  record.details["current_voxels"] = currentVoxels;
  record.details["patient"] = pair.current.erect ? "erect" : "supine";
  return record;
}

}  // namespace longmim::synth
