#include "synth/Volume.h"

#include <algorithm>

namespace longmim::synth {

VoxelBox boundingBox(const LabelVolume& labels, std::uint16_t bits) {
  VoxelBox box{{labels.nx, labels.ny, labels.nz}, {0, 0, 0}};
  for (int z = 0; z < labels.nz; ++z) {
    for (int y = 0; y < labels.ny; ++y) {
      for (int x = 0; x < labels.nx; ++x) {
        if (!(labels.at(x, y, z) & bits))
          continue;
        box.lo = {std::min(box.lo[0], x), std::min(box.lo[1], y), std::min(box.lo[2], z)};
        box.hi = {std::max(box.hi[0], x + 1), std::max(box.hi[1], y + 1),
                  std::max(box.hi[2], z + 1)};
      }
    }
  }
  return box;
}

}  // namespace longmim::synth
