#include "infer/Predictor.h"

#include <torch/torch.h>

#include <cmath>

#include "Error.h"
#include "config/ConfigJson.h"
#include "data/ImageResize.h"
#include "data/PairPreprocessing.h"
#include "eval/ChangeMetrics.h"
#include "io/RadiographIO.h"
#include "model/ModelFactory.h"
#include "model/WeightImport.h"
#include "train/CheckpointStore.h"

namespace longmim {
namespace {

torch::Tensor asTensor(const Image2D& image) {
  return torch::from_blob(const_cast<float*>(image.pixels.data()), {1, 1, image.rows, image.cols},
                          torch::kFloat32)
      .clone();
}

}  // namespace

PairMetrics PairMetrics::measure(const std::vector<float>& predicted,
                                 const std::vector<float>& truth, int rows, int cols,
                                 double changeThreshold) {
  double zeros = 0.0;
  for (float v : truth)
    zeros += std::fabs(v);
  return from(eval::measureChange(predicted, truth, rows, cols, changeThreshold),
              truth.empty() ? 0.0 : zeros / static_cast<double>(truth.size()));
}

PairMetrics PairMetrics::from(const eval::ChangeMetrics& c, double l1Zeros) {
  PairMetrics m;
  m.l1 = c.l1;
  m.l2 = c.l2;
  m.ssim = c.ssim;
  m.maskedL1 = c.maskedL1;
  m.pearson = c.pearson;
  m.auc = c.auc;
  m.l1Zeros = l1Zeros;
  return m;
}

struct Predictor::Impl {
  TrainingConfig config;
  model::LongitudinalModel model;
};

Predictor::Predictor(const std::string& checkpointPath) : impl_(std::make_unique<Impl>()) {
  const Checkpoint checkpoint = loadCheckpoint(checkpointPath);
  applyConfigJson(impl_->config, nlohmann::json::parse(checkpoint.configJson), checkpointPath);
  impl_->config.initWeights = false;
  impl_->model = model::buildModel(impl_->config);
  const std::map<std::string, torch::Tensor> weights(checkpoint.model.begin(),
                                                     checkpoint.model.end());
  model::importWeights(*impl_->model, weights, /*strict=*/true, checkpointPath);
  impl_->model->eval();
}

Predictor::~Predictor() = default;

const TrainingConfig& Predictor::config() const {
  return impl_->config;
}

Image2D Predictor::predictPrepared(const Image2D& prior, const Image2D& current) const {
  // Inference mode: no autograd bookkeeping at all (no version counters, no views tracked),
  // what Python's torch.inference_mode() does for the reference's prediction loop.
  c10::InferenceMode inference;
  const torch::Tensor out = impl_->model->forward(asTensor(prior), asTensor(current)).contiguous();
  Image2D map(current.rows, current.cols);
  std::copy(out.data_ptr<float>(), out.data_ptr<float>() + map.size(), map.pixels.begin());
  map.geometry = current.geometry;
  return map;
}

Prediction Predictor::predictFiles(const std::string& prior, const std::string& current,
                                   const std::string& groundTruth) const {
  const int size = impl_->config.imgSize;
  const bool pad = impl_->config.resizeMode == "pad";
  const Image2D rawCurrent = readAnyImage2D(current);
  const Image2D rawPrior = readAnyImage2D(prior);
  Image2D preparedPrior = fitToSquare(rawPrior, size, pad, minimumOf(rawPrior));
  Image2D preparedCurrent = fitToSquare(rawCurrent, size, pad, minimumOf(rawCurrent));
  normalizeMinMax(preparedPrior);
  normalizeMinMax(preparedCurrent);

  Prediction result;
  result.modelInput = preparedCurrent;
  result.modelMap = predictPrepared(preparedPrior, preparedCurrent);
  result.map = unfitFromSquare(result.modelMap, rawCurrent.rows, rawCurrent.cols, pad);
  result.map.geometry = rawCurrent.geometry;
  if (!groundTruth.empty()) {
    const Image2D truth = fitToSquare(readAnyImage2D(groundTruth), size, pad, 0.0f);
    result.metrics = PairMetrics::measure(result.modelMap.pixels, truth.pixels, size, size,
                                          impl_->config.changeThreshold);
  }
  return result;
}

}  // namespace longmim
