// Voxel iteration over simple solids (segments with a radius, ellipsoids) with a one-voxel soft
// edge, the building blocks of the phantom, the entities and the devices.
#pragma once

#include <algorithm>
#include <cmath>

#include "synth/ThoraxVolume.h"

namespace longmim::synth {

inline double distance(const Point3& a, const Point3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

// Calls fn(x, y, z, coverage) for every voxel whose centre lies within radius + 0.5 of the segment
// p0-p1; coverage falls linearly from 1 (inside radius - 0.5) to 0 (radius + 0.5).
template <typename T, typename Fn>
void forEachNearSegment(const Volume<T>& volume, const Point3& p0, const Point3& p1, double radius,
                        Fn&& fn) {
  int lo[3];
  int hi[3];
  for (int d = 0; d < 3; ++d) {
    lo[d] = std::max(0, static_cast<int>(std::floor(std::min(p0[d], p1[d]) - radius - 1)));
  }
  hi[0] = std::min(volume.nx - 1, static_cast<int>(std::ceil(std::max(p0[0], p1[0]) + radius + 1)));
  hi[1] = std::min(volume.ny - 1, static_cast<int>(std::ceil(std::max(p0[1], p1[1]) + radius + 1)));
  hi[2] = std::min(volume.nz - 1, static_cast<int>(std::ceil(std::max(p0[2], p1[2]) + radius + 1)));
  const double d[3] = {p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
  const double length2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  for (int z = lo[2]; z <= hi[2]; ++z) {
    for (int y = lo[1]; y <= hi[1]; ++y) {
      for (int x = lo[0]; x <= hi[0]; ++x) {
        const double v[3] = {x - p0[0], y - p0[1], z - p0[2]};
        double t = length2 > 0 ? (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]) / length2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double e[3] = {v[0] - t * d[0], v[1] - t * d[1], v[2] - t * d[2]};
        const double dist = std::sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
        const double coverage = std::clamp(radius + 0.5 - dist, 0.0, 1.0);
        if (coverage > 0.0)
          fn(x, y, z, coverage);
      }
    }
  }
}

// Calls fn(x, y, z, coverage) for voxels inside the ellipsoid, with a soft edge about one voxel
// wide (coverage from the normalised radius).
template <typename T, typename Fn>
void forEachInEllipsoid(const Volume<T>& volume, const Ellipsoid& e, Fn&& fn) {
  const int lo[3] = {std::max(0, static_cast<int>(std::floor(e.centre[0] - e.radii[0] - 1))),
                     std::max(0, static_cast<int>(std::floor(e.centre[1] - e.radii[1] - 1))),
                     std::max(0, static_cast<int>(std::floor(e.centre[2] - e.radii[2] - 1)))};
  const int hi[3] = {
      std::min(volume.nx - 1, static_cast<int>(std::ceil(e.centre[0] + e.radii[0] + 1))),
      std::min(volume.ny - 1, static_cast<int>(std::ceil(e.centre[1] + e.radii[1] + 1))),
      std::min(volume.nz - 1, static_cast<int>(std::ceil(e.centre[2] + e.radii[2] + 1)))};
  const double minRadius = std::max(1.0, std::min({e.radii[0], e.radii[1], e.radii[2]}));
  for (int z = lo[2]; z <= hi[2]; ++z) {
    for (int y = lo[1]; y <= hi[1]; ++y) {
      for (int x = lo[0]; x <= hi[0]; ++x) {
        const double u = (x - e.centre[0]) / e.radii[0];
        const double v = (y - e.centre[1]) / e.radii[1];
        const double w = (z - e.centre[2]) / e.radii[2];
        const double r = std::sqrt(u * u + v * v + w * w);
        const double coverage = std::clamp((1.0 - r) * minRadius + 0.5, 0.0, 1.0);
        if (coverage > 0.0)
          fn(x, y, z, coverage);
      }
    }
  }
}

}  // namespace longmim::synth
