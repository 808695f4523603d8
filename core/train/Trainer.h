// The training engine behind `longmim train` and the studio: AdamW with the one-cycle schedule,
// gradient accumulation, validation, checkpoints, exact resume, commands at batch boundaries.
#pragma once

#include <memory>
#include <string>

#include "config/TrainingConfig.h"
#include "dist/WorldSpec.h"
#include "train/CheckpointKind.h"
#include "train/TrainerCommand.h"
#include "train/TrainerObserver.h"

namespace longmim {

struct TrainerOptions {
  TrainingConfig config;
  // A checkpoint to continue from (its run folder is reused). Empty: a new run.
  std::string resumeCheckpoint;
  // When resuming, take the configuration stored in the checkpoint with the machine's keys
  // (data and output folders, threads, device, logging) from `config` (train/ResumePolicy.h);
  // false: `config` is the run's configuration, refused if it changes a locked key.
  bool configFromCheckpoint = true;
  // Several worker processes training one run (data-parallel); one process by default.
  dist::WorldSpec world;
};

class Trainer {
 public:
  Trainer(TrainerOptions options, TrainerObserver* observer);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Runs to the end, a stop, an abort or a failure (blocking; call it on a worker thread).
  // Problems found before training starts (configuration, data, checkpoint, output folder) end
  // the run with RunOutcome::Failed and a message, before any run folder is created.
  RunResult run();

  // Thread-safe: applied at the next batch boundary.
  void post(TrainerCommand command);

  // The configuration stored in a checkpoint (for forms that resume). Throws DataError.
  static TrainingConfig checkpointConfig(const std::string& checkpointPath);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longmim
