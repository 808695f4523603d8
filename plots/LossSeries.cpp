#include "LossSeries.h"

#include <algorithm>
#include <cmath>

namespace longmim::studio {
namespace {

void append(LossSeries& series, double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y))
    return;
  series.x.push_back(x);
  series.y.push_back(y);
}

double clamp01(double v) {
  return std::min(1.0, std::max(0.0, v));
}

void appendName(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end())
    names.push_back(name);
}

// Range padding as a fraction of the span: points never touch the frame.
constexpr double kPadding = 0.05;

}  // namespace

double stepPosition(const StepRecord& step) {
  const double fraction =
      step.batchesInEpoch > 0 ? clamp01(double(step.batch) / double(step.batchesInEpoch)) : 1.0;
  return double(step.epoch) - 1.0 + fraction;
}

double editPosition(const TrainingHistory& history, const EditRecord& edit) {
  const StepRecord* before = nullptr;
  const StepRecord* after = nullptr;
  for (const StepRecord& step : history.steps) {
    if (step.optimizerStep <= edit.optimizerStep)
      before = &step;
    if (step.optimizerStep >= edit.optimizerStep && !after)
      after = &step;
  }
  double x = std::max(0.0, double(edit.epoch) - 1.0);
  if (before && after && after->optimizerStep > before->optimizerStep) {
    const double t = double(edit.optimizerStep - before->optimizerStep) /
                     double(after->optimizerStep - before->optimizerStep);
    x = stepPosition(*before) + t * (stepPosition(*after) - stepPosition(*before));
  } else if (before || after) {
    x = stepPosition(before ? *before : *after);
  }
  if (edit.epoch >= 1)  // the edit's own record of its epoch wins over sparse logging
    x = std::min(double(edit.epoch), std::max(double(edit.epoch) - 1.0, x));
  return x;
}

LossSeries trainTotalPerEpoch(const TrainingHistory& history) {
  LossSeries series;
  for (const EpochRecord& e : history.epochs)
    append(series, e.epoch, e.trainTotal);
  return series;
}

LossSeries validationTotalPerEpoch(const TrainingHistory& history) {
  LossSeries series;
  for (const EpochRecord& e : history.epochs) {
    if (e.valTotal)
      append(series, e.epoch, *e.valTotal);
  }
  return series;
}

LossSeries trainTotalPerStep(const TrainingHistory& history) {
  LossSeries series;
  for (const StepRecord& s : history.steps)
    append(series, stepPosition(s), s.total);
  return series;
}

LossSeries trainComponentPerEpoch(const TrainingHistory& history, const std::string& name) {
  LossSeries series;
  for (const EpochRecord& e : history.epochs) {
    if (const auto value = findComponent(e.trainComponents, name))
      append(series, e.epoch, *value);
  }
  return series;
}

LossSeries validationComponentPerEpoch(const TrainingHistory& history, const std::string& name) {
  LossSeries series;
  for (const EpochRecord& e : history.epochs) {
    if (const auto value = findComponent(e.valComponents, name))
      append(series, e.epoch, *value);
  }
  return series;
}

LossSeries trainComponentPerStep(const TrainingHistory& history, const std::string& name) {
  LossSeries series;
  for (const StepRecord& s : history.steps) {
    if (const auto value = findComponent(s.components, name))
      append(series, stepPosition(s), *value);
  }
  return series;
}

std::vector<std::string> lossComponentNames(const TrainingHistory& history) {
  std::vector<std::string> names;
  for (const EpochRecord& e : history.epochs) {
    for (const auto& component : e.trainComponents)
      appendName(names, component.first);
    for (const auto& component : e.valComponents)
      appendName(names, component.first);
  }
  for (const StepRecord& s : history.steps) {
    for (const auto& component : s.components)
      appendName(names, component.first);
  }
  return names;
}

std::optional<double> bestValidationLoss(const TrainingHistory& history) {
  if (history.bestEpoch <= 0)
    return std::nullopt;
  for (const EpochRecord& e : history.epochs) {
    if (e.epoch == history.bestEpoch && e.valTotal && std::isfinite(*e.valTotal))
      return *e.valTotal;
  }
  if (std::isfinite(history.bestValLoss))
    return history.bestValLoss;
  return std::nullopt;
}

LossSeries visibleOn(const LossSeries& series, LossAxisScale scale) {
  if (scale == LossAxisScale::Linear)
    return series;
  LossSeries positive;
  for (int i = 0; i < series.size(); ++i) {
    if (series.y[i] > 0.0)
      append(positive, series.x[i], series.y[i]);
  }
  return positive;
}

std::optional<std::pair<double, double>> valueRange(const std::vector<const LossSeries*>& series,
                                                    LossAxisScale scale) {
  bool any = false;
  double low = 0.0;
  double high = 0.0;
  for (const LossSeries* s : series) {
    for (const double y : s->y) {
      if (scale == LossAxisScale::Logarithmic && y <= 0.0)
        continue;
      low = any ? std::min(low, y) : y;
      high = any ? std::max(high, y) : y;
      any = true;
    }
  }
  if (!any)
    return std::nullopt;
  if (scale == LossAxisScale::Logarithmic) {
    // Pad by a fraction of the span in decades; a single value gets a decade around it.
    const double decades = std::log10(high) - std::log10(low);
    const double pad = decades > 0.0 ? kPadding * decades : 0.5;
    return std::make_pair(low / std::pow(10.0, pad), high * std::pow(10.0, pad));
  }
  const double span = high - low;
  const double pad = span > 0.0 ? kPadding * span : (low != 0.0 ? 0.1 * std::abs(low) : 1.0);
  return std::make_pair(low - pad, high + pad);
}

std::optional<std::pair<double, double>> epochRange(const std::vector<const LossSeries*>& series) {
  bool any = false;
  double low = 0.0;
  double high = 0.0;
  for (const LossSeries* s : series) {
    for (const double x : s->x) {
      low = any ? std::min(low, x) : x;
      high = any ? std::max(high, x) : x;
      any = true;
    }
  }
  if (!any)
    return std::nullopt;
  const double span = high - low;
  const double pad = span > 0.0 ? 0.03 * span : 0.5;
  return std::make_pair(low - pad, high + pad);
}

}  // namespace longmim::studio
