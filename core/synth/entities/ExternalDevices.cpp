// External devices: ECG electrodes with their cables, loose wires, and an implanted pacemaker with
// its lead. Very dense, thin, and the same on the current and the registered prior, so that they
// cancel out of the ground truth: devices are not findings.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "synth/Entities.h"
#include "synth/Geometry.h"

namespace longmim::synth {
namespace {

struct Wire {
  std::vector<Point3> points;  // a sampled curve, voxel coordinates
  double radiusMm;
  float hu;
};

struct Sticker {
  Point3 centre;
  double radiusMm;
};

struct Implant {
  Ellipsoid body;
};

struct DeviceSet {
  std::vector<Wire> wires;
  std::vector<Sticker> stickers;
  std::optional<Implant> implant;
};

// First body voxel from the front at (x, z), or -1.
int skinY(const ThoraxVolume& v, int x, int z) {
  for (int y = 0; y < v.labels.ny; ++y) {
    if (v.labels.at(x, y, z) & kBody)
      return y;
  }
  return -1;
}

Point3 bezier(const Point3& a, const Point3& b, const Point3& c, const Point3& d, double t) {
  const double u = 1.0 - t;
  Point3 p{};
  for (int k = 0; k < 3; ++k) {
    p[k] = u * u * u * a[k] + 3 * u * u * t * b[k] + 3 * u * t * t * c[k] + t * t * t * d[k];
  }
  return p;
}

Wire curve(const Point3& a, const Point3& b, const Point3& c, const Point3& d, double radiusMm,
           float hu) {
  Wire w{{}, radiusMm, hu};
  for (int k = 0; k <= 40; ++k)
    w.points.push_back(bezier(a, b, c, d, k / 40.0));
  return w;
}

DeviceSet drawDevices(const ThoraxVolume& v, SynthRandom& rng) {
  DeviceSet set;
  const double s = v.hu.spacing;
  const VoxelBox lungs = boundingBox(v.labels, kLungs);
  if (lungs.empty())
    return set;
  auto randomSkinPoint = [&](Point3& p) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const int x = rng.integer(lungs.lo[0], lungs.hi[0] - 1);
      const int z = rng.integer(lungs.lo[2], lungs.hi[2] - 1);
      const int y = skinY(v, x, z);
      if (y > 0) {
        p = {double(x), double(y) - 0.5, double(z)};
        return true;
      }
    }
    return false;
  };
  auto offField = [&](const Point3& from) {
    // A point beyond the nearest side or the bottom of the volume: cables leave the film.
    const double leftGap = from[0];
    const double rightGap = v.hu.nx - from[0];
    const double bottomGap = v.hu.nz - from[2];
    if (bottomGap < std::min(leftGap, rightGap))
      return Point3{from[0] + rng.uniform(-40, 40), from[1] - 3, v.hu.nz + 5.0};
    return Point3{leftGap < rightGap ? -5.0 : v.hu.nx + 5.0, from[1] - 3,
                  from[2] + rng.uniform(-30, 30)};
  };

  if (rng.chance(0.4)) {  // ECG electrodes, most with a cable
    const int count = rng.integer(1, 7);
    for (int k = 0; k < count; ++k) {
      Point3 p{};
      if (!randomSkinPoint(p))
        continue;
      set.stickers.push_back({p, rng.uniform(7, 10)});
      if (rng.chance(0.85)) {
        const Point3 end = offField(p);
        const Point3 c1{p[0] + rng.uniform(-20, 20), p[1] - 4, p[2] + rng.uniform(-20, 20)};
        const Point3 c2{end[0] + rng.uniform(-20, 20), p[1] - 4, end[2] + rng.uniform(-20, 20)};
        set.wires.push_back(curve(p, c1, c2, end, rng.uniform(0.9, 1.4), 6000.0f));
      }
    }
  }
  if (rng.chance(0.4)) {  // loose cables and lines over the chest
    const int count = rng.integer(1, 9);
    for (int k = 0; k < count; ++k) {
      Point3 a{};
      Point3 b{};
      if (!randomSkinPoint(a) || !randomSkinPoint(b))
        continue;
      a = offField(a);
      const Point3 c1{a[0] + rng.uniform(-30, 30), a[1] - rng.uniform(2, 8),
                      a[2] + rng.uniform(-30, 30)};
      const Point3 c2{b[0] + rng.uniform(-30, 30), b[1] - rng.uniform(2, 8),
                      b[2] + rng.uniform(-30, 30)};
      set.wires.push_back(curve(a, c1, c2, offField(b), rng.uniform(0.8, 1.6),
                                static_cast<float>(rng.uniform(3000, 8000))));
    }
  }
  if (set.stickers.empty() && set.wires.empty() && rng.chance(0.5)) {
    // "Devices present" means at least something: one electrode and its cable.
    Point3 p{};
    if (randomSkinPoint(p)) {
      set.stickers.push_back({p, rng.uniform(7, 10)});
      const Point3 end = offField(p);
      set.wires.push_back(
          curve(p, {p[0], p[1] - 4, p[2] + 10}, {end[0], p[1] - 4, end[2]}, end, 1.1, 6000.0f));
    }
  }
  if (rng.chance(0.3) || (set.stickers.empty() && set.wires.empty())) {  // pacemaker and lead
    const int x =
        std::clamp(static_cast<int>(v.heart.centre[0] + rng.uniform(20, 60) / s), 0, v.hu.nx - 1);
    const int z =
        std::clamp(static_cast<int>(lungs.lo[2] + rng.uniform(20, 45) / s), 0, v.hu.nz - 1);
    const int y = skinY(v, x, z);
    if (y > 0) {
      const Point3 centre{double(x), y + 8 / s, double(z)};
      set.implant = Implant{Ellipsoid{centre, {22 / s, 5 / s, 16 / s}}};
      const Point3 vein{v.heart.centre[0] - 10 / s, v.heart.centre[1], lungs.lo[2] + 35 / s};
      const Point3 apex{v.heart.centre[0] + 0.4 * v.heart.radii[0], v.heart.centre[1],
                        v.heart.centre[2] + 0.5 * v.heart.radii[2]};
      set.wires.push_back(curve(centre, {centre[0] - 30 / s, centre[1] + 10 / s, centre[2] - 5 / s},
                                vein, apex, 1.2, 8000.0f));
    }
  }
  return set;
}

void paint(ThoraxVolume& v, const DeviceSet& set) {
  const double s = v.hu.spacing;
  auto dense = [&](int x, int y, int z, double c, float hu) {
    const size_t i = v.hu.index(x, y, z);
    v.hu.data[i] =
        std::max(v.hu.data[i], static_cast<float>(v.hu.data[i] + c * (hu - v.hu.data[i])));
    if (c >= 0.5)
      v.labels.data[i] |= kDevice;
  };
  for (const Wire& w : set.wires) {
    const double r = std::max(0.5, w.radiusMm / s);
    const double density = std::min(1.0, 2.0 * w.radiusMm / s);
    for (size_t k = 1; k < w.points.size(); ++k) {
      forEachNearSegment(v.hu, w.points[k - 1], w.points[k], r,
                         [&](int x, int y, int z, double c) { dense(x, y, z, c * density, w.hu); });
    }
  }
  for (const Sticker& st : set.stickers) {
    const double r = st.radiusMm / s;
    forEachInEllipsoid(v.hu, Ellipsoid{st.centre, {r, 0.6, r}},
                       [&](int x, int y, int z, double c) { dense(x, y, z, c * 0.6, 900.0f); });
    forEachInEllipsoid(v.hu, Ellipsoid{st.centre, {2.5 / s + 0.5, 0.8, 2.5 / s + 0.5}},
                       [&](int x, int y, int z, double c) { dense(x, y, z, c, 8000.0f); });
  }
  if (set.implant) {  // metal: far denser than bone
    forEachInEllipsoid(v.hu, set.implant->body,
                       [&](int x, int y, int z, double c) { dense(x, y, z, c, 12000.0f); });
  }
}

}  // namespace

EntityRecord addDevices(PairVolumes& pair, TimePoint when, SynthRandom& rng) {
  DeviceSet priorSet;
  DeviceSet currentSet;
  if (when != TimePoint::Current)
    priorSet = drawDevices(pair.prior, rng);
  if (when == TimePoint::Both && rng.chance(0.5)) {
    currentSet = priorSet;  // unchanged
  } else if (when != TimePoint::Prior) {
    currentSet = drawDevices(pair.current, rng);
  }
  paint(pair.prior, priorSet);
  paint(pair.current, currentSet);
  paint(pair.registeredPrior, currentSet);

  EntityRecord record{EntityKind::Devices, "none", when, 0};  // devices are never a change
  auto describe = [](const DeviceSet& set) {
    nlohmann::ordered_json j;
    j["wires"] = set.wires.size();
    j["ecg_electrodes"] = set.stickers.size();
    j["implant"] = set.implant.has_value();
    return j;
  };
  record.details["prior"] = describe(priorSet);
  record.details["current"] = describe(currentSet);
  return record;
}

}  // namespace longmim::synth
