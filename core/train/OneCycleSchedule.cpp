#include "train/OneCycleSchedule.h"

#include <algorithm>
#include <cmath>

namespace longmim {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Cosine annealing from start to end as pct goes from 0 to 1 (PyTorch's _annealing_cos).
double cosine(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0);
}

}  // namespace

OneCycleSchedule::OneCycleSchedule(Options options) : options_(options) {
  options_.totalSteps = std::max<int64_t>(1, options_.totalSteps);
}

OneCycleSchedule::Phase OneCycleSchedule::phaseAt(int64_t step) const {
  const Options& o = options_;
  const double initialLr = o.maxLr / o.divFactor;
  const double minLr = initialLr / o.finalDivFactor;
  // PyTorch: the first phase ends at float(pct_start * total_steps) - 1, the second at total - 1.
  const double firstEnd = o.pctStart * static_cast<double>(o.totalSteps) - 1.0;
  const double lastEnd = static_cast<double>(o.totalSteps) - 1.0;
  const double s = static_cast<double>(std::min<int64_t>(step, o.totalSteps - 1));
  if (s <= firstEnd) {
    return {firstEnd > 0 ? s / firstEnd : 1.0, initialLr, o.maxLr, o.maxMomentum, o.baseMomentum};
  }
  const double span = lastEnd - firstEnd;
  return {span > 0 ? (s - firstEnd) / span : 1.0, o.maxLr, minLr, o.baseMomentum, o.maxMomentum};
}

double OneCycleSchedule::learningRate(int64_t step) const {
  const Phase p = phaseAt(step);
  return cosine(p.startLr, p.endLr, p.pct);
}

double OneCycleSchedule::beta1(int64_t step) const {
  const Phase p = phaseAt(step);
  return cosine(p.startMomentum, p.endMomentum, p.pct);
}

nlohmann::ordered_json OneCycleSchedule::toJson() const {
  return {{"max_lr", options_.maxLr},
          {"total_steps", options_.totalSteps},
          {"pct_start", options_.pctStart},
          {"div_factor", options_.divFactor},
          {"final_div_factor", options_.finalDivFactor},
          {"base_momentum", options_.baseMomentum},
          {"max_momentum", options_.maxMomentum},
          {"anneal_strategy", "cos"}};
}

OneCycleSchedule OneCycleSchedule::fromJson(const nlohmann::json& j) {
  Options o;
  o.maxLr = j.at("max_lr").get<double>();
  o.totalSteps = j.at("total_steps").get<int64_t>();
  o.pctStart = j.at("pct_start").get<double>();
  o.divFactor = j.at("div_factor").get<double>();
  o.finalDivFactor = j.at("final_div_factor").get<double>();
  o.baseMomentum = j.at("base_momentum").get<double>();
  o.maxMomentum = j.at("max_momentum").get<double>();
  return OneCycleSchedule(o);
}

}  // namespace longmim
