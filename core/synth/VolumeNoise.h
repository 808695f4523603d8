// Smooth random fields for tissue texture.
#pragma once

#include <cstdint>

#include "synth/SynthRandom.h"
#include "synth/Volume.h"

namespace longmim::synth {

// Values in about [-1, 1]: uniform random values on a grid of `cell` voxels, trilinearly
// interpolated (value noise).
HuVolume smoothNoise(int nx, int ny, int nz, int cell, SynthRandom& rng);

// The same kind of field evaluated at one voxel without storing a volume: lattice values come
// from a hash of (lattice point, seed), so only the voxels that need texture pay for it.
float valueNoise(int x, int y, int z, int cell, std::uint64_t seed);

}  // namespace longmim::synth
