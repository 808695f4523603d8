// Evaluates a checkpoint on a dataset: every chosen pair prepared as validation prepares it,
// predicted, and measured with the two baselines beside it.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "config/TrainingConfig.h"
#include "data/PairIndex.h"
#include "eval/EvaluationReport.h"

namespace longmim::eval {

struct EvaluationRequest {
  std::string checkpoint;
  // Empty: the run's own dataset (DATA_DIR of the checkpoint's configuration, or the demo data).
  std::string dataDir;
  // "val" / "train": that side of the run's split (DIR must be the run's dataset); "all": every
  // valid pair; "auto": the run's validation pairs when DIR is its dataset, else all.
  std::string split = "auto";
  std::function<void(size_t done, size_t total)> progress;
  // Asked before each pair; true stops the evaluation with EvaluationCancelled.
  std::function<bool()> cancelled;
};

// Thrown by evaluateCheckpoint() when the request's `cancelled` says so.
struct EvaluationCancelled : std::exception {
  const char* what() const noexcept override { return "evaluation cancelled"; }
};

// The pairs `split` selects in `dataDir` for a run trained with `runConfig`; `resolved` receives
// the split actually used ("val", "train" or "all"). Throws DataError / ConfigError with a message.
std::vector<CaseEntry> selectCases(const TrainingConfig& runConfig, const std::string& dataDir,
                                   const std::string& split, std::string& resolved);

EvaluationReport evaluateCheckpoint(const EvaluationRequest& request);

// Where the studio and `--save` write a run's evaluation: RUN_DIR/evaluation.json.
std::string evaluationPathFor(const std::string& checkpoint);

// Writes the report as JSON to `path` atomically (an earlier file is replaced whole or kept);
// throws IoError naming the file.
void writeEvaluation(const EvaluationReport& report, const std::string& path);

}  // namespace longmim::eval
