// The run folder of a training run: its name, and the text files beside the checkpoints
// (training_params.json, metrics.csv).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/TrainingConfig.h"
#include "train/TrainerObserver.h"
#include "train/TrainingHistory.h"

namespace longmim {

// What training_params.json says about a run besides its configuration.
struct RunParameters {
  std::string status;  // "running", "completed", "interrupted", ...
  std::string runName;
  std::string runDir;
  double trainingStart = 0.0;  // seconds since the epoch, when this session started
  const RunInfo* info = nullptr;
  int startEpoch = 1;
  nlohmann::ordered_json schedule;  // OneCycleSchedule::toJson (null before it exists)
  double lrMultiplier = 1.0;
  std::vector<std::string> lossTerms;
  std::string lastCheckpoint;
  const TrainingHistory* history = nullptr;
  std::string message;  // why the run failed or stopped; empty otherwise
};

class RunFolder {
 public:
  // $XDG_DATA_HOME/longitudinal-mim-studio/runs (default ~/.local/share/...), for OUTPUT_DIR "".
  static std::string defaultOutputDir();

  // RUN_NAME itself (the seed's -n/--save_name) or "longitudinal_mim_<yyyymmdd_hhmmss>".
  static std::string runName(const TrainingConfig& config);

  // Creates <outputDir>/<name> (and outputDir). Throws Error naming the folder when it cannot be
  // created or written, or when it already holds a run with a checkpoint (resume it with -c
  // instead). A folder left by a run that ended before its first checkpoint is reused; `reused`
  // then receives a line saying so.
  static std::string create(const std::string& outputDir, const std::string& name,
                            std::string* reused = nullptr);

  // Atomic rewrite of training_params.json.
  static void writeParams(const std::string& dir, const nlohmann::ordered_json& params);

  // training_params.json's content: the configuration, then the run's facts (process, host,
  // device, data sizes, schedule, library versions, losses per epoch, the whole history).
  static nlohmann::ordered_json params(const TrainingConfig& config, const RunParameters& run);

  // metrics.csv (layout: train/MetricsCsv.h): rewritten whole from a history (a resumed run),
  // or rows appended whole or not at all.
  static void rewriteMetrics(const std::string& dir, const TrainingHistory& history);
  static void appendMetrics(const std::string& dir, const StepRecord& step);
  static void appendMetrics(const std::string& dir, const EpochRecord& epoch);
};

}  // namespace longmim
