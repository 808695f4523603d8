// A dense 3-D voxel grid in the generator's patient frame: x = left-right, y = anterior-posterior,
// z = superior-inferior (z = 0 is the top slice, so a projection along y reads as an upright film).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace longmim::synth {

template <typename T>
struct Volume {
  int nx = 0;            // left-right: x = 0 is the patient's right (shown on the viewer's left)
  int ny = 0;            // anterior-posterior: y = 0 is anterior
  int nz = 0;            // superior-inferior: z = 0 is superior
  double spacing = 1.0;  // mm per voxel, isotropic
  std::vector<T> data;

  Volume() = default;
  Volume(int x, int y, int z, double mm, T fill = T{})
      : nx(x), ny(y), nz(z), spacing(mm), data(static_cast<size_t>(x) * y * z, fill) {}

  size_t index(int x, int y, int z) const {
    return static_cast<size_t>(x) +
           static_cast<size_t>(nx) * (static_cast<size_t>(y) + static_cast<size_t>(ny) * z);
  }
  T& at(int x, int y, int z) { return data[index(x, y, z)]; }
  const T& at(int x, int y, int z) const { return data[index(x, y, z)]; }
  bool contains(int x, int y, int z) const {
    return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz;
  }
  size_t size() const { return data.size(); }
};

using HuVolume = Volume<float>;
using LabelVolume = Volume<std::uint16_t>;

// Bits of a LabelVolume voxel. One label volume per time point says which structures a voxel
// belongs to; the ground truth is built from their projections.
enum Label : std::uint16_t {
  kBody = 1u << 0,
  kLungRight = 1u << 1,
  kLungLeft = 1u << 2,
  kHeart = 1u << 3,
  kBone = 1u << 4,
  kConsolidation = 1u << 5,
  kEffusion = 1u << 6,
  kPneumothorax = 1u << 7,
  kFluidOverload = 1u << 8,
  kDevice = 1u << 9,
};
constexpr std::uint16_t kLungs = kLungRight | kLungLeft;

// An axis-aligned box of voxels, inclusive-exclusive.
struct VoxelBox {
  std::array<int, 3> lo{0, 0, 0};
  std::array<int, 3> hi{0, 0, 0};
  bool empty() const { return hi[0] <= lo[0] || hi[1] <= lo[1] || hi[2] <= lo[2]; }
};

// The bounding box of voxels having any of `bits`.
VoxelBox boundingBox(const LabelVolume& labels, std::uint16_t bits);

}  // namespace longmim::synth
