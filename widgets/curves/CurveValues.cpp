#include "curves/CurveValues.h"

#include <algorithm>
#include <cmath>

#include "LossSeries.h"

namespace longmim::studio {
namespace {

std::optional<double> finite(std::optional<double> value) {
  return value && std::isfinite(*value) ? value : std::nullopt;
}

}  // namespace

const std::vector<std::string>& metricCurveNames() {
  static const std::vector<std::string> names{"val L1 / zeros", "val r", "val AUC"};
  return names;
}

bool isMetricCurve(const std::string& name) {
  const auto& names = metricCurveNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<double> CurveValues::step(const StepRecord& step) const {
  if (isTotal())
    return finite(step.total);
  if (isMetric())
    return std::nullopt;
  return finite(findComponent(step.components, component_));
}

std::optional<double> CurveValues::train(const EpochRecord& epoch) const {
  if (isTotal())
    return finite(epoch.trainTotal);
  if (isMetric())
    return std::nullopt;
  return finite(findComponent(epoch.trainComponents, component_));
}

std::optional<double> CurveValues::validation(const EpochRecord& epoch) const {
  if (isTotal())
    return finite(epoch.valTotal);
  if (!isMetric())
    return finite(findComponent(epoch.valComponents, component_));
  if (!epoch.valMetrics)
    return std::nullopt;
  const ValidationMetrics& m = *epoch.valMetrics;
  const auto& names = metricCurveNames();
  const double v = component_ == names[0]   ? m.l1RatioToZeros()
                   : component_ == names[1] ? m.pearson
                                            : m.auc;
  return finite(v);
}

std::vector<std::string> curveNamesOf(const TrainingHistory& history) {
  std::vector<std::string> names = lossComponentNames(history);
  if (std::any_of(history.epochs.begin(), history.epochs.end(),
                  [](const EpochRecord& e) { return e.valMetrics.has_value(); })) {
    for (const std::string& metric : metricCurveNames())
      names.push_back(metric);
  }
  return names;
}

}  // namespace longmim::studio
