// What the live plot's selected curve reads from each record of a training history: the weighted
// total, one loss component, or one of the validation metrics (one point per epoch, no train
// values). Qt-free, so that the choice of values is tested without a plot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "train/TrainingHistory.h"

namespace longmim::studio {

// The validation metrics offered as curves, in the order the curve list shows them.
const std::vector<std::string>& metricCurveNames();
bool isMetricCurve(const std::string& name);

class CurveValues {
 public:
  // `component`: a loss component's or a metric's name; empty for the weighted total.
  explicit CurveValues(std::string component = {}) : component_(std::move(component)) {}

  const std::string& component() const { return component_; }
  bool isTotal() const { return component_.empty(); }
  bool isMetric() const { return isMetricCurve(component_); }

  // Each value is finite or absent (a record without it, or a NaN / infinite one).
  std::optional<double> step(const StepRecord& step) const;
  std::optional<double> train(const EpochRecord& epoch) const;
  std::optional<double> validation(const EpochRecord& epoch) const;

 private:
  std::string component_;
};

// Every curve `history` can show after the total: its loss components in the order they appeared,
// then the metric curves when any epoch has validation metrics.
std::vector<std::string> curveNamesOf(const TrainingHistory& history);

}  // namespace longmim::studio
