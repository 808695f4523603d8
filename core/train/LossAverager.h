// Running means of the loss over an epoch's batches, weighted by batch size, for the epoch line,
// metrics.csv and the curves. An interrupted checkpoint keeps the sums, so that a resumed epoch's
// mean covers the batches before the stop too.
#pragma once

#include <nlohmann/json.hpp>

#include "loss/LossComposer.h"
#include "train/TrainingHistory.h"

namespace longmim {

// Each term's value (before its lambda) of one loss evaluation, in the composer's order.
ComponentValues componentsOf(const loss::LossResult& r);

struct LossAverager {
  double total = 0.0;
  ComponentValues sums;
  double weight = 0.0;

  void add(const loss::LossResult& r, double w);
  double mean() const { return weight > 0 ? total / weight : 0.0; }
  ComponentValues means() const;

  // The running sums as saved in an interrupted checkpoint.
  nlohmann::ordered_json toJson() const;
  static LossAverager fromJson(const nlohmann::json& j);
};

}  // namespace longmim
