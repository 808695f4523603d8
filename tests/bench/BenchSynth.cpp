// Benchmark: synthetic pairs per second (phantom path, default entities) on 1 and 2 threads, and
// where one pair's time goes. Not a test: run on demand; numbers go into docs/benchmarks.md.
//
//   bench_synth [--pairs N] [--size PX]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "io/DiffOverlay.h"
#include "io/NiftiIO.h"
#include "io/PngWriter.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/ThoraxPhantom.h"

using namespace longmim;
using namespace longmim::synth;
namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int pairs = 16;
  int size = 512;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--pairs")
      pairs = std::atoi(argv[i + 1]);
    if (flag == "--size")
      size = std::atoi(argv[i + 1]);
  }
  const fs::path root = fs::temp_directory_path() / "longmim_bench_synth";

  // One pair, stage by stage, single thread.
  {
    const fs::path dir = root / "stages";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const int grid = std::clamp(size / 2, 96, 192);
    auto t = std::chrono::steady_clock::now();
    double phantom = 0;
    double generate = 0;
    double write = 0;
    const int repeats = 4;
    for (int r = 0; r < repeats; ++r) {
      t = std::chrono::steady_clock::now();
      SynthRandom rng(r);
      const ThoraxVolume base = buildThoraxPhantom(PhantomOptions{grid}, rng);
      phantom += since(t);
      SynthOptions options;
      options.size = size;
      t = std::chrono::steady_clock::now();
      const GeneratedPair pair = PairGenerator(options).generate(base, 1000 + r);
      generate += since(t);
      t = std::chrono::steady_clock::now();
      writeImage2D(pair.prior, (dir / "prior.nii.gz").string());
      writeImage2D(pair.current, (dir / "current.nii.gz").string());
      writeImage2D(pair.diff, (dir / "diff_map.nii.gz").string());
      writeRgbPng((dir / "preview.png").string(), size, size,
                  renderDiffOverlay(pair.current, pair.diff));
      write += since(t);
    }
    std::printf("one pair at %d px (phantom grid %d voxels), mean of %d:\n", size, grid, repeats);
    std::printf(
        "  phantom %.0f ms, entities + rotation + DRR + ground truth %.0f ms, writing %.0f ms\n",
        1000 * phantom / repeats, 1000 * generate / repeats, 1000 * write / repeats);
  }

  std::printf("\n%d pairs at %d px, default entities:\n", pairs, size);
  std::printf("%-8s %10s %10s\n", "threads", "seconds", "pairs/s");
  for (const int threads : {1, 2}) {
    const fs::path dir = root / ("t" + std::to_string(threads));
    fs::remove_all(dir);
    SynthJob job;
    job.outputDir = dir.string();
    job.count = pairs;
    job.seed = 7;
    job.threads = threads;
    job.options.size = size;
    const auto start = std::chrono::steady_clock::now();
    DatasetSynthesizer(job).run();
    const double seconds = since(start);
    std::printf("%-8d %10.2f %10.2f\n", threads, seconds, pairs / seconds);
  }
  fs::remove_all(root);
  return 0;
}
