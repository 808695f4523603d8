// The one-cycle learning-rate and momentum schedule, with the values PyTorch's OneCycleLR gives
// (two phases, cosine annealing, cycle_momentum on).
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace longmim {

class OneCycleSchedule {
 public:
  struct Options {
    double maxLr = 6e-4;
    int64_t totalSteps = 1;  // epochs x optimizer steps per epoch
    double pctStart = 0.15;
    double divFactor = 25.0;
    double finalDivFactor = 1e4;
    double baseMomentum = 0.85;  // beta1 at the learning-rate peak
    double maxMomentum = 0.95;   // beta1 at the start and the end
  };

  explicit OneCycleSchedule(Options options);

  // Learning rate and beta1 after `step` scheduler steps (0: before the first optimizer step).
  // Steps past the end keep the final values (PyTorch would raise).
  double learningRate(int64_t step) const;
  double beta1(int64_t step) const;

  const Options& options() const { return options_; }
  nlohmann::ordered_json toJson() const;
  static OneCycleSchedule fromJson(const nlohmann::json& json);

 private:
  // Position within the phase holding `step` and that phase's endpoints.
  struct Phase {
    double pct;
    double startLr, endLr, startMomentum, endMomentum;
  };
  Phase phaseAt(int64_t step) const;

  Options options_;
};

}  // namespace longmim
