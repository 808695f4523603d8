#include "curves/CurveSmoothing.h"

#include <algorithm>
#include <cmath>

namespace longmim::studio {

CurveSmoothing::CurveSmoothing(double weight) {
  setWeight(weight);
}

void CurveSmoothing::setWeight(double weight) {
  weight_ = std::isfinite(weight) ? std::clamp(weight, 0.0, kMaxWeight) : 0.0;
  reset();
}

void CurveSmoothing::reset() {
  accumulated_ = 0.0;
  weightPower_ = 1.0;
}

std::optional<double> CurveSmoothing::add(double value) {
  if (!std::isfinite(value))
    return std::nullopt;
  accumulated_ = accumulated_ * weight_ + (1.0 - weight_) * value;
  // Starting from 0 pulls the first values towards 0; dividing by 1 - weight^n removes that pull
  // (the first smoothed value is the first raw value).
  weightPower_ *= weight_;
  return accumulated_ / (1.0 - weightPower_);
}

}  // namespace longmim::studio
