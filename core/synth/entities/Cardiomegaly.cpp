// Cardiomegaly: the cardiac silhouette grows, mostly to the left and downwards, pushing into the
// lungs; the cardiothoracic ratio (CTR) follows.
#include <algorithm>
#include <cmath>

#include "synth/Entities.h"
#include "synth/Geometry.h"

namespace longmim::synth {
namespace {

struct Growth {
  double x = 1.0;
  double y = 1.0;
  double z = 1.0;
};

// The enlarged heart ellipsoid for a growth factor.
Ellipsoid grownHeart(const Ellipsoid& heart, const Growth& g) {
  Ellipsoid e = heart;
  e.radii = {heart.radii[0] * g.x, heart.radii[1] * g.y, heart.radii[2] * g.z};
  e.centre[0] += 0.5 * (g.x - 1.0) * heart.radii[0];  // towards the patient's left
  e.centre[2] += 0.3 * (g.z - 1.0) * heart.radii[2];  // and down onto the diaphragm
  return e;
}

void paint(ThoraxVolume& volume, const Growth& g) {
  if (g.x == 1.0 && g.y == 1.0 && g.z == 1.0)
    return;
  const Ellipsoid e = grownHeart(volume.heart, g);
  forEachInEllipsoid(volume.hu, e, [&](int x, int y, int z, double c) {
    const size_t i = volume.hu.index(x, y, z);
    const std::uint16_t label = volume.labels.data[i];
    if ((label & kBone) || !(label & kBody))
      return;
    volume.hu.data[i] = static_cast<float>(volume.hu.data[i] + c * (40.0 - volume.hu.data[i]));
    if (c >= 0.5)
      volume.labels.data[i] = static_cast<std::uint16_t>((label & ~kLungs) | kHeart);
  });
  volume.heart = e;
}

double cardiothoracicRatio(const ThoraxVolume& volume) {
  const VoxelBox lungs = boundingBox(volume.labels, kLungs | kEffusion | kPneumothorax);
  const double thorax = std::max(1, lungs.hi[0] - lungs.lo[0]);
  return 2.0 * volume.heart.radii[0] / thorax;
}

}  // namespace

EntityRecord addCardiomegaly(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  auto drawGrowth = [&] {
    return Growth{rng.uniform(1.15, 1.4), rng.uniform(1.0, 1.12), rng.uniform(1.02, 1.15)};
  };
  Growth prior;
  Growth current;
  if (when != TimePoint::Current)
    prior = drawGrowth();
  if (when != TimePoint::Prior)
    current = drawGrowth();
  if (when == TimePoint::Both && rng.chance(0.25))
    current = prior;
  const double priorCtrBefore = cardiothoracicRatio(pair.prior);
  paint(pair.prior, prior);
  paint(pair.current, current);
  paint(pair.registeredPrior, current);
  const double priorCtr = cardiothoracicRatio(pair.prior);
  const double currentCtr = cardiothoracicRatio(pair.current);
  const double change = current.x * current.z - prior.x * prior.z;
  const int sign = change > 1e-9 ? 1 : change < -1e-9 ? -1 : 0;

  EntityRecord record{EntityKind::Cardiomegaly, "none", when, sign};
  record.details["ctr_normal"] = priorCtrBefore;
  record.details["ctr_prior"] = priorCtr;
  record.details["ctr_current"] = currentCtr;
  // The reference's label: the CTR change counts only beyond 0.075.
  record.details["ctr_progress"] =
      std::fabs(currentCtr - priorCtr) > 0.075 ? (currentCtr > priorCtr ? 1 : -1) : 0;
  return record;
}

}  // namespace longmim::synth
