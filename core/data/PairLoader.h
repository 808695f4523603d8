// Batches of a PairDataset, prepared ahead on background threads in a deterministic order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <torch/types.h>

#include "data/PairDataset.h"

namespace longmim {

struct PairBatch {
  torch::Tensor prior;          // [B, 1, H, W]
  torch::Tensor current;        // [B, 1, H, W]
  torch::Tensor diff;           // [B, 1, H, W]
  std::vector<size_t> indices;  // dataset indices, in batch order
  size_t number = 0;            // position of the batch in its epoch
};

class PairLoader {
 public:
  struct Options {
    size_t batchSize = 1;
    bool shuffle = true;
    std::uint64_t seed = 0;
    size_t prefetchBatches = 2;  // batches kept ready ahead of the consumer
    size_t threads = 1;          // background threads preparing batches
    bool dropLast = false;       // drop a final incomplete batch
    // Data-parallel: this worker's shard of each epoch's order (dist::shardOf).
    int rank = 0;
    int worldSize = 1;
    bool padShards = true;  // false: each pair on exactly one worker (validation)
  };

  PairLoader(std::shared_ptr<PairDataset> dataset, Options options);
  ~PairLoader();
  PairLoader(const PairLoader&) = delete;
  PairLoader& operator=(const PairLoader&) = delete;

  size_t batchesPerEpoch() const;
  // The dataset indices of an epoch in delivery order (a seeded shuffle when enabled; this
  // worker's shard of it when the run has several).
  std::vector<size_t> epochOrder(int epoch) const;

  // Starts preparing `epoch` from batch `firstBatch` (for resuming mid-epoch). Any epoch still in
  // progress is abandoned.
  void startEpoch(int epoch, size_t firstBatch = 0);

  // The next batch of the current epoch, waiting for it if needed; nullopt when the epoch is
  // over. Rethrows the first error a background thread hit (a DataError naming the file).
  std::optional<PairBatch> next();

  // Seconds next() spent waiting for batches since the loader was created: the part of loading
  // that the prefetching did not hide.
  double waitSeconds() const;

 private:
  void stopWorkers();
  void workerLoop();
  PairBatch buildBatch(size_t number) const;

  std::shared_ptr<PairDataset> dataset_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable batchReady_;
  std::condition_variable slotFree_;
  std::vector<std::thread> workers_;
  std::vector<size_t> order_;
  int epoch_ = 0;
  size_t nextToBuild_ = 0;
  size_t nextToDeliver_ = 0;
  size_t endBatch_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::map<size_t, PairBatch> ready_;
  double waitSeconds_ = 0.0;
};

}  // namespace longmim
