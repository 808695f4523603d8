// metrics.csv's layout, the one formatter behind the run folder's file and the studio's CSV
// export: a row per logged step (split "train") and two per epoch ("train", "val"), every loss
// component in a fixed column (empty when the term is off), LR, beta1, samples/s, seconds and the
// validation metrics (L1 / zeros, r, AUC). Components without a fixed column (a history from
// another version) get extra columns after the last one, in the order given.
#pragma once

#include <string>
#include <vector>

#include "train/TrainingHistory.h"

namespace longmim {

class MetricsCsv {
 public:
  explicit MetricsCsv(std::vector<std::string> extraColumns = {});

  // A layout for `history`: its components without a fixed column become extra columns.
  static MetricsCsv forHistory(const TrainingHistory& history);

  // The loss components that have a fixed column, in column order.
  static const std::vector<std::string>& componentColumns();

  std::string header() const;
  std::string step(const StepRecord& s) const;
  std::string epoch(const EpochRecord& e) const;
  // Header and every row, steps before the epoch they belong to.
  std::string text(const TrainingHistory& history) const;

 private:
  std::string cells(const std::vector<std::string>& columns, const ComponentValues& values) const;
  std::string epochRow(const EpochRecord& e, const char* split, double total,
                       const ComponentValues& components, bool withMetrics) const;

  std::vector<std::string> extra_;
};

}  // namespace longmim
