// A procedural 3-D thorax in Hounsfield units, randomised per case: body, lungs with vessel trees,
// heart, great vessels, airways, spine, ribs, clavicles, scapulae, sternum, diaphragm and upper
// abdomen.
#pragma once

#include "synth/SynthRandom.h"
#include "synth/ThoraxVolume.h"

namespace longmim::synth {

struct PhantomOptions {
  // Voxels along left-right and superior-inferior; anterior-posterior gets 3/4 of it. The field of
  // view is fixed (420 mm), so this sets the voxel size (2.2 mm at 192).
  int lateralVoxels = 192;
};

// Every anatomical parameter (sizes, positions, dome heights, rib spacing, vessel branching, ...)
// is drawn from `rng`, so two seeds give two different patients.
ThoraxVolume buildThoraxPhantom(const PhantomOptions& options, SynthRandom& rng);

}  // namespace longmim::synth
