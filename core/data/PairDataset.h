// A torch dataset over case folders: pair i -> prepared (and, for training, augmented) tensors.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <torch/data/datasets/base.h>
#include <torch/types.h>

#include "config/TrainingConfig.h"
#include "data/ImageCache.h"
#include "data/PairAugmenter.h"
#include "data/PairIndex.h"

namespace longmim {

struct PairTensors {
  torch::Tensor prior;    // [1, IMG_SIZE, IMG_SIZE] float32 in [0, 1]
  torch::Tensor current;  // [1, IMG_SIZE, IMG_SIZE] float32 in [0, 1]
  torch::Tensor diff;     // [1, IMG_SIZE, IMG_SIZE] float32, signed
  size_t index = 0;       // position in the dataset
};

class PairDataset : public torch::data::datasets::Dataset<PairDataset, PairTensors> {
 public:
  // `training` turns augmentation on (as configured); validation data is prepared
  // deterministically. `cache` may be null (no caching) and may be shared.
  PairDataset(std::vector<CaseEntry> cases, const TrainingConfig& config, bool training,
              std::shared_ptr<ImageCache> cache = nullptr);

  // Uses the epoch set with setEpoch(); the torch Dataset interface.
  PairTensors get(size_t index) override;
  torch::optional<size_t> size() const override { return cases_.size(); }

  // Thread-safe; the augmentation of a sample depends only on (SEED, epoch, index).
  PairTensors sample(size_t index, int epoch) const;
  PreparedPair preparedPair(size_t index, int epoch) const;

  void setEpoch(int epoch) { epoch_ = epoch; }
  int epoch() const { return epoch_; }
  bool training() const { return training_; }
  const CaseEntry& entry(size_t index) const { return cases_.at(index); }
  const std::vector<CaseEntry>& cases() const { return cases_; }
  const ImageCache* cache() const { return cache_.get(); }

 private:
  std::shared_ptr<const PreparedPair> loadBase(size_t index) const;

  std::vector<CaseEntry> cases_;
  TrainingConfig config_;
  bool training_;
  std::shared_ptr<ImageCache> cache_;
  PairAugmenter augmenter_;
  std::atomic<int> epoch_{0};
};

}  // namespace longmim
