#include "synth/DemoDataset.h"

#include <cstdlib>
#include <filesystem>

#include "io/DataHome.h"

namespace fs = std::filesystem;

namespace longmim::synth {
namespace {

// 10% of them (the cpu-demo preset's VAL_FRACTION) are the 72 validation pairs. 720 rather than
// 240: with 192 training pairs the demo model over-fitted them (docs/learning.md).
constexpr int kDemoPairs = 720;
constexpr int kDemoSize = 128;  // the cpu-demo preset's IMG_SIZE
constexpr std::uint64_t kDemoSeed = 2026;
// Part of the folder name: a version whose demo settings change gets a fresh folder instead of
// refusing the old one (which holds pairs made with other settings).
// v2: the "demo" generator profile; v3: 720 pairs.
constexpr const char* kDemoFolder = "demo-v3";

bool pairComplete(const fs::path& folder) {
  std::error_code ec;
  for (const char* name : {"prior.nii.gz", "current.nii.gz", "diff_map.nii.gz", "params.json"}) {
    if (!fs::is_regular_file(folder / name, ec))
      return false;
  }
  return true;
}

}  // namespace

std::string defaultDemoDatasetDir() {
  if (const char* dir = std::getenv("LONGMIM_DEMO_DIR"); dir && *dir)
    return dir;
  return (fs::path(studioDataHome()) / kDemoFolder).string();
}

SynthJob demoDatasetJob(const std::string& dir) {
  SynthJob job;
  job.outputDir = dir;
  job.count = kDemoPairs;
  if (const char* pairs = std::getenv("LONGMIM_DEMO_PAIRS"); pairs && std::atoi(pairs) > 0) {
    job.count = std::atoi(pairs);
  }
  job.seed = kDemoSeed;
  job.options = synthProfile("demo");
  job.options.size = kDemoSize;
  return job;
}

bool isDemoDatasetComplete(const std::string& dir) {
  const SynthJob job = demoDatasetJob(dir);
  if (!fs::is_regular_file(fs::path(dir) / "synth_settings.json"))
    return false;
  // One pair per case for the phantom: case_XXX/pair_000.
  for (int i = 0; i < job.count; ++i) {
    std::string index = std::to_string(i);
    index.insert(0, index.size() < 3 ? 3 - index.size() : 0, '0');
    if (!pairComplete(fs::path(dir) / ("case_" + index) / "pair_000"))
      return false;
  }
  return true;
}

}  // namespace longmim::synth
