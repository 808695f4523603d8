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

// Each worker validated its shard: the loss sums and the metrics' sums and counts over all of them
// give the means one process would have (the same rules as EvaluationReport: L1, SSIM over all
// pairs; masked L1, r and AUC over the changed ones; non-finite values left out).
void reduceMeans(dist::ProcessGroup& group, LossAverager& averager,
                 const eval::EvaluationReport& report, ValidationMetrics& m) {
  std::vector<double> v{averager.total, averager.weight};
  for (const auto& [name, sum] : averager.sums)
    v.push_back(sum);
  const size_t metricsAt = v.size();
  const auto add = [&](size_t slot, double value) {
    if (std::isfinite(value)) {
      v[metricsAt + 2 * slot] += value;
      v[metricsAt + 2 * slot + 1] += 1.0;
    }
  };
  v.resize(metricsAt + 2 * 7 + 2, 0.0);
  for (const eval::EvaluatedPair& p : report.pairs()) {
    add(0, p.model.l1);
    add(1, p.zeros.l1);
    add(2, p.subtraction.l1);
    add(3, p.model.ssim);
    if (p.changedPixels > 0) {
      add(4, p.model.maskedL1);
      add(5, p.model.pearson);
      add(6, p.model.auc);
    }
  }
  v[metricsAt + 14] = static_cast<double>(report.pairs().size());
  v[metricsAt + 15] = static_cast<double>(report.changedPairs());
  v = group.sum(v);
  averager.total = v[0];
  averager.weight = v[1];
  for (size_t i = 0; i < averager.sums.size(); ++i)
    averager.sums[i].second = v[2 + i];
  const auto mean = [&](size_t slot) {
    const double n = v[metricsAt + 2 * slot + 1];
    return n > 0 ? v[metricsAt + 2 * slot] / n : std::nan("");
  };
  m.l1 = mean(0);
  m.l1Zeros = mean(1);
  m.l1Subtraction = mean(2);
  m.ssim = mean(3);
  m.maskedL1 = mean(4);
  m.pearson = mean(5);
  m.auc = mean(6);
  m.pairs = static_cast<int>(v[metricsAt + 14]);
  m.changedPairs = static_cast<int>(v[metricsAt + 15]);
}

}  // namespace

bool Trainer::Impl::validate(int epoch, EpochRecord& record, SamplePrediction& sample) {
  if (info.valPairs == 0)
    return true;
  model->eval();
  torch::NoGradGuard noGrad;
  if (group) {
    // BatchNorm's running statistics moved apart on each worker's batches: all validate with rank
    // 0's, the ones its checkpoints hold (DDP's broadcast_buffers).
    group->broadcastFromMain(model->buffers());
  }
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
  record.valMetrics = validationMetricsOf(report);
  if (group)
    reduceMeans(*group, averager, report, *record.valMetrics);
  record.valTotal = averager.mean();
  record.valComponents = averager.means();
  return std::isfinite(*record.valTotal);
}

}  // namespace longmim
