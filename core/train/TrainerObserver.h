// How the Trainer reports: plain structs only (no torch), so the GUI and the CLI can consume them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "Log.h"
#include "eval/ChangeMetrics.h"
#include "train/CheckpointKind.h"
#include "train/TrainingHistory.h"

namespace longmim {

enum class TrainerState { Preparing, Running, Paused, Stopping, Finished };

enum class RunOutcome { Completed, Stopped, Interrupted, Aborted, Diverged, Failed };
const char* runOutcomeName(RunOutcome outcome);  // "completed", "stopped", "interrupted", ...

struct RunInfo {
  std::string runDir;
  std::string runName;
  std::string architecture;
  std::string modelSize;
  int64_t parameters = 0;
  std::string device;
  int threads = 1;
  int imageSize = 0;
  int epochs = 0;
  int startEpoch = 1;  // > 1 when resuming
  int batchesPerEpoch = 0;
  int optimizerStepsPerEpoch = 0;
  size_t trainPairs = 0;
  size_t valPairs = 0;
  std::string dataDir;
  bool resumed = false;
  // What the run had measured before this session (a resumed run); empty for a new run.
  TrainingHistory history;
  // The factor on the scheduled learning rate (LR_MULTIPLIER edits; restored on resume).
  double lrMultiplier = 1.0;
};

// One fixed validation pair as the model sees it now (row-major, IMG_SIZE x IMG_SIZE).
struct SamplePrediction {
  int epoch = 0;
  std::string caseName;
  int rows = 0;
  int cols = 0;
  std::vector<float> baseline;
  std::vector<float> followup;
  std::vector<float> predicted;
  std::vector<float> groundTruth;
  // The pair's metrics as validation measured them (so the viewer need not compute them on the
  // GUI thread), with the L1 of predicting zeros for scale; absent without a ground truth.
  std::optional<eval::ChangeMetrics> metrics;
  double l1Zeros = 0.0;
};

// Why a run failed before or during training (for exit codes).
enum class FailureKind { None, Configuration, Data, Other };

struct RunResult {
  RunOutcome outcome = RunOutcome::Completed;
  FailureKind failure = FailureKind::None;
  std::string message;  // for Diverged / Failed / Interrupted: what happened and what to do
  std::string runDir;
  std::string lastCheckpoint;
  int epochsCompleted = 0;
  TrainingHistory history;
};

// All callbacks run on the trainer's thread; implementations hand work to their own thread.
class TrainerObserver {
 public:
  virtual ~TrainerObserver() = default;
  virtual void runStarted(const RunInfo&) {}
  virtual void epochStarted(int /*epoch*/, int /*epochs*/, int /*batches*/) {}
  // Every batch (cheap): progress bars, ETA.
  virtual void batchDone(int /*epoch*/, int /*batch*/, int /*batches*/,
                         double /*samplesPerSecond*/) {}
  // Every LOG_EVERY_BATCHES batches.
  virtual void stepLogged(const StepRecord&) {}
  virtual void validationStarted(int /*epoch*/, int /*batches*/) {}
  virtual void epochFinished(const EpochRecord&, const TrainingHistory&) {}
  virtual void samplePrediction(const SamplePrediction&) {}
  virtual void checkpointSaved(const std::string& /*path*/, CheckpointKind /*kind*/) {}
  virtual void stateChanged(TrainerState) {}
  virtual void hyperparameterEdited(const EditRecord&) {}
  virtual void message(LogLevel, const std::string&) {}
  virtual void runFinished(const RunResult&) {}
};

}  // namespace longmim
