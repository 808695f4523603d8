// TensorBoard's scalar smoothing for the live loss curves: an exponential moving average with
// bias correction, fed one value at a time so a live curve is smoothed in O(1) per logged step.
#pragma once

#include <cstdint>
#include <optional>

namespace longmim::studio {

class CurveSmoothing {
 public:
  // The largest weight the studio offers: 1 would freeze the curve at its first value.
  static constexpr double kMaxWeight = 0.99;

  // `weight` in [0, kMaxWeight]: 0 shows the raw values, 0.99 averages over ~100 points.
  explicit CurveSmoothing(double weight = 0.6);

  // Starts a new curve with this weight (clamped into [0, kMaxWeight]).
  void setWeight(double weight);
  double weight() const { return weight_; }
  void reset();

  // The smoothed value after `value`. Non-finite values (a NaN loss) are skipped and give nullopt,
  // so one bad batch leaves a gap instead of poisoning the rest of the curve.
  std::optional<double> add(double value);

 private:
  double weight_ = 0.6;
  double accumulated_ = 0.0;  // the biased average, starting from 0 as in TensorBoard
  double weightPower_ = 1.0;  // weight^n after n values: the bias to divide out
};

}  // namespace longmim::studio
