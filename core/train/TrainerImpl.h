// The trainer's state and its steps, private to core/train. The methods are defined by
// responsibility: TrainerSetup.cpp (configuration, device, data, model, resume, run folder),
// TrainerCommands.cpp (pause / stop / live edits at batch boundaries), TrainerValidation.cpp
// (validation and its metrics), TrainerRunFiles.cpp (checkpoints, training_params.json) and
// Trainer.cpp (the epoch loop, step logging, the end of a run).
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/PairLoader.h"
#include "data/TrainingData.h"
#include "dist/Distributed.h"
#include "dist/GradientReducer.h"
#include "loss/LossComposer.h"
#include "model/LongitudinalModel.h"
#include "train/CheckpointStore.h"
#include "train/LossAverager.h"
#include "train/OneCycleSchedule.h"
#include "train/RunFolder.h"
#include "train/RunLog.h"
#include "train/Trainer.h"

namespace longmim {

struct Trainer::Impl {
  TrainerOptions options;
  TrainerObserver* observer;
  CommandQueue commands;
  TrainingConfig config;
  torch::Device device = torch::kCPU;
  // Data-parallel runs: the group of workers (null for one process). Rank 0 alone writes files.
  std::unique_ptr<dist::ProcessGroup> group;
  std::unique_ptr<dist::GradientReducer> reducer;  // the gradients' all-reduce, with the group
  std::vector<TrainerCommand> appliedEdits;        // by handleCommands, for the other workers

  TrainingData data;
  std::unique_ptr<PairLoader> trainLoader;
  std::unique_ptr<PairLoader> valLoader;
  model::LongitudinalModel model;
  std::unique_ptr<loss::LossComposer> composer;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::unique_ptr<OneCycleSchedule> schedule;
  std::unique_ptr<RunLog> log;
  double lrMultiplier = 1.0;
  double lastLr = 0.0;  // used by the latest optimizer step
  double lastBeta1 = 0.0;

  std::string runDir;
  std::string runName;
  RunInfo info;
  TrainingHistory history;
  std::optional<Checkpoint> resumeFrom;
  int startEpoch = 1;
  int startBatch = 0;
  int64_t globalBatch = 0;
  int64_t optimizerStep = 0;
  std::string lastCheckpoint;
  std::string failureMessage;
  FailureKind failureKind = FailureKind::None;
  bool stopAfterEpoch = false;
  double sessionStart = 0.0;
  std::chrono::steady_clock::time_point clock = std::chrono::steady_clock::now();

  LossAverager epochSums;                   // the current epoch's train-loss sums so far
  std::optional<LossAverager> resumedSums;  // from an interrupted checkpoint, for its epoch
  // From an interrupted checkpoint: parameter index -> gradient accumulated before the stop.
  std::vector<std::pair<size_t, torch::Tensor>> resumedGradients;
  int stopBatch = 0;  // where a Stop inside an epoch interrupted it (the next batch to train)

  enum class EpochEnd { Finished, Interrupted, Aborted, Diverged };
  enum class Directive { Go, Interrupt, Abort };

  Impl(TrainerOptions o, TrainerObserver* obs) : options(std::move(o)), observer(obs) {}

  void say(LogLevel level, const std::string& text) {
    if (observer)
      observer->message(level, text);
  }
  void setState(TrainerState state) {
    if (observer)
      observer->stateChanged(state);
  }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count();
  }

  // TrainerSetup.cpp
  void resolveConfig();
  void chooseDevice();
  void openData();
  void buildModel();
  void restoreCheckpoint();
  void createRunFolder();

  bool isMain() const { return !group || group->isMain(); }

  // TrainerCommands.cpp: drains the queue, blocks while paused; says what the loop must do now.
  Directive handleCommands(int epoch);
  // handleCommands on rank 0, its outcome (directive, edits, stop after the epoch) applied by
  // every worker at the same batch; handleCommands itself for one process.
  Directive sharedCommands(int epoch);
  // TrainerSetup.cpp: joins the group, rank 0's weights on every worker.
  void joinGroup();
  void broadcastWeights();
  // Trainer.cpp: the epoch's loss sums and samples over all workers.
  void reduceEpoch(LossAverager& averager, int& samples);
  void applyEdit(const TrainerCommand& command, int epoch);

  // TrainerValidation.cpp: deterministic validation; also picks the live sample pair (the one
  // with the largest changed area). False when the validation loss is not finite.
  bool validate(int epoch, EpochRecord& record, SamplePrediction& sample);

  // TrainerRunFiles.cpp
  RunParameters runParameters(const std::string& status) const;
  void writeParams(const std::string& status);
  Checkpoint makeCheckpoint(CheckpointKind kind, int completedEpochs, int batchInEpoch);
  // Into the run folder under the kind's file name (checkpointFileName).
  void save(const Checkpoint& c);

  // Trainer.cpp
  RunResult run();
  EpochEnd trainEpoch(int epoch, int firstBatch, EpochRecord& record);
  torch::Tensor predict(const torch::Tensor& baseline, const torch::Tensor& followup);
  std::string divergenceMessage(int epoch, int batch, const loss::LossResult& r) const;
  void logStep(int epoch, int batch, int batches, const loss::LossResult& result,
               double samplesPerSecond);
  RunResult finish(RunOutcome outcome, int epochsCompleted);
};

std::string formatNumber(double v);

}  // namespace longmim
