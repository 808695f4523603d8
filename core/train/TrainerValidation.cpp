#include <cmath>

#include "eval/EvaluationReport.h"
#include "train/TrainerImpl.h"

namespace longmim {

namespace {

std::vector<float> toVector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

ValidationMetrics validationMetricsOf(const eval::EvaluationReport& report) {
  const eval::MetricSummary model = report.summary(eval::Method::Model);
  ValidationMetrics m;
  m.l1 = model.l1;
  m.l1Zeros = report.summary(eval::Method::Zeros).l1;
  m.l1Subtraction = report.summary(eval::Method::Subtraction).l1;
  m.ssim = model.ssim;
  m.maskedL1 = model.maskedL1;
  m.pearson = model.pearson;
  m.auc = model.auc;
  m.pairs = static_cast<int>(report.pairs().size());
  m.changedPairs = static_cast<int>(report.changedPairs());
  return m;
}

}  // namespace

bool Trainer::Impl::validate(int epoch, EpochRecord& record, SamplePrediction& sample) {
  if (info.valPairs == 0)
    return true;
  model->eval();
  torch::NoGradGuard noGrad;
  if (observer)
    observer->validationStarted(epoch, static_cast<int>(valLoader->batchesPerEpoch()));
  valLoader->startEpoch(0);
  LossAverager averager;
  eval::EvaluationReport report;
  size_t sampleChange = 0;
  while (std::optional<PairBatch> batch = valLoader->next()) {
    const torch::Tensor baseline = batch->prior.to(device);
    const torch::Tensor followup = batch->current.to(device);
    const torch::Tensor target = batch->diff.to(device);
    const torch::Tensor prediction = predict(baseline, followup);
    const loss::LossResult result =
        composer->compute(prediction, target, epoch, /*training=*/false);
    averager.add(result, static_cast<double>(baseline.size(0)));
    const int rows = static_cast<int>(baseline.size(2));
    const int cols = static_cast<int>(baseline.size(3));
    for (int64_t i = 0; i < baseline.size(0); ++i) {
      const std::string& name = data.valCases.at(batch->indices.at(i)).name;
      std::vector<float> p = toVector(prediction[i][0]);
      std::vector<float> t = toVector(target[i][0]);
      std::vector<float> b = toVector(baseline[i][0]);
      std::vector<float> f = toVector(followup[i][0]);
      report.addPair(name, p, t, b, f, rows, cols, config.changeThreshold);
      // The live sample is the pair with the largest changed area (the first on a tie), so
      // the viewer shows change rather than a blank map.
      const size_t changed = report.pairs().back().changedPixels;
      if (sample.predicted.empty() || changed > sampleChange) {
        sampleChange = changed;
        sample.epoch = epoch;
        sample.caseName = name;
        sample.rows = rows;
        sample.cols = cols;
        sample.baseline = std::move(b);
        sample.followup = std::move(f);
        sample.predicted = std::move(p);
        sample.groundTruth = std::move(t);
        sample.metrics = report.pairs().back().model;
        sample.l1Zeros = report.pairs().back().zeros.l1;
      }
    }
  }
  record.valTotal = averager.mean();
  record.valComponents = averager.means();
  record.valMetrics = validationMetricsOf(report);
  return std::isfinite(*record.valTotal);
}

}  // namespace longmim
