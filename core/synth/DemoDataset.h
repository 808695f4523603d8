// The embedded demo dataset: synthetic pairs generated on first use into the user's data folder,
// shared by the studio and by `longmim train` without a data argument.
#pragma once

#include <string>

#include "synth/DatasetSynthesizer.h"

namespace longmim::synth {

// $XDG_DATA_HOME/longitudinal-mim-studio/demo-v3 (default ~/.local/share/...), or
// $LONGMIM_DEMO_DIR when set (tests, shared installations).
std::string defaultDemoDatasetDir();

// 720 phantom pairs at the cpu-demo image size (128 px), fixed seed, the "demo" profile.
// $LONGMIM_DEMO_PAIRS overrides the count (tests).
SynthJob demoDatasetJob(const std::string& dir);

// True when `dir` holds every pair of demoDatasetJob(dir).
bool isDemoDatasetComplete(const std::string& dir);

}  // namespace longmim::synth
