// What a training run has measured so far: logged steps, epochs, hyperparameter edits, best epoch.
// Plain data (no torch): the plots, metrics.csv, TensorBoard and the GUI all read it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace longmim {

// Loss components in reporting order: ("L1", 0.012), ("L2", 0.008), ...
using ComponentValues = std::vector<std::pair<std::string, double>>;

std::optional<double> findComponent(const ComponentValues& values, const std::string& name);

// One logged training batch (every LOG_EVERY_BATCHES batches).
struct StepRecord {
  int epoch = 0;  // 1-based
  int batch = 0;  // 1-based within the epoch
  int batchesInEpoch = 0;
  int64_t globalBatch = 0;     // batches since the run began
  int64_t optimizerStep = 0;   // optimizer steps since the run began
  double total = 0.0;          // weighted total of this batch
  ComponentValues components;  // each term before its lambda
  double learningRate = 0.0;
  double beta1 = 0.0;
  double samplesPerSecond = 0.0;
  double wallSeconds = 0.0;  // since the run (or this session of it) began
};

// How the validation pairs' predictions compare with the truth and with predicting all zeros
// (the means of core/eval's per-pair metrics: r and AUC over the pairs that change).
struct ValidationMetrics {
  double l1 = 0.0;
  double l1Zeros = 0.0;        // mean L1 of the all-zeros map
  double l1Subtraction = 0.0;  // mean L1 of the normalised subtraction
  double ssim = 0.0;
  double maskedL1 = 0.0;
  double pearson = 0.0;
  double auc = 0.0;
  int pairs = 0;
  int changedPairs = 0;
  // NaN when the zeros map is exact (no validation pair changes): no ratio is defined then.
  double l1RatioToZeros() const {
    return l1Zeros > 0.0 ? l1 / l1Zeros : std::numeric_limits<double>::quiet_NaN();
  }
};

struct EpochRecord {
  int epoch = 0;
  double trainTotal = 0.0;
  ComponentValues trainComponents;
  std::optional<double> valTotal;  // absent when there is no validation set
  ComponentValues valComponents;
  std::optional<ValidationMetrics> valMetrics;  // absent without validation (or in old runs)
  double learningRate = 0.0;                    // at the end of the epoch
  double beta1 = 0.0;
  double seconds = 0.0;
  double samplesPerSecond = 0.0;
  bool best = false;  // the best validation total so far
};

// A hyperparameter changed during the run (GUI form or command queue).
struct EditRecord {
  int epoch = 0;
  int64_t optimizerStep = 0;
  std::string key;
  std::string before;
  std::string after;
};

struct TrainingHistory {
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;
  std::vector<EditRecord> edits;
  int bestEpoch = 0;  // 0: none yet
  double bestValLoss = std::numeric_limits<double>::infinity();

  // The best epoch is decided here and nowhere else. Appends `epoch`; it becomes the best when
  // its score (the validation total, else the train total) is finite and below bestValLoss.
  // Returns whether it did. epoch.best is set accordingly, and cleared on the others.
  bool addEpoch(EpochRecord epoch);
  // Appends `epoch` of a run whose best epoch, as its trainer decided, is now `best` (a copy of
  // the trainer's history: the session, the live plot).
  void addEpoch(EpochRecord epoch, int best);

  nlohmann::ordered_json toJson() const;
  static TrainingHistory fromJson(const nlohmann::json& json);  // throws nlohmann exceptions
};

}  // namespace longmim
