#include "data/PairLoader.h"

#include <chrono>
#include <random>

#include <torch/torch.h>

#include "dist/Distributed.h"

namespace longmim {

PairLoader::PairLoader(std::shared_ptr<PairDataset> dataset, Options options)
    : dataset_(std::move(dataset)), options_(options) {
  if (options_.batchSize == 0)
    options_.batchSize = 1;
  if (options_.prefetchBatches == 0)
    options_.prefetchBatches = 1;
  if (options_.threads == 0)
    options_.threads = 1;
}

PairLoader::~PairLoader() {
  stopWorkers();
}

size_t PairLoader::batchesPerEpoch() const {
  size_t n = *dataset_->size();
  if (options_.worldSize > 1 && n > 0) {
    const auto world = static_cast<size_t>(options_.worldSize);
    const auto rank = static_cast<size_t>(options_.rank);
    // Padded shards all have the same length; unpadded ones differ by one at most.
    n = options_.padShards ? (n + world - 1) / world : n / world + (rank < n % world ? 1 : 0);
  }
  return options_.dropLast ? n / options_.batchSize
                           : (n + options_.batchSize - 1) / options_.batchSize;
}

std::vector<size_t> PairLoader::epochOrder(int epoch) const {
  std::vector<size_t> order(*dataset_->size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  if (!options_.shuffle)
    return dist::shardOf(order, options_.rank, options_.worldSize, options_.padShards);
  std::mt19937_64 rng(
      PairAugmenter::sampleSeed(options_.seed, static_cast<std::uint64_t>(epoch), 0x5eedULL));
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[static_cast<size_t>(rng() % i)]);
  }
  return dist::shardOf(order, options_.rank, options_.worldSize, options_.padShards);
}

void PairLoader::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  slotFree_.notify_all();
  batchReady_.notify_all();
  for (std::thread& worker : workers_)
    worker.join();
  workers_.clear();
}

void PairLoader::startEpoch(int epoch, size_t firstBatch) {
  stopWorkers();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
    error_ = nullptr;
    ready_.clear();
    epoch_ = epoch;
    order_ = epochOrder(epoch);
    endBatch_ = batchesPerEpoch();
    nextToBuild_ = std::min(firstBatch, endBatch_);
    nextToDeliver_ = nextToBuild_;
  }
  dataset_->setEpoch(epoch);
  for (size_t t = 0; t < options_.threads; ++t)
    workers_.emplace_back([this] { workerLoop(); });
}

void PairLoader::workerLoop() {
  for (;;) {
    size_t number = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      slotFree_.wait(lock, [&] {
        return stopping_ || error_ || nextToBuild_ >= endBatch_ ||
               nextToBuild_ < nextToDeliver_ + options_.prefetchBatches;
      });
      if (stopping_ || error_ || nextToBuild_ >= endBatch_)
        return;
      number = nextToBuild_++;
    }
    try {
      PairBatch batch = buildBatch(number);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(number, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_)
        error_ = std::current_exception();
    }
    batchReady_.notify_all();
  }
}

PairBatch PairLoader::buildBatch(size_t number) const {
  const size_t begin = number * options_.batchSize;
  const size_t end = std::min(begin + options_.batchSize, order_.size());
  std::vector<torch::Tensor> priors;
  std::vector<torch::Tensor> currents;
  std::vector<torch::Tensor> diffs;
  PairBatch batch;
  batch.number = number;
  for (size_t i = begin; i < end; ++i) {
    PairTensors sample = dataset_->sample(order_[i], epoch_);
    priors.push_back(sample.prior);
    currents.push_back(sample.current);
    diffs.push_back(sample.diff);
    batch.indices.push_back(sample.index);
  }
  batch.prior = torch::stack(priors);
  batch.current = torch::stack(currents);
  batch.diff = torch::stack(diffs);
  return batch;
}

std::optional<PairBatch> PairLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (nextToDeliver_ >= endBatch_)
    return std::nullopt;
  const auto start = std::chrono::steady_clock::now();
  batchReady_.wait(lock, [&] { return error_ || ready_.count(nextToDeliver_) != 0; });
  waitSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ready_.count(nextToDeliver_) == 0) {
    const std::exception_ptr error = error_;
    lock.unlock();
    stopWorkers();
    std::rethrow_exception(error);
  }
  auto node = ready_.extract(nextToDeliver_);
  ++nextToDeliver_;
  lock.unlock();
  slotFree_.notify_all();
  return std::move(node.mapped());
}

double PairLoader::waitSeconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waitSeconds_;
}

}  // namespace longmim
