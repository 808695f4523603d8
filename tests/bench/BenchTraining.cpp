// Benchmark: end-to-end epoch time of the Trainer against pure compute time on the same batches,
// and how much of the data loading the prefetching hides; samples/s for cpu-demo and paper.
// Not a test: run on demand; numbers go into docs/benchmarks.md.
//
//   bench_training [cpu-demo|paper]   (default: both; run one per process for its peak memory)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <sys/resource.h>

#include "ComputeThreads.h"
#include "config/Presets.h"
#include "data/PairLoader.h"
#include "data/TrainingData.h"
#include "loss/LossComposer.h"
#include "model/ModelFactory.h"
#include "synth/DatasetSynthesizer.h"
#include "train/Trainer.h"

using namespace longmim;
namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class EpochTimes : public TrainerObserver {
 public:
  std::vector<double> seconds;
  std::vector<double> samplesPerSecond;
  void epochFinished(const EpochRecord& e, const TrainingHistory&) override {
    seconds.push_back(e.seconds);
    samplesPerSecond.push_back(e.samplesPerSecond);
  }
};

struct Measures {
  double loadSeconds;     // reading + preparing every training batch alone, cold
  double computeSeconds;  // forward + backward + step on batches already in memory
  std::vector<double> epochSeconds;
  double samplesPerSecond;
};

Measures measure(TrainingConfig config, const std::string& data, const std::string& output) {
  config.dataDir = data;
  config.outputDir = output;
  config.epochs = 2;
  config.augment = true;
  setComputeThreads(config.numThreads);
  Measures m{};
  {
    // Loading alone (no cache, so every pair is decoded).
    TrainingConfig cold = config;
    cold.cacheImages = false;
    TrainingData d = TrainingData::open(data, cold);
    PairLoader::Options o;
    o.batchSize = static_cast<size_t>(config.batchSize);
    o.threads = static_cast<size_t>(config.loaderThreads);
    PairLoader loader(d.train, o);
    std::vector<PairBatch> batches;
    const auto start = std::chrono::steady_clock::now();
    loader.startEpoch(0);
    while (auto b = loader.next())
      batches.push_back(std::move(*b));
    m.loadSeconds = since(start);
    // Compute alone on those batches.
    model::LongitudinalModel model = model::buildModel(config);
    model->train();
    loss::LossComposer composer(config);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(config.maxLr));
    const auto computeStart = std::chrono::steady_clock::now();
    for (size_t i = 0; i < batches.size(); ++i) {
      const auto result = composer.compute(model->forward(batches[i].prior, batches[i].current),
                                           batches[i].diff, 1);
      (result.total / config.updateEveryBatches).backward();
      if ((i + 1) % config.updateEveryBatches == 0 || i + 1 == batches.size()) {
        optimizer.step();
        optimizer.zero_grad();
      }
    }
    m.computeSeconds = since(computeStart);
  }
  EpochTimes times;
  TrainerOptions options{config, {}, true, {}};
  Trainer trainer(options, &times);
  trainer.run();
  m.epochSeconds = times.seconds;
  m.samplesPerSecond = times.samplesPerSecond.empty() ? 0.0 : times.samplesPerSecond.back();
  return m;
}

void report(const char* name, const Measures& m) {
  std::printf(
      "%-10s load alone %6.2f s | compute alone %7.2f s | epoch 1 (cold) %7.2f s | epoch 2 %7.2f s "
      "| %.2f samples/s\n",
      name, m.loadSeconds, m.computeSeconds, m.epochSeconds.at(0), m.epochSeconds.at(1),
      m.samplesPerSecond);
  for (size_t e = 0; e < m.epochSeconds.size(); ++e) {
    const double exposed = std::max(0.0, m.epochSeconds[e] - m.computeSeconds);
    std::printf(
        "          epoch %zu: %.2f s above pure compute = %.0f%% of loading exposed, %.0f%% "
        "hidden\n",
        e + 1, exposed, 100.0 * exposed / m.loadSeconds,
        100.0 * (1.0 - std::min(1.0, exposed / m.loadSeconds)));
  }
}

double peakResidentGiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string only = argc > 1 ? argv[1] : "";
  const bool runDemo = only.empty() || only == "cpu-demo";
  const bool runPaper = only.empty() || only == "paper";
  const fs::path root = fs::temp_directory_path() / "longmim_bench_training";
  fs::remove_all(root);
  {
    synth::SynthJob job;
    job.outputDir = (root / "demo").string();
    job.count = 48;
    job.seed = 3;
    job.options.size = 512;  // full-size files: the loader's real work
    synth::DatasetSynthesizer(job).run();
  }
  if (runDemo) {
    TrainingConfig demo = presetConfig("cpu-demo");
    report("cpu-demo", measure(demo, (root / "demo").string(), (root / "runs").string()));
    // The same with one compute thread, so that a core is free for the loader: shows how much of
    // the loading the prefetching hides when the machine has a spare core.
    TrainingConfig oneThread = demo;
    oneThread.numThreads = 1;
    report("cpu-demo/1", measure(oneThread, (root / "demo").string(), (root / "runs").string()));
    std::printf("          peak resident memory %.1f GiB\n", peakResidentGiB());
  }
  if (runPaper) {
    // Four training pairs at 512 px. The paper's batch of 4 does not fit in 24 GiB on a CPU
    // (fp32 activations of the 512 px model; killed at 24 GiB), so the same 4 samples go through
    // as 4 accumulated batches of 1: one optimizer step.
    synth::SynthJob job;
    job.outputDir = (root / "paper").string();
    job.count = 5;
    job.seed = 4;
    synth::DatasetSynthesizer(job).run();
    TrainingConfig paper = presetConfig("paper");
    paper.valFraction = 0.2;
    paper.batchSize = 1;
    paper.updateEveryBatches = 4;
    report("paper", measure(paper, (root / "paper").string(), (root / "runs").string()));
    std::printf("          peak resident memory %.1f GiB\n", peakResidentGiB());
  }
  fs::remove_all(root);
  return 0;
}
