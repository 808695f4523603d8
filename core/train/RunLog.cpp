#include "train/RunLog.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "train/RunFolder.h"
#include "train/TensorBoardWriter.h"

namespace longmim {

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::uint8_t> toGreyBytes(const std::vector<float>& values, float lo, float hi) {
  std::vector<std::uint8_t> out(values.size());
  const float range = hi > lo ? hi - lo : 1.0f;
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(
        std::lround(std::clamp((values[i] - lo) / range, 0.0f, 1.0f) * 255.0f));
  }
  return out;
}

}  // namespace

RunLog::RunLog(std::string runDir, const std::string& tensorboardDir) : runDir_(std::move(runDir)) {
  if (!tensorboardDir.empty())
    tensorboard_ = std::make_unique<TensorBoardWriter>(tensorboardDir);
}

RunLog::~RunLog() = default;

void RunLog::restart(const TrainingHistory& history) {
  RunFolder::rewriteMetrics(runDir_, history);
}

void RunLog::step(const StepRecord& step) {
  RunFolder::appendMetrics(runDir_, step);
  if (!tensorboard_)
    return;
  const double wall = nowSeconds();
  tensorboard_->addScalar("train_step/total", step.total, step.globalBatch, wall);
  for (const auto& [name, value] : step.components)
    tensorboard_->addScalar("train_step/" + name, value, step.globalBatch, wall);
  tensorboard_->addScalar("schedule/learning_rate", step.learningRate, step.globalBatch, wall);
  tensorboard_->addScalar("schedule/beta1", step.beta1, step.globalBatch, wall);
}

void RunLog::epoch(const EpochRecord& record, const SamplePrediction& sample) {
  RunFolder::appendMetrics(runDir_, record);
  if (!tensorboard_)
    return;
  TensorBoardWriter& tb = *tensorboard_;
  const double wall = nowSeconds();
  tb.addScalar("epoch/train_total", record.trainTotal, record.epoch, wall);
  for (const auto& [name, v] : record.trainComponents)
    tb.addScalar("epoch/train_" + name, v, record.epoch, wall);
  if (record.valTotal) {
    tb.addScalar("epoch/val_total", *record.valTotal, record.epoch, wall);
    for (const auto& [name, v] : record.valComponents)
      tb.addScalar("epoch/val_" + name, v, record.epoch, wall);
  }
  if (record.valMetrics) {
    const ValidationMetrics& m = *record.valMetrics;
    // Undefined metrics (no validation pair changes) are left out rather than drawn as NaN.
    for (const auto& [tag, value] :
         {std::pair<const char*, double>{"val_metrics/l1_ratio_to_zeros", m.l1RatioToZeros()},
          {"val_metrics/pearson_r", m.pearson},
          {"val_metrics/auc", m.auc},
          {"val_metrics/ssim", m.ssim},
          {"val_metrics/l1", m.l1}}) {
      if (std::isfinite(value))
        tb.addScalar(tag, value, record.epoch, wall);
    }
  }
  tb.addScalar("epoch/learning_rate", record.learningRate, record.epoch, wall);
  tb.addScalar("epoch/beta1", record.beta1, record.epoch, wall);
  if (!sample.predicted.empty()) {
    // X-rays on their own range; both difference maps on one symmetric range around 0.
    float limit = 0.01f;
    for (float v : sample.groundTruth)
      limit = std::max(limit, std::fabs(v));
    for (float v : sample.predicted)
      limit = std::max(limit, std::fabs(v));
    tb.addImage("sample/1_baseline", sample.rows, sample.cols, 1,
                toGreyBytes(sample.baseline, 0.0f, 1.0f), record.epoch, wall);
    tb.addImage("sample/2_followup", sample.rows, sample.cols, 1,
                toGreyBytes(sample.followup, 0.0f, 1.0f), record.epoch, wall);
    tb.addImage("sample/3_predicted", sample.rows, sample.cols, 1,
                toGreyBytes(sample.predicted, -limit, limit), record.epoch, wall);
    tb.addImage("sample/4_ground_truth", sample.rows, sample.cols, 1,
                toGreyBytes(sample.groundTruth, -limit, limit), record.epoch, wall);
  }
  tb.flush();
}

void RunLog::flush() {
  if (tensorboard_)
    tensorboard_->flush();
}

}  // namespace longmim
