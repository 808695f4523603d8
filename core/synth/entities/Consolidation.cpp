// Consolidation: groups of dense balls inside one lung (patchy, segmental or lobar), denser than
// aerated lung but keeping the vessels' contrast.
#include <algorithm>
#include <cmath>

#include "synth/Entities.h"
#include "synth/Geometry.h"
#include "synth/VolumeNoise.h"

namespace longmim::synth {
namespace {

struct Ball {
  Point3 centre;
  double radiusMm;
};

struct Pattern {
  int countLo, countHi;
  double radiusLo, radiusHi;  // mm
};

// Patchy, segmental and lobar patterns (after the reference's (count, radius / lung height) sets).
const Pattern kPatterns[] = {{6, 14, 5, 11}, {2, 5, 11, 22}, {1, 2, 24, 42}};

struct Texture {
  int cell;
  std::uint64_t seed;
};

void paint(ThoraxVolume& volume, const std::vector<Ball>& balls, double scale, float densityHu,
           std::uint16_t lungBit, const Texture& texture) {
  for (const Ball& ball : balls) {
    const double r = ball.radiusMm * scale / volume.hu.spacing;
    forEachInEllipsoid(
        volume.hu, Ellipsoid{ball.centre, {r, r, r}}, [&](int x, int y, int z, double c) {
          const size_t i = volume.hu.index(x, y, z);
          if (!(volume.labels.data[i] & lungBit))
            return;
          const float target = densityHu + 120.0f * valueNoise(x, y, z, texture.cell, texture.seed);
          const float blended =
              static_cast<float>(volume.hu.data[i] + c * (target - volume.hu.data[i]));
          volume.hu.data[i] = std::max(volume.hu.data[i], blended);
          if (c >= 0.5)
            volume.labels.data[i] |= kConsolidation;
        });
  }
}

}  // namespace

EntityRecord addConsolidation(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  using namespace entity_detail;
  const int side = rng.integer(0, 1);
  const size_t patternIndex = rng.pick({0.4, 0.35, 0.25});
  const Pattern& pattern = kPatterns[patternIndex];
  const int count = rng.integer(pattern.countLo, pattern.countHi);

  // Balls cluster around a seed point in the lung, as pneumonia does within a lobe.
  std::vector<Ball> balls;
  const VoxelBox lungBox = boundingBox(pair.current.labels, lungBit(side));
  Point3 seed{};
  if (!randomLungVoxel(pair.current, side, lungBox, rng, seed))
    return {EntityKind::Consolidation, "none", when, 0};
  for (int b = 0; b < count * 4 && static_cast<int>(balls.size()) < count; ++b) {
    Point3 p{};
    if (!randomLungVoxel(pair.current, side, lungBox, rng, p))
      break;
    if (distance(p, seed) * pair.current.hu.spacing > 70.0 && !balls.empty())
      continue;
    balls.push_back({p, rng.uniform(pattern.radiusLo, pattern.radiusHi)});
  }
  // Ground glass (about -500 HU) to frank consolidation (about +30 HU).
  const float density = static_cast<float>(rng.uniform(-520.0, 30.0));
  const Texture texture{rng.integer(2, 8), rng.next()};

  // In both films: the same, or grown / shrunk in the current.
  double priorScale = 1.0;
  double currentScale = 1.0;
  int sign = when == TimePoint::Current ? 1 : when == TimePoint::Prior ? -1 : 0;
  if (when == TimePoint::Both && !rng.chance(0.35)) {
    if (rng.chance(0.5)) {
      currentScale = rng.uniform(1.3, 1.7);
      sign = 1;
    } else {
      currentScale = rng.uniform(0.45, 0.75);
      sign = -1;
    }
  }
  const std::uint16_t bit = lungBit(side);
  if (when != TimePoint::Current)
    paint(pair.prior, balls, priorScale, density, bit, texture);
  if (when != TimePoint::Prior)
    paint(pair.current, balls, currentScale, density, bit, texture);

  EntityRecord record{EntityKind::Consolidation, sideName(side), when, sign};
  record.details["pattern"] = patternIndex == 0   ? "patchy"
                              : patternIndex == 1 ? "segmental"
                                                  : "lobar";
  record.details["balls"] = balls.size();
  record.details["density_hu"] = density;
  if (when == TimePoint::Both)
    record.details["current_scale"] = currentScale;
  return record;
}

}  // namespace longmim::synth
