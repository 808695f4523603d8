#include "train/MetricsCsv.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <utility>

#include "loss/LossTerms.h"

namespace longmim {

namespace {

// 9 significant digits, shortest form.
std::string number(double v) {
  std::ostringstream out;
  out.precision(9);
  out << v;
  return out.str();
}

std::string metricCells(const EpochRecord* epoch) {
  if (!epoch || !epoch->valMetrics)
    return ",,,";
  const ValidationMetrics& m = *epoch->valMetrics;
  auto cell = [](double v) { return "," + (std::isfinite(v) ? number(v) : std::string()); };
  return cell(m.l1RatioToZeros()) + cell(m.pearson) + cell(m.auc);
}

}  // namespace

MetricsCsv::MetricsCsv(std::vector<std::string> extraColumns) : extra_(std::move(extraColumns)) {}

const std::vector<std::string>& MetricsCsv::componentColumns() {
  static const std::vector<std::string> columns = loss::allLossTerms();
  return columns;
}

MetricsCsv MetricsCsv::forHistory(const TrainingHistory& history) {
  const std::vector<std::string>& fixed = componentColumns();
  std::vector<std::string> extra;
  auto consider = [&](const ComponentValues& values) {
    for (const auto& [name, value] : values) {
      if (std::find(fixed.begin(), fixed.end(), name) == fixed.end() &&
          std::find(extra.begin(), extra.end(), name) == extra.end())
        extra.push_back(name);
    }
  };
  for (const EpochRecord& e : history.epochs) {
    consider(e.trainComponents);
    consider(e.valComponents);
  }
  for (const StepRecord& s : history.steps)
    consider(s.components);
  return MetricsCsv(std::move(extra));
}

std::string MetricsCsv::header() const {
  std::string text = "kind,epoch,batch,global_batch,optimizer_step,split,total";
  for (const std::string& name : componentColumns())
    text += "," + name;
  text += ",learning_rate,beta1,samples_per_second,seconds,val_l1_vs_zeros,val_pearson_r,val_auc";
  for (const std::string& name : extra_)
    text += "," + name;
  return text + "\n";
}

std::string MetricsCsv::cells(const std::vector<std::string>& columns,
                              const ComponentValues& values) const {
  std::string text;
  for (const std::string& name : columns) {
    const std::optional<double> value = findComponent(values, name);
    text += "," + (value ? number(*value) : std::string());
  }
  return text;
}

std::string MetricsCsv::step(const StepRecord& s) const {
  return "step," + std::to_string(s.epoch) + "," + std::to_string(s.batch) + "," +
         std::to_string(s.globalBatch) + "," + std::to_string(s.optimizerStep) + ",train," +
         number(s.total) + cells(componentColumns(), s.components) + "," + number(s.learningRate) +
         "," + number(s.beta1) + "," + number(s.samplesPerSecond) + "," + number(s.wallSeconds) +
         metricCells(nullptr) + cells(extra_, s.components) + "\n";
}

std::string MetricsCsv::epochRow(const EpochRecord& e, const char* split, double total,
                                 const ComponentValues& components, bool withMetrics) const {
  return "epoch," + std::to_string(e.epoch) + ",,,," + split + "," + number(total) +
         cells(componentColumns(), components) + "," + number(e.learningRate) + "," +
         number(e.beta1) + "," + number(e.samplesPerSecond) + "," + number(e.seconds) +
         metricCells(withMetrics ? &e : nullptr) + cells(extra_, components) + "\n";
}

std::string MetricsCsv::epoch(const EpochRecord& e) const {
  std::string rows = epochRow(e, "train", e.trainTotal, e.trainComponents, false);
  if (e.valTotal)
    rows += epochRow(e, "val", *e.valTotal, e.valComponents, true);
  return rows;
}

std::string MetricsCsv::text(const TrainingHistory& history) const {
  std::string out = header();
  size_t s = 0;
  for (const EpochRecord& e : history.epochs) {
    for (; s < history.steps.size() && history.steps[s].epoch <= e.epoch; ++s)
      out += step(history.steps[s]);
    out += epoch(e);
  }
  for (; s < history.steps.size(); ++s)
    out += step(history.steps[s]);
  return out;
}

}  // namespace longmim
