#include "eval/EvaluationReport.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace longmim::eval {
namespace {

const ChangeMetrics& metricsOf(const EvaluatedPair& p, Method method) {
  switch (method) {
    case Method::Zeros:
      return p.zeros;
    case Method::Subtraction:
      return p.subtraction;
    case Method::Model:
      break;
  }
  return p.model;
}

// Mean of the finite values; NaN when there is none.
class Mean {
 public:
  void add(double v) {
    if (std::isfinite(v)) {
      sum_ += v;
      ++n_;
    }
  }
  double value() const { return n_ ? sum_ / static_cast<double>(n_) : std::nan(""); }

 private:
  double sum_ = 0.0;
  size_t n_ = 0;
};

nlohmann::ordered_json metricsJson(const MetricSummary& s) {
  nlohmann::ordered_json j;
  for (const MetricInfo& m : metricInfos()) {
    const double v = s.*(m.field);
    j[m.key] = std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
  }
  return j;
}

nlohmann::ordered_json pairMetricsJson(const ChangeMetrics& c) {
  MetricSummary s{c.l1, c.l2, c.ssim, c.maskedL1, c.pearson, c.auc};
  return metricsJson(s);
}

std::string number(double v) {
  if (!std::isfinite(v))
    return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", v);
  return text;
}

}  // namespace

const char* methodName(Method method) {
  switch (method) {
    case Method::Zeros:
      return "zeros";
    case Method::Subtraction:
      return "subtraction";
    case Method::Model:
      break;
  }
  return "model";
}

const std::vector<MetricInfo>& metricInfos() {
  static const std::vector<MetricInfo> infos = {
      {"l1", "L1", false, &MetricSummary::l1},
      {"l2", "L2", false, &MetricSummary::l2},
      {"ssim", "SSIM", true, &MetricSummary::ssim},
      {"masked_l1", "masked L1", false, &MetricSummary::maskedL1},
      {"pearson_r", "r", true, &MetricSummary::pearson},
      {"auc", "AUC", true, &MetricSummary::auc},
  };
  return infos;
}

void EvaluationReport::addPair(const std::string& name, const std::vector<float>& predicted,
                               const std::vector<float>& truth, const std::vector<float>& prior,
                               const std::vector<float>& current, int rows, int cols,
                               double threshold) {
  EvaluatedPair p;
  p.name = name;
  p.model = measureChange(predicted, truth, rows, cols, threshold);
  p.zeros = measureChange(std::vector<float>(truth.size(), 0.0f), truth, rows, cols, threshold);
  p.subtraction = measureChange(subtractionBaseline(prior, current), truth, rows, cols, threshold);
  p.changedPixels = p.model.changedPixels;
  pairs_.push_back(std::move(p));
}

size_t EvaluationReport::changedPairs() const {
  size_t n = 0;
  for (const EvaluatedPair& p : pairs_)
    n += p.changedPixels > 0 ? 1 : 0;
  return n;
}

MetricSummary EvaluationReport::summary(Method method) const {
  Mean l1, l2, ssim, masked, r, auc;
  for (const EvaluatedPair& p : pairs_) {
    const ChangeMetrics& m = metricsOf(p, method);
    l1.add(m.l1);
    l2.add(m.l2);
    ssim.add(m.ssim);
    if (p.changedPixels == 0)
      continue;
    masked.add(m.maskedL1);
    r.add(m.pearson);
    auc.add(m.auc);
  }
  return {l1.value(), l2.value(), ssim.value(), masked.value(), r.value(), auc.value()};
}

double EvaluationReport::l1Ratio(Method baseline) const {
  const double b = summary(baseline).l1;
  return b > 0.0 ? summary(Method::Model).l1 / b : std::nan("");
}

bool EvaluationReport::modelBeats(Method baseline, const MetricInfo& metric) const {
  const double m = summary(Method::Model).*(metric.field);
  const double b = summary(baseline).*(metric.field);
  if (!std::isfinite(m) || !std::isfinite(b))
    return false;
  return metric.higherIsBetter ? m > b : m < b;
}

bool EvaluationReport::modelBeatsOnEveryMetric(Method baseline) const {
  for (const MetricInfo& m : metricInfos()) {
    if (!modelBeats(baseline, m))
      return false;
  }
  return true;
}

nlohmann::ordered_json EvaluationReport::toJson() const {
  nlohmann::ordered_json j;
  j["checkpoint"] = checkpoint;
  j["data_dir"] = dataDir;
  j["split"] = split;
  j["change_threshold"] = changeThreshold;
  j["pairs"] = pairs_.size();
  j["changed_pairs"] = changedPairs();
  nlohmann::ordered_json summaries;
  for (Method m : {Method::Model, Method::Zeros, Method::Subtraction})
    summaries[methodName(m)] = metricsJson(summary(m));
  j["summary"] = summaries;
  j["l1_ratio_to_zeros"] = l1Ratio(Method::Zeros);
  j["l1_ratio_to_subtraction"] = l1Ratio(Method::Subtraction);
  nlohmann::ordered_json beats;
  for (Method b : {Method::Zeros, Method::Subtraction}) {
    nlohmann::ordered_json row;
    for (const MetricInfo& m : metricInfos())
      row[m.key] = modelBeats(b, m);
    row["all"] = modelBeatsOnEveryMetric(b);
    beats[methodName(b)] = row;
  }
  j["model_beats"] = beats;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const EvaluatedPair& p : pairs_) {
    nlohmann::ordered_json e;
    e["case"] = p.name;
    e["changed_pixels"] = p.changedPixels;
    e["model"] = pairMetricsJson(p.model);
    e["zeros"] = pairMetricsJson(p.zeros);
    e["subtraction"] = pairMetricsJson(p.subtraction);
    list.push_back(e);
  }
  j["per_pair"] = list;
  return j;
}

std::string EvaluationReport::table() const {
  const MetricSummary model = summary(Method::Model);
  const MetricSummary zeros = summary(Method::Zeros);
  const MetricSummary sub = summary(Method::Subtraction);
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %10s %10s %12s   %-12s %-12s\n", "metric", "model",
                "zeros", "subtraction", "vs zeros", "vs subtr.");
  out << line;
  for (const MetricInfo& m : metricInfos()) {
    std::snprintf(line, sizeof line, "%-10s %10s %10s %12s   %-12s %-12s\n", m.label,
                  number(model.*(m.field)).c_str(), number(zeros.*(m.field)).c_str(),
                  number(sub.*(m.field)).c_str(),
                  modelBeats(Method::Zeros, m) ? "beats" : "does not",
                  modelBeats(Method::Subtraction, m) ? "beats" : "does not");
    out << line;
  }
  std::snprintf(line, sizeof line,
                "%zu pairs (%zu with change, |gt| > %g); L1 %.2fx zeros, %.2fx subtraction\n",
                pairs_.size(), changedPairs(), changeThreshold, l1Ratio(Method::Zeros),
                l1Ratio(Method::Subtraction));
  out << line;
  return out.str();
}

}  // namespace longmim::eval
