// Fluid overload (pulmonary oedema): bilateral perihilar haziness that fades towards the periphery,
// denser at the bases, with Kerley B lines at the lateral bases.
#include <algorithm>
#include <cmath>

#include "synth/Entities.h"
#include "synth/Geometry.h"

namespace longmim::synth {
namespace {

struct Oedema {
  double peakHu;    // added density at the hilum
  double sigmaMm;   // spread of the perihilar haze
  double basalHu;   // extra density towards the diaphragm
  int kerleyLines;  // per side
  std::uint64_t linesSeed;
};

void paint(ThoraxVolume& volume, const Oedema& o, double severity) {
  if (severity <= 0.0)
    return;
  const double s = volume.hu.spacing;
  const VoxelBox lungs = boundingBox(volume.labels, kLungs);
  const double zTop = lungs.lo[2];
  const double zHeight = std::max(1, lungs.hi[2] - lungs.lo[2]);
  for (int z = lungs.lo[2]; z < lungs.hi[2]; ++z) {
    const double basal = std::clamp((z - zTop) / zHeight, 0.0, 1.0);
    for (int y = lungs.lo[1]; y < lungs.hi[1]; ++y) {
      for (int x = lungs.lo[0]; x < lungs.hi[0]; ++x) {
        const size_t i = volume.hu.index(x, y, z);
        const std::uint16_t label = volume.labels.data[i];
        if (!(label & kLungs))
          continue;
        const Point3& hilum = volume.hilum[(label & kLungRight) ? 0 : 1];
        const double d = distance({double(x), double(y), double(z)}, hilum) * s;
        const double added = severity * (o.peakHu * std::exp(-d * d / (2 * o.sigmaMm * o.sigmaMm)) +
                                         o.basalHu * basal * basal);
        volume.hu.data[i] += static_cast<float>(added);
        if (added > 40.0)
          volume.labels.data[i] |= kFluidOverload;
      }
    }
  }
  // Kerley B lines: thin horizontal septa reaching the lateral pleura above the costophrenic angle.
  SynthRandom lines(o.linesSeed);
  for (int side = 0; side < 2; ++side) {
    const std::uint16_t bit = entity_detail::lungBit(side);
    const VoxelBox box = boundingBox(volume.labels, bit);
    if (box.empty())
      continue;
    const int count = static_cast<int>(std::lround(o.kerleyLines * severity));
    for (int k = 0; k < count; ++k) {
      const int z =
          static_cast<int>(box.hi[2] - (box.hi[2] - box.lo[2]) * lines.uniform(0.08, 0.3));
      const int y = static_cast<int>(lines.uniform(box.lo[1], box.hi[1]));
      // Walk in from the lateral edge of the lung at this height.
      const int step = side == 0 ? 1 : -1;
      int x = side == 0 ? box.lo[0] : box.hi[0] - 1;
      while (volume.labels.contains(x, y, z) && !(volume.labels.at(x, y, z) & bit) &&
             x >= box.lo[0] && x < box.hi[0]) {
        x += step;
      }
      if (!volume.labels.contains(x, y, z))
        continue;
      const Point3 p{double(x), double(y), double(z)};
      const Point3 q{x + step * lines.uniform(12, 22) / s, double(y), double(z)};
      forEachNearSegment(volume.hu, p, q, 0.6, [&](int vx, int vy, int vz, double c) {
        const size_t i = volume.hu.index(vx, vy, vz);
        if (volume.labels.data[i] & bit)
          volume.hu.data[i] += static_cast<float>(c * 350.0 * severity);
      });
    }
  }
}

}  // namespace

EntityRecord addFluidOverload(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  const Oedema oedema{rng.uniform(120, 300), rng.uniform(45, 80), rng.uniform(40, 140),
                      rng.integer(4, 12), rng.next()};
  double priorSeverity = when == TimePoint::Current ? 0.0 : 1.0;
  double currentSeverity = when == TimePoint::Prior ? 0.0 : 1.0;
  int sign = when == TimePoint::Current ? 1 : when == TimePoint::Prior ? -1 : 0;
  if (when == TimePoint::Both && !rng.chance(0.2)) {  // progress 0 with p 0.2, else +-1
    sign = rng.sign();
    (sign > 0 ? priorSeverity : currentSeverity) = rng.uniform(0.3, 0.6);
  }
  paint(pair.prior, oedema, priorSeverity);
  paint(pair.current, oedema, currentSeverity);

  EntityRecord record{EntityKind::FluidOverload, "both", when, sign};
  record.details["peak_hu"] = oedema.peakHu;
  record.details["spread_mm"] = oedema.sigmaMm;
  record.details["kerley_lines_per_side"] = oedema.kerleyLines;
  record.details["prior_severity"] = priorSeverity;
  record.details["current_severity"] = currentSeverity;
  return record;
}

}  // namespace longmim::synth
