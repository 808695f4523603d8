// Benchmark: does the demo learn the change? The README's demo run end to end -- the demo
// dataset generated into a fresh folder, `cpu-demo` trained on it -- then the best checkpoint
// evaluated on a fresh held-out set from another seed of the same profile, next to the zeros
// and normalised-subtraction baselines. Prints wall times and every metric. Not a test: run on
// demand (about 5 minutes on 2 cores); numbers go into docs/benchmarks.md and docs/learning.md.
// --seeds trains the same preset again on the same demo data with each further SEED (another
// split, shuffling and initialisation; a few minutes each) and prints one row per seed: one
// run's numbers are one draw, and a preset that fails for some seeds is not a working demo.
//
//   bench_learning [WORK_DIR] [--set KEY=VALUE ...] [--seeds S1,S2,...]
//   (overrides apply to the cpu-demo preset)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "config/ConfigJson.h"
#include "config/Presets.h"
#include "eval/CheckpointEvaluation.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"
#include "train/Trainer.h"

using namespace longmim;
namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class EpochLines : public TrainerObserver {
 public:
  void epochFinished(const EpochRecord& e, const TrainingHistory&) override {
    std::printf("  epoch %d: train %.4f", e.epoch, e.trainTotal);
    if (e.valTotal)
      std::printf("  val %.4f", *e.valTotal);
    if (e.valMetrics) {
      std::printf("  val L1 %.2fx zeros  r %.3f  AUC %.3f", e.valMetrics->l1RatioToZeros(),
                  e.valMetrics->pearson, e.valMetrics->auc);
    }
    std::printf("  (%.1f s)\n", e.seconds);
    std::fflush(stdout);
  }
  void message(LogLevel level, const std::string& text) override {
    if (level != LogLevel::Info)
      std::printf("  %s\n", text.c_str());
  }
};

struct SeedRow {
  int seed = 0;
  double seconds = 0, l1Ratio = 0, pearson = 0, auc = 0;
  bool beatsSubtraction = false;
};

eval::EvaluationReport evaluateBest(const RunResult& result, const std::string& heldOut) {
  eval::EvaluationRequest request;
  request.checkpoint = (fs::path(result.runDir) / "longitudinal_mim_best.pt").string();
  request.dataDir = heldOut;
  request.split = "all";
  return eval::evaluateCheckpoint(request);
}

SeedRow rowOf(int seed, double seconds, const eval::EvaluationReport& report) {
  const eval::MetricSummary m = report.summary(eval::Method::Model);
  return {seed,      seconds, report.l1Ratio(eval::Method::Zeros),
          m.pearson, m.auc,   report.modelBeatsOnEveryMetric(eval::Method::Subtraction)};
}

void printSeedRow(const SeedRow& r) {
  std::printf("  seed %-6d %6.1f s  L1 %.2fx zeros  r %.3f  AUC %.3f  targets %s%s%s  %s\n", r.seed,
              r.seconds, r.l1Ratio, r.pearson, r.auc, r.l1Ratio <= 0.7 ? "L1 " : "",
              r.pearson >= 0.5 ? "r " : "", r.auc >= 0.85 ? "AUC" : "",
              r.beatsSubtraction ? "beats subtraction everywhere" : "NOT better than subtraction");
}

}  // namespace

int main(int argc, char** argv) {
  std::string work = (fs::temp_directory_path() / "longmim-bench-learning").string();
  std::vector<std::string> overrides;
  std::vector<int> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set" && i + 1 < argc) {
      overrides.push_back(argv[++i]);
    } else if (arg == "--seeds" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string item; std::getline(list, item, ',');)
        seeds.push_back(std::stoi(item));
    } else
      work = arg;
  }
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string demoDir = (fs::path(work) / "demo").string();
  ::setenv("LONGMIM_DEMO_DIR", demoDir.c_str(), 1);

  TrainingConfig config = presetConfig("cpu-demo");
  for (const std::string& o : overrides)
    applyConfigAssignment(config, o);
  config.outputDir = (fs::path(work) / "runs").string();
  config.runName = "bench";
  config.logEveryBatches = 1000;

  std::printf("bench_learning: the demo run (dataset generation + cpu-demo, %d epochs) in %s\n",
              config.epochs, work.c_str());
  const auto start = std::chrono::steady_clock::now();
  EpochLines lines;
  Trainer trainer(TrainerOptions{config, {}, true, {}}, &lines);
  const RunResult result = trainer.run();
  const double demoSeconds = since(start);
  if (result.outcome != RunOutcome::Completed) {
    std::printf("the demo run did not complete: %s\n", result.message.c_str());
    return 1;
  }
  std::printf("demo run: %.1f s wall, dataset generation and training included\n", demoSeconds);

  // Held-out pairs: the same profile and size, another seed, never seen in training.
  synth::SynthJob held = synth::demoDatasetJob((fs::path(work) / "held_out").string());
  held.count = 100;
  held.seed = 99173;
  const auto synthStart = std::chrono::steady_clock::now();
  synth::DatasetSynthesizer(held).run();
  std::printf("held-out set: %d pairs (seed %llu) in %.1f s\n", held.count,
              static_cast<unsigned long long>(held.seed), since(synthStart));

  const auto evalStart = std::chrono::steady_clock::now();
  const eval::EvaluationReport report = evaluateBest(result, held.outputDir);
  std::printf("evaluation of the best checkpoint (epoch %d) in %.1f s:\n%s",
              result.history.bestEpoch, since(evalStart), report.table().c_str());
  const eval::MetricSummary m = report.summary(eval::Method::Model);
  std::printf(
      "targets: L1 <= 0.70x zeros: %.2fx %s | r >= 0.50: %.3f %s | AUC >= 0.85: %.3f %s | "
      "beats subtraction on every metric: %s\n",
      report.l1Ratio(eval::Method::Zeros),
      report.l1Ratio(eval::Method::Zeros) <= 0.7 ? "met" : "NOT met", m.pearson,
      m.pearson >= 0.5 ? "met" : "NOT met", m.auc, m.auc >= 0.85 ? "met" : "NOT met",
      report.modelBeatsOnEveryMetric(eval::Method::Subtraction) ? "yes" : "no");
  if (seeds.empty())
    return 0;

  // The same preset, data and held-out set with other seeds; the dataset now exists, so each
  // time is the training alone.
  std::vector<SeedRow> rows{rowOf(config.seed, demoSeconds, report)};
  for (const int seed : seeds) {
    TrainingConfig again = config;
    again.seed = seed;
    again.runName = "bench_seed_" + std::to_string(seed);
    std::printf("SEED %d:\n", seed);
    const auto seedStart = std::chrono::steady_clock::now();
    Trainer seedTrainer(TrainerOptions{again, {}, true, {}}, &lines);
    const RunResult seedResult = seedTrainer.run();
    if (seedResult.outcome != RunOutcome::Completed) {
      std::printf("the run with SEED %d did not complete: %s\n", seed, seedResult.message.c_str());
      return 1;
    }
    rows.push_back(rowOf(seed, since(seedStart), evaluateBest(seedResult, held.outputDir)));
  }
  std::printf("held out, per seed (the first row is the demo run above):\n");
  int allThree = 0, learns = 0;
  for (const SeedRow& r : rows) {
    printSeedRow(r);
    allThree += r.l1Ratio <= 0.7 && r.pearson >= 0.5 && r.auc >= 0.85;
    learns += r.pearson >= 0.5;
  }
  std::printf("%d of %zu seeds meet all three targets; %d of %zu reach r >= 0.5\n", allThree,
              rows.size(), learns, rows.size());
  return 0;
}
