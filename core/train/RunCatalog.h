// Reads run folders back (training_params.json and the checkpoints beside it) into summaries, for a
// runs browser or a command that lists runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "train/CheckpointKind.h"
#include "train/TrainingHistory.h"

namespace longmim {

// A checkpoint file found in a run folder.
struct RunCheckpoint {
  std::string path;
  CheckpointKind kind = CheckpointKind::Epoch;
  // Epochs completed in it: N for longitudinal_mim_epoch_N.pt, the best epoch for the best
  // checkpoint; 0 for the interrupted one (it stops inside an epoch; only loading it would tell).
  int epoch = 0;
  double modified = 0.0;  // seconds since the Unix epoch
};

struct RunSummary {
  std::string dir;
  std::string name;  // run_name as written, else the folder's name
  // As written by the trainer (running, completed, interrupted, stopped, aborted, failed,
  // diverged), "stopped unexpectedly" for a running run whose process is gone, "unknown" for a file
  // without one (the Python reference writes none), "unreadable" from scanRuns for a broken file.
  std::string status;
  std::string architecture;  // "big", "reference"
  std::string modelSize;     // "paper", "cpu-demo", "tiny"
  int64_t parameters = 0;
  int epochsDone = 0;
  int epochsPlanned = 0;
  int bestEpoch = 0;  // 0: none yet
  std::optional<double> bestValLoss;
  // The highest validation Pearson r of any epoch (runs from before the metrics have none).
  std::optional<double> bestPearson;
  int bestPearsonEpoch = 0;
  std::optional<double> lastTrainLoss;
  std::optional<double> startTime;  // seconds since the Unix epoch
  double lastModified = 0.0;        // of training_params.json, seconds since the Unix epoch
  std::string lastCheckpoint;       // as written; may name a file that is gone
  // Epoch checkpoints in epoch order, then the best, then the interrupted one.
  std::vector<RunCheckpoint> checkpoints;
  std::string message;  // why it failed or stopped, and what to do next
  int64_t processId = 0;
  std::string hostName;
  TrainingHistory history;
};

extern const char* const kStatusStoppedUnexpectedly;
extern const char* const kStatusUnreadable;

// Reads <runDir>/training_params.json and lists the checkpoints. Throws DataError naming the file
// when it is missing, is not JSON, or holds a value of the wrong type.
RunSummary readRun(const std::string& runDir);

// The checkpoint a run opens with in the studio (its viewer predicts with it): its
// best, else the last of `checkpoints` (the interrupted one, else the highest epoch); empty when it
// has none.
std::string checkpointToOpen(const RunSummary& run);

// Every run folder directly under `outputDir` (a folder holding training_params.json), sorted by
// folder name; other folders and files are skipped. A run that cannot be read is listed with status
// "unreadable" and the error as its message, so one broken file never hides the others. A missing
// `outputDir` holds no runs yet; one that is not a readable folder throws DataError.
std::vector<RunSummary> scanRuns(const std::string& outputDir);

}  // namespace longmim
