#include "data/PairDataset.h"

#include <torch/torch.h>

namespace longmim {
namespace {

torch::Tensor toTensor(const Image2D& image) {
  return torch::from_blob(const_cast<float*>(image.pixels.data()), {1, image.rows, image.cols},
                          torch::kFloat32)
      .clone();
}

}  // namespace

PairDataset::PairDataset(std::vector<CaseEntry> cases, const TrainingConfig& config, bool training,
                         std::shared_ptr<ImageCache> cache)
    : cases_(std::move(cases)),
      config_(config),
      training_(training),
      cache_(std::move(cache)),
      augmenter_(config) {}

std::shared_ptr<const PreparedPair> PairDataset::loadBase(size_t index) const {
  if (cache_) {
    if (auto cached = cache_->find(index))
      return cached;
  }
  auto pair = std::make_shared<const PreparedPair>(
      loadPreparedPair(cases_.at(index), config_.imgSize, config_.resizeMode == "pad"));
  if (cache_)
    cache_->insert(index, pair);
  return pair;
}

PreparedPair PairDataset::preparedPair(size_t index, int epoch) const {
  PreparedPair pair = *loadBase(index);
  if (training_) {
    std::mt19937_64 rng(PairAugmenter::sampleSeed(static_cast<std::uint64_t>(config_.seed),
                                                  static_cast<std::uint64_t>(epoch), index));
    augmenter_.apply(pair, rng);
  }
  return pair;
}

PairTensors PairDataset::sample(size_t index, int epoch) const {
  const PreparedPair pair = preparedPair(index, epoch);
  return {toTensor(pair.prior), toTensor(pair.current), toTensor(pair.diff), index};
}

PairTensors PairDataset::get(size_t index) {
  return sample(index, epoch_.load());
}

}  // namespace longmim
