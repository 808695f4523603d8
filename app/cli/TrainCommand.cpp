#include "TrainCommand.h"

#include <QString>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "CliCommon.h"
#include "Error.h"
#include "RunFigures.h"
#include "TrainLauncher.h"
#include "config/ConfigJson.h"
#include "config/ConfigSources.h"
#include "dist/WorldSpec.h"
#include "train/Trainer.h"

namespace longmim::cli {
namespace {

std::atomic<int> interrupts{0};

void onInterrupt(int) {
  ++interrupts;
}

std::string fixed(double v, int digits = 4) {
  std::ostringstream out;
  if (std::fabs(v) > 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e5)) {
    out << std::scientific << std::setprecision(3) << v;
  } else {
    out << std::fixed << std::setprecision(digits) << v;
  }
  return out.str();
}

// The seed's console format, a progress line on a terminal, plots after each epoch.
class ConsoleObserver : public TrainerObserver {
 public:
  explicit ConsoleObserver(const TrainingConfig& config) : config_(config) {}
  void attach(Trainer* trainer) { trainer_ = trainer; }

  void runStarted(const RunInfo& info) override {
    info_ = info;
    std::cout << (info.resumed ? "Resuming " : "Run ") << info.runDir << "\n"
              << "Model " << info.architecture << " (" << info.modelSize << "), " << info.parameters
              << " parameters, " << info.imageSize << " px | " << info.device << ", "
              << info.threads << " thread" << (info.threads == 1 ? "" : "s") << " | data "
              << info.dataDir << ": " << info.trainPairs << " train / " << info.valPairs
              << " val pairs, " << info.batchesPerEpoch << " batches per epoch\n";
  }

  void epochStarted(int epoch, int epochs, int batches) override {
    clearProgress();
    std::cout << "Epoch " << epoch << "/" << epochs << "\n" << std::flush;
    epochStart_ = std::chrono::steady_clock::now();
    batches_ = batches;
    epoch_ = epoch;
  }

  void batchDone(int epoch, int batch, int batches, double samplesPerSecond) override {
    if (interrupts.load() == 1 && !stopRequested_) {
      stopRequested_ = true;
      clearProgress();
      std::cerr << "Stopping after this batch and writing a checkpoint (Ctrl-C again to abort "
                   "without one)\n";
      trainer_->post({TrainerCommand::Kind::StopAfterStep});
    } else if (interrupts.load() > 1 && !abortRequested_) {
      abortRequested_ = true;
      trainer_->post({TrainerCommand::Kind::Abort});
    }
    if (!stderrIsTerminal())
      return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart_).count();
    const int left = batches - batch;
    const double eta = batch > 0 ? elapsed / batch * left : 0.0;
    const int width = 24;
    const int filled = batches ? width * batch / batches : width;
    std::fprintf(stderr, "\r  [%s%s] %d/%d  %.1f samples/s  ETA %d:%02d\033[K",
                 std::string(filled, '#').c_str(), std::string(width - filled, '-').c_str(), batch,
                 batches, samplesPerSecond, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    std::fflush(stderr);
    progressShown_ = true;
    (void)epoch;
  }

  void stepLogged(const StepRecord& s) override {
    clearProgress();
    std::cout << "[" << s.batch << "/" << s.batchesInEpoch << "] Train Loss: " << fixed(s.total);
    for (const auto& [name, value] : s.components)
      std::cout << " | " << name << ": " << fixed(value, 3);
    std::cout << " | LR: " << fixed(s.learningRate) << "\n" << std::flush;
  }

  void validationStarted(int, int batches) override {
    clearProgress();
    if (stderrIsTerminal())
      std::fprintf(stderr, "  validating (%d batches)...", batches);
    progressShown_ = stderrIsTerminal();
  }

  void epochFinished(const EpochRecord& e, const TrainingHistory& history) override {
    clearProgress();
    std::cout << "Epoch " << e.epoch << " Complete: Train Loss: " << fixed(e.trainTotal);
    if (e.valTotal)
      std::cout << " | Val Loss: " << fixed(*e.valTotal);
    std::cout << (e.best ? " (best)" : "");
    if (e.valMetrics) {
      // "n/a" where a metric is undefined: no validation pair has change.
      auto shown = [](double v) { return std::isfinite(v) ? fixed(v, 2) : std::string("n/a"); };
      const double ratio = e.valMetrics->l1RatioToZeros();
      std::cout << " | val L1 "
                << (std::isfinite(ratio) ? fixed(ratio, 2) + "x zeros"
                                         : std::string("n/a (no validation pair changes)"))
                << ", r " << shown(e.valMetrics->pearson) << ", AUC " << shown(e.valMetrics->auc);
    }
    std::cout << " | " << fixed(e.seconds, 1) << " s, " << fixed(e.samplesPerSecond, 1)
              << " samples/s\n";
    for (const std::string& file : pendingCheckpoints_)
      std::cout << "Saved checkpoint: " << file << "\n";
    pendingCheckpoints_.clear();
    std::cout << std::flush;
    writePlots(history);
  }

  void checkpointSaved(const std::string& path, CheckpointKind kind) override {
    pendingCheckpoints_.emplace_back(std::filesystem::path(path).filename().string());
    if (kind == CheckpointKind::Interrupted) {
      clearProgress();
      std::cout << "Saved checkpoint: " << path << "\n" << std::flush;
    }
  }

  void hyperparameterEdited(const EditRecord& e) override {
    clearProgress();
    std::cout << "Edited " << e.key << ": " << e.before << " -> " << e.after << "\n";
  }

  void message(LogLevel level, const std::string& text) override {
    clearProgress();
    std::cerr << (level == LogLevel::Warning ? "warning: "
                  : level == LogLevel::Error ? "error: "
                                             : "")
              << text << "\n";
  }

  void runFinished(const RunResult& r) override {
    clearProgress();
    if (!r.history.epochs.empty() && !r.runDir.empty())
      writePlots(r.history);
  }

 private:
  void clearProgress() {
    if (progressShown_) {
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
      progressShown_ = false;
    }
  }

  void writePlots(const TrainingHistory& history) {
    if (info_.runDir.empty())
      return;
    try {
      studio::writeRunFigures(history, studio::runCaption(config_, info_.runName),
                              QString::fromStdString(info_.runDir));
    } catch (const Error& e) {
      std::cerr << "warning: " << e.what() << "\n";
    }
  }

  Trainer* trainer_ = nullptr;
  TrainingConfig config_;
  RunInfo info_;
  std::chrono::steady_clock::time_point epochStart_;
  int batches_ = 0;
  int epoch_ = 0;
  bool progressShown_ = false;
  bool stopRequested_ = false;
  bool abortRequested_ = false;
  std::vector<std::string> pendingCheckpoints_;  // file names
};

int exitCodeFor(const RunResult& r) {
  switch (r.outcome) {
    case RunOutcome::Completed:
    case RunOutcome::Stopped:
      return kExitOk;
    case RunOutcome::Interrupted:
    case RunOutcome::Aborted:
      return kExitInterrupted;
    case RunOutcome::Diverged:
      return kExitFailure;
    case RunOutcome::Failed:
      break;
  }
  switch (r.failure) {
    case FailureKind::Configuration:
      return kExitUsage;
    case FailureKind::Data:
      return kExitData;
    default:
      return kExitFailure;
  }
}

const QStringList kLauncherOptions{"--nproc",       "--nnodes",      "--node-rank",
                                   "--master-addr", "--master-port", "--backend"};

// The arguments a worker gets: the user's, without the launcher's own options.
QStringList workerArguments(const QStringList& rawArguments) {
  QStringList out{"train"};
  for (int i = 1; i < rawArguments.size(); ++i) {  // [0] is the program
    const QString& a = rawArguments[i];
    if (kLauncherOptions.contains(a) && a != "--backend") {
      ++i;  // and its value
      continue;
    }
    if (std::any_of(kLauncherOptions.begin(), kLauncherOptions.end(),
                    [&](const QString& o) { return o != "--backend" && a.startsWith(o + "="); }))
      continue;
    out << a;
  }
  return out;
}

int positiveOption(const QCommandLineParser& parser, const QCommandLineOption& option, int fallback,
                   int lowest) {
  if (!parser.isSet(option))
    return fallback;
  bool ok = false;
  const int value = parser.value(option).toInt(&ok);
  if (!ok || value < lowest) {
    throw UsageError("--" + toStd(option.names().first()) + " must be a whole number of at least " +
                     std::to_string(lowest) + " (got '" + toStd(parser.value(option)) + "')");
  }
  return value;
}

}  // namespace

int train(const QStringList& rawArguments) {
  // `--tensorboard [DIR]`: an optional value, which QCommandLineParser does not do.
  QStringList arguments;
  std::string tensorboardDir;
  bool tensorboard = false;
  for (int i = 0; i < rawArguments.size(); ++i) {
    if (rawArguments[i] == "--tensorboard") {
      tensorboard = true;
      if (i + 1 < rawArguments.size() && !rawArguments[i + 1].startsWith('-'))
        tensorboardDir = toStd(rawArguments[++i]);
      continue;
    }
    arguments << rawArguments[i];
  }
  QCommandLineParser parser;
  const QCommandLineOption checkpoint(
      {"c", "checkpoint"}, "Resume from this checkpoint (its run folder is reused).", "CKPT");
  const QCommandLineOption name(
      {"n", "save_name", "name"},
      "Custom name for the model save directory: OUTPUT_DIR/<NAME>/ (default: "
      "longitudinal_mim_<timestamp>). --name is an alias.",
      "NAME");
  const QCommandLineOption file("config", "Apply the params JSON file F.", "F");
  const QCommandLineOption preset("preset", "Start from preset P: paper, cpu-demo or tiny.", "P");
  const QCommandLineOption data(
      "data", "Dataset folder (default: the demo dataset, generated if missing).", "DIR");
  const QCommandLineOption output("output", "Folder for run folders (default: OUTPUT_DIR).", "DIR");
  const QCommandLineOption set("set", "Override one key (repeatable), e.g. --set BATCH_SIZE=8.",
                               "KEY=VALUE");
  const QCommandLineOption tensorboardHelp(
      "tensorboard", "Write TensorBoard event files to ./runs/<run name> or DIR/<run name>.");
  const QCommandLineOption nproc("nproc",
                                 "Worker processes on this machine (data-parallel, one run).", "N");
  const QCommandLineOption nnodes("nnodes", "Machines taking part (each runs this command).", "M");
  const QCommandLineOption nodeRank("node-rank", "This machine's index, 0 .. M-1.", "R");
  const QCommandLineOption masterAddr("master-addr", "Address of the machine with rank 0.", "HOST");
  const QCommandLineOption masterPort("master-port", "Its port (default: a free one).", "PORT");
  const QCommandLineOption backend("backend", "Collectives: auto, gloo or nccl.", "B");
  parser.addOptions({checkpoint, name, file, preset, data, output, set, tensorboardHelp, nproc,
                     nnodes, nodeRank, masterAddr, masterPort, backend});
  if (!parseArguments(
          parser, arguments, "train",
          "Train a model: run folder with checkpoints (per epoch, best), training_params.json, "
          "metrics.csv, loss_curves.png, detailed_loss_curves.png. Ctrl-C stops after the current "
          "batch and writes a checkpoint to resume with -c. Exit status: 0 done, 1 configuration, "
          "2 data or checkpoint, 3 diverged or failed, 130 interrupted.")) {
    return kExitOk;
  }
  if (!parser.positionalArguments().isEmpty()) {
    throw UsageError("train takes no positional argument (got '" +
                     toStd(parser.positionalArguments().first()) +
                     "'); the dataset goes after --data");
  }

  // Launched as a worker (by --nproc or a cluster's launcher): the world from the environment.
  // Otherwise --nproc / --nnodes start the workers here and wait for them.
  dist::WorldSpec world = dist::worldFromEnvironment();
  if (parser.isSet(backend)) {
    world.backend = toStd(parser.value(backend));
    if (world.backend != "auto" && world.backend != "gloo" && world.backend != "nccl")
      throw UsageError("--backend must be auto, gloo or nccl (got '" + world.backend + "')");
  }
  if (!world.distributed()) {
    LaunchOptions launch;
    launch.nproc = positiveOption(parser, nproc, 1, 1);
    launch.nnodes = positiveOption(parser, nnodes, 1, 1);
    launch.nodeRank = positiveOption(parser, nodeRank, 0, 0);
    if (launch.nodeRank >= launch.nnodes)
      throw UsageError("--node-rank must be below --nnodes");
    if (parser.isSet(masterAddr))
      launch.masterAddress = toStd(parser.value(masterAddr));
    launch.masterPort = positiveOption(parser, masterPort, 0, 1);
    if (launch.nproc * launch.nnodes > 1) {
      const int cores = std::max(1u, std::thread::hardware_concurrency());
      launch.threadsPerWorker = std::max(1, cores / launch.nproc);
      return launchWorkers(launch, workerArguments(rawArguments));
    }
  }

  TrainerOptions options;
  options.world = world;
  std::vector<std::string> assignments;
  for (const QString& value : parser.values(set))
    assignments.push_back(toStd(value));
  if (parser.isSet(checkpoint)) {
    if (parser.isSet(preset))
      throw UsageError("--preset cannot change a resumed run; it keeps its checkpoint's");
    options.resumeCheckpoint = toStd(parser.value(checkpoint));
    TrainingConfig config = Trainer::checkpointConfig(options.resumeCheckpoint);
    if (parser.isSet(file))
      config = loadConfigFile(toStd(parser.value(file)), config, true);
    for (const std::string& a : assignments)
      applyConfigAssignment(config, a);
    options.config = config;
    options.configFromCheckpoint = false;  // the checkpoint's configuration, plus checked changes
  } else {
    ConfigSources sources;
    sources.preset = toStd(parser.value(preset));
    sources.file = toStd(parser.value(file));
    sources.assignments = assignments;
    options.config = resolveConfig(sources);
  }
  if (parser.isSet(name))
    options.config.runName = toStd(parser.value(name));
  if (parser.isSet(data))
    options.config.dataDir = toStd(parser.value(data));
  if (parser.isSet(output))
    options.config.outputDir = toStd(parser.value(output));
  if (tensorboard) {
    options.config.tensorboard = true;
    if (!tensorboardDir.empty())
      options.config.tensorboardDir = tensorboardDir;
  }

  ConsoleObserver console(options.config);
  WorkerObserver worker(world.rank);
  TrainerObserver* observer = world.rank == 0 ? static_cast<TrainerObserver*>(&console) : &worker;
  Trainer trainer(options, observer);
  console.attach(&trainer);
  interrupts = 0;
  if (world.rank == 0) {  // the other workers follow rank 0's stop; a signal ends them
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
  }
  const RunResult result = trainer.run();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (world.rank != 0) {
    if (result.outcome == RunOutcome::Failed || result.outcome == RunOutcome::Diverged)
      std::cerr << "[worker " << world.rank << "] longmim: " << result.message << "\n";
    return exitCodeFor(result);
  }
  switch (result.outcome) {
    case RunOutcome::Completed:
      std::cout << "Training complete: " << result.epochsCompleted << " epochs in " << result.runDir
                << "; best epoch " << result.history.bestEpoch << " (val loss "
                << fixed(result.history.bestValLoss) << ")\n";
      break;
    case RunOutcome::Stopped:
      std::cout << "Stopped after epoch " << result.epochsCompleted << "; continue with -c "
                << result.lastCheckpoint << "\n";
      break;
    case RunOutcome::Interrupted:
      std::cout << "Interrupted: " << result.message << "\n";
      break;
    case RunOutcome::Aborted:
      std::cout << "Aborted.\n";
      break;
    case RunOutcome::Diverged:
    case RunOutcome::Failed:
      std::cerr << "longmim: " << result.message << "\n";
      break;
  }
  return exitCodeFor(result);
}

}  // namespace longmim::cli
