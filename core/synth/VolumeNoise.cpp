#include "synth/VolumeNoise.h"

#include <algorithm>

// Written by hand: value noise on a coarse grid is a dozen lines; no library offers it directly.

namespace longmim::synth {

HuVolume smoothNoise(int nx, int ny, int nz, int cell, SynthRandom& rng) {
  cell = std::max(1, cell);
  const int gx = nx / cell + 2;
  const int gy = ny / cell + 2;
  const int gz = nz / cell + 2;
  HuVolume grid(gx, gy, gz, 1.0);
  for (float& v : grid.data)
    v = static_cast<float>(rng.uniform(-1.0, 1.0));
  HuVolume out(nx, ny, nz, 1.0);
  const float inv = 1.0f / static_cast<float>(cell);
  for (int z = 0; z < nz; ++z) {
    const float fz = z * inv;
    const int z0 = static_cast<int>(fz);
    const float tz = fz - z0;
    for (int y = 0; y < ny; ++y) {
      const float fy = y * inv;
      const int y0 = static_cast<int>(fy);
      const float ty = fy - y0;
      for (int x = 0; x < nx; ++x) {
        const float fx = x * inv;
        const int x0 = static_cast<int>(fx);
        const float tx = fx - x0;
        auto g = [&](int dx, int dy, int dz) { return grid.at(x0 + dx, y0 + dy, z0 + dz); };
        const float c00 = g(0, 0, 0) + tx * (g(1, 0, 0) - g(0, 0, 0));
        const float c10 = g(0, 1, 0) + tx * (g(1, 1, 0) - g(0, 1, 0));
        const float c01 = g(0, 0, 1) + tx * (g(1, 0, 1) - g(0, 0, 1));
        const float c11 = g(0, 1, 1) + tx * (g(1, 1, 1) - g(0, 1, 1));
        const float c0 = c00 + ty * (c10 - c00);
        const float c1 = c01 + ty * (c11 - c01);
        out.at(x, y, z) = c0 + tz * (c1 - c0);
      }
    }
  }
  return out;
}

float valueNoise(int x, int y, int z, int cell, std::uint64_t seed) {
  cell = std::max(1, cell);
  auto lattice = [seed](int i, int j, int k) {
    std::uint64_t h =
        seed ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(i)) * 0x9E3779B97F4A7C15ULL) ^
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(j)) * 0xC2B2AE3D27D4EB4FULL) ^
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k)) * 0x165667B19E3779F9ULL);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return static_cast<float>(h >> 40) / static_cast<float>(1ULL << 24) * 2.0f - 1.0f;
  };
  const float inv = 1.0f / static_cast<float>(cell);
  const float fx = x * inv;
  const float fy = y * inv;
  const float fz = z * inv;
  const int x0 = static_cast<int>(fx);
  const int y0 = static_cast<int>(fy);
  const int z0 = static_cast<int>(fz);
  const float tx = fx - x0;
  const float ty = fy - y0;
  const float tz = fz - z0;
  const float c00 = lattice(x0, y0, z0) + tx * (lattice(x0 + 1, y0, z0) - lattice(x0, y0, z0));
  const float c10 =
      lattice(x0, y0 + 1, z0) + tx * (lattice(x0 + 1, y0 + 1, z0) - lattice(x0, y0 + 1, z0));
  const float c01 =
      lattice(x0, y0, z0 + 1) + tx * (lattice(x0 + 1, y0, z0 + 1) - lattice(x0, y0, z0 + 1));
  const float c11 = lattice(x0, y0 + 1, z0 + 1) +
                    tx * (lattice(x0 + 1, y0 + 1, z0 + 1) - lattice(x0, y0 + 1, z0 + 1));
  const float c0 = c00 + ty * (c10 - c00);
  const float c1 = c01 + ty * (c11 - c01);
  return c0 + tz * (c1 - c0);
}

}  // namespace longmim::synth
