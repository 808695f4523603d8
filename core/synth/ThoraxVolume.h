// One time point of a synthetic patient: attenuation in HU, structure labels and landmarks.
#pragma once

#include <array>
#include <string>

#include "synth/Volume.h"

namespace longmim::synth {

using Point3 = std::array<double, 3>;  // voxel coordinates (x, y, z), see Volume.h

struct Ellipsoid {
  Point3 centre{0.0, 0.0, 0.0};
  Point3 radii{1.0, 1.0, 1.0};
};

struct ThoraxVolume {
  HuVolume hu;                    // Hounsfield units, air = -1000
  LabelVolume labels;             // Label bits per voxel
  Ellipsoid heart;                // the cardiac silhouette (grown by cardiomegaly)
  std::array<Point3, 2> hilum{};  // [0] right, [1] left: where vessels and bronchi enter
  bool erect = false;             // patient position: erect (PA film) or supine (AP film)
};

}  // namespace longmim::synth
