// A model's maps and the two baselines' maps measured on the same pairs: per pair, in aggregate,
// and per metric whether the model beats each baseline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/ChangeMetrics.h"

namespace longmim::eval {

enum class Method { Model, Zeros, Subtraction };
const char* methodName(Method method);  // "model", "zeros", "subtraction"

struct EvaluatedPair {
  std::string name;
  size_t changedPixels = 0;
  ChangeMetrics model;
  ChangeMetrics zeros;
  ChangeMetrics subtraction;
};

// Means over the pairs: L1, L2 and SSIM over all pairs; masked L1, r and AUC over the pairs that
// change (at least one pixel above the threshold), where they are defined.
struct MetricSummary {
  double l1 = 0.0;
  double l2 = 0.0;
  double ssim = 0.0;
  double maskedL1 = 0.0;
  double pearson = 0.0;
  double auc = 0.0;
};

// The metrics in a fixed order, with their direction.
struct MetricInfo {
  const char* key;    // "l1", "l2", "ssim", "masked_l1", "pearson_r", "auc"
  const char* label;  // "L1", "L2", "SSIM", "masked L1", "r", "AUC"
  bool higherIsBetter;
  double MetricSummary::*field;
};
const std::vector<MetricInfo>& metricInfos();

class EvaluationReport {
 public:
  // Measures the three maps of one pair (prepared inputs, all rows x cols).
  void addPair(const std::string& name, const std::vector<float>& predicted,
               const std::vector<float>& truth, const std::vector<float>& prior,
               const std::vector<float>& current, int rows, int cols, double changeThreshold);

  const std::vector<EvaluatedPair>& pairs() const { return pairs_; }
  size_t changedPairs() const;
  MetricSummary summary(Method method) const;
  // model / baseline of the mean L1 (< 1: the model's error is smaller).
  double l1Ratio(Method baseline) const;
  bool modelBeats(Method baseline, const MetricInfo& metric) const;
  bool modelBeatsOnEveryMetric(Method baseline) const;

  // Context written with the numbers.
  std::string checkpoint;
  std::string dataDir;
  std::string split;  // "val", "train" or "all"
  double changeThreshold = 0.0;

  nlohmann::ordered_json toJson() const;
  // The table printed by `longmim evaluate`: one row per metric, the three methods side by side
  // and whether the model beats each baseline.
  std::string table() const;

 private:
  std::vector<EvaluatedPair> pairs_;
};

}  // namespace longmim::eval
