#include "synth/DrrProjector.h"

#include <algorithm>
#include <cmath>

#include "Error.h"
#include "data/ImageResize.h"

namespace longmim::synth {

VoxelBox lungFrame(const LabelVolume& labels, const RotationAngles& rotation, double marginMm) {
  const VoxelBox box = boundingBox(labels, kLungs);
  if (box.empty())
    throw Error("the volume has no lung voxel to frame the radiograph on");
  const std::array<int, 3> dims{labels.nx, labels.ny, labels.nz};
  double lo[3] = {1e9, 1e9, 1e9};
  double hi[3] = {-1e9, -1e9, -1e9};
  for (int corner = 0; corner < 8; ++corner) {
    const Point3 p{static_cast<double>(corner & 1 ? box.hi[0] : box.lo[0]),
                   static_cast<double>(corner & 2 ? box.hi[1] : box.lo[1]),
                   static_cast<double>(corner & 4 ? box.hi[2] : box.lo[2])};
    const Point3 q = rotatePoint(p, dims, rotation);
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(lo[d], q[d]);
      hi[d] = std::max(hi[d], q[d]);
    }
  }
  const double margin = marginMm / labels.spacing;
  VoxelBox frame;
  frame.lo[0] = std::clamp(static_cast<int>(std::floor(lo[0] - margin)), 0, labels.nx - 1);
  frame.hi[0] = std::clamp(static_cast<int>(std::ceil(hi[0] + margin)), frame.lo[0] + 1, labels.nx);
  frame.lo[1] = 0;
  frame.hi[1] = labels.ny;
  frame.lo[2] = std::clamp(static_cast<int>(std::floor(lo[2] - margin)), 0, labels.nz - 1);
  frame.hi[2] = std::clamp(static_cast<int>(std::ceil(hi[2] + margin)), frame.lo[2] + 1, labels.nz);
  return frame;
}

namespace {

template <typename T, typename Fn>
Image2D project(const Volume<T>& volume, int size, Fn&& value) {
  Image2D film(volume.nz, volume.nx, 0.0f);
  for (int z = 0; z < volume.nz; ++z) {
    float* row = &film.pixels[static_cast<size_t>(z) * film.cols];
    for (int y = 0; y < volume.ny; ++y) {
      const T* line = &volume.data[volume.index(0, y, z)];
      for (int x = 0; x < film.cols; ++x)
        row[x] += value(line[x]);
    }
  }
  film.geometry.spacing = {volume.spacing, volume.spacing};
  return resizeImage(film, size, size);
}

}  // namespace

Image2D projectDrr(const HuVolume& film, int size) {
  return project(film, size, [](float hu) { return std::max(hu, -1000.0f) + 1000.0f; });
}

Image2D projectThickness(const LabelVolume& film, std::uint16_t bits, int size) {
  return project(film, size, [bits](std::uint16_t label) { return (label & bits) ? 1.0f : 0.0f; });
}

}  // namespace longmim::synth
