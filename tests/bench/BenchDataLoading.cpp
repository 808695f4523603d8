// Benchmark: pairs per second to load and preprocess 512x512 .nii.gz pairs, cold and cached,
// on 1 and 2 loader threads, with and without training augmentation. Prints a table; the numbers
// go into docs/benchmarks.md. Not a test: run on demand.
//
//   bench_data_loading [--pairs N] [--source-size S] [--img-size S] [--keep DIR]
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "ComputeThreads.h"
#include "config/Presets.h"
#include "data/PairIndex.h"
#include "data/PairLoader.h"
#include "io/NiftiIO.h"

using namespace longmim;
namespace fs = std::filesystem;

namespace {

// A smooth random field plus fine noise: compresses like a real DRR rather than like a constant.
Image2D syntheticXray(int size, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 0.02f);
  std::uniform_real_distribution<float> phase(0.0f, 6.28f);
  const float a = phase(rng);
  const float b = phase(rng);
  Image2D image(size, size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      image.at(y, x) =
          0.5f + 0.3f * std::sin(x * 0.021f + a) * std::cos(y * 0.017f + b) + noise(rng);
    }
  }
  return image;
}

void generate(const std::string& root, int pairs, int size) {
  std::mt19937 rng(1);
  for (int i = 0; i < pairs; ++i) {
    const std::string folder = root + "/case_" + std::to_string(i);
    fs::create_directories(folder);
    writeImage2D(syntheticXray(size, rng), folder + "/prior.nii.gz");
    writeImage2D(syntheticXray(size, rng), folder + "/current.nii.gz");
    Image2D diff = syntheticXray(size, rng);
    for (float& v : diff.pixels)
      v = (v - 0.5f) * 0.1f;
    writeImage2D(diff, folder + "/diff_map.nii.gz");
  }
}

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Pairs per second of one epoch consumed as fast as the loader delivers.
double runEpoch(PairLoader& loader, int epoch, size_t pairs) {
  const auto start = std::chrono::steady_clock::now();
  loader.startEpoch(epoch);
  while (loader.next()) {
  }
  return pairs / seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  int pairs = 64;
  int sourceSize = 512;
  int imgSize = 512;
  std::string keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--pairs")
      pairs = std::atoi(argv[i + 1]);
    if (flag == "--source-size")
      sourceSize = std::atoi(argv[i + 1]);
    if (flag == "--img-size")
      imgSize = std::atoi(argv[i + 1]);
    if (flag == "--keep")
      keep = argv[i + 1];
  }
  const std::string root =
      keep.empty() ? (fs::temp_directory_path() / "longmim_bench_data").string() : keep;
  if (!fs::exists(root + "/case_" + std::to_string(pairs - 1) + "/diff_map.nii.gz")) {
    std::printf("generating %d pairs of %dx%d .nii.gz into %s ...\n", pairs, sourceSize, sourceSize,
                root.c_str());
    fs::remove_all(root);
    generate(root, pairs, sourceSize);
  }
  const PairIndex index = PairIndex::scan(root);
  const std::vector<CaseEntry> cases = index.validCases();

  // Single-file decode: the floor of everything below.
  {
    const auto start = std::chrono::steady_clock::now();
    for (const CaseEntry& c : cases)
      readImage2D(c.priorPath);
    std::printf("readImage2D of one %dx%d .nii.gz: %.2f ms\n", sourceSize, sourceSize,
                1000.0 * seconds(start) / cases.size());
  }

  std::printf("\n%zu pairs %dx%d -> IMG_SIZE %d (OS file cache warm)\n", cases.size(), sourceSize,
              sourceSize, imgSize);
  std::printf("%-10s %-8s %-8s %10s\n", "mode", "augment", "threads", "pairs/s");
  TrainingConfig config = presetConfig("paper");
  config.imgSize = imgSize;
  for (const bool augment : {false, true}) {
    for (const int threads : {1, 2}) {
      setComputeThreads(threads);
      auto dataset =
          std::make_shared<PairDataset>(cases, config, augment, std::make_shared<ImageCache>());
      PairLoader::Options options;
      options.batchSize = 4;
      options.threads = static_cast<size_t>(threads);
      options.prefetchBatches = 4;
      options.seed = 1;
      PairLoader loader(dataset, options);
      const double cold = runEpoch(loader, 0, cases.size());    // decodes and fills the cache
      const double cached = runEpoch(loader, 1, cases.size());  // served from memory
      std::printf("%-10s %-8s %-8d %10.1f\n", "cold", augment ? "yes" : "no", threads, cold);
      std::printf("%-10s %-8s %-8d %10.1f\n", "cached", augment ? "yes" : "no", threads, cached);
    }
  }
  if (keep.empty())
    fs::remove_all(root);
  return 0;
}
