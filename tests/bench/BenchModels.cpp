// Benchmark: forward + backward milliseconds per sample for each architecture x size at its image
// size, on 1 and 2 threads, and the fraction of this machine's fp32 matrix-multiply rate reached.
// Not a test: run on demand; numbers go into docs/benchmarks.md.
//
//   bench_models [--skip-paper]
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "ComputeThreads.h"
#include "config/Presets.h"
#include "model/ModelFactory.h"
#include "model/ModelSummary.h"

using namespace longmim;

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// GFLOP/s of a large fp32 matrix product (2 n^3 flops).
double matmulRate(int n) {
  const torch::Tensor a = torch::rand({n, n});
  const torch::Tensor b = torch::rand({n, n});
  torch::mm(a, b);  // warm-up
  const int repeats = 5;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i)
    torch::mm(a, b);
  return repeats * 2.0 * n * n * n / since(start) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const bool skipPaper = argc > 1 && std::strcmp(argv[1], "--skip-paper") == 0;
  std::printf("fp32 matrix multiply (2048 x 2048): ");
  double peak[3] = {0, 0, 0};
  for (const int threads : {1, 2}) {
    setComputeThreads(threads);
    setBlasThreads(threads);  // the peak: OpenBLAS on every thread
    peak[threads] = matmulRate(2048);
    setBlasThreads(1);
    std::printf("%d thread%s %.1f GFLOP/s%s", threads, threads == 1 ? "" : "s", peak[threads],
                threads == 1 ? ", " : "\n");
  }
  std::printf("\n%-10s %-9s %5s %6s %8s %14s %10s %9s\n", "arch", "size", "image", "batch",
              "threads", "ms/sample", "GFLOP/s", "of peak");
  for (const char* arch : {"reference", "big"}) {
    for (const char* size : {"tiny", "cpu-demo", "paper"}) {
      if (skipPaper && std::strcmp(size, "paper") == 0)
        continue;
      TrainingConfig config = presetConfig(size);
      config.modelArch = arch;
      const double gflops = [&] {
        setComputeThreads(2);
        const model::ModelSummary s = model::summarizeModel(config);
        return s.forwardGflops + s.backwardGflops;
      }();
      const int batch = std::strcmp(size, "paper") == 0 ? 1 : config.batchSize;
      const int repeats = std::strcmp(size, "paper") == 0 ? 1 : 5;
      for (const int threads : {1, 2}) {
        setComputeThreads(threads);
        const model::LongitudinalModel model = model::buildModel(config);
        model->train();
        const torch::Tensor b = torch::rand({batch, 1, config.imgSize, config.imgSize});
        const torch::Tensor f = torch::rand({batch, 1, config.imgSize, config.imgSize});
        model->forward(b, f).mean().backward();  // warm-up
        const auto start = std::chrono::steady_clock::now();
        for (int r = 0; r < repeats; ++r) {
          model->zero_grad();
          model->forward(b, f).mean().backward();
        }
        const double perSample = since(start) / (repeats * batch);
        const double rate = gflops / perSample;
        std::printf("%-10s %-9s %5d %6d %8d %14.1f %10.1f %8.0f%%\n", arch, size, config.imgSize,
                    batch, threads, 1000 * perSample, rate, 100 * rate / peak[threads]);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
