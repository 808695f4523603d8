// One training run spread over several worker processes (data-parallel, as PyTorch's DDP): who
// this process is in the group, and the collective operations the trainer needs, on PyTorch's own
// distributed engine (c10d: a TCPStore for the rendezvous, ProcessGroupGloo for the collectives).
// Only the trainer's translation units include this header (it names ATen tensors).
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dist/WorldSpec.h"

namespace longmim::dist {

// The group, joined on construction (blocks until every rank has joined or the timeout passes:
// ConfigError naming the address). Collectives throw longmim::Error when a peer dies or stalls
// past the timeout, naming this rank.
class ProcessGroup {
 public:
  explicit ProcessGroup(const WorldSpec& world);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return world_.rank; }
  int size() const { return world_.worldSize; }
  bool isMain() const { return world_.rank == 0; }
  const WorldSpec& world() const { return world_; }

  // Every rank's tensors take rank 0's values (in place), in buckets of flattened tensors.
  void broadcastFromMain(const std::vector<at::Tensor>& tensors);
  // The gradients of `parameters` become their mean over the ranks (bucketed all-reduce; a
  // parameter without a gradient on every rank takes part as zeros).
  void averageGradients(const std::vector<at::Tensor>& parameters);
  // `tensor` (contiguous) becomes its element-wise sum over the ranks, in place.
  void sumInPlace(at::Tensor& tensor, const char* what);
  // Starts that sum and returns at once (communication overlapped with computation); the
  // returned function waits for it, throwing as the other collectives do. Every rank must start
  // the same sums in the same order.
  std::function<void()> startSum(const at::Tensor& tensor, const char* what);
  // The element-wise sum of `values` over the ranks.
  std::vector<double> sum(const std::vector<double>& values);
  // Rank 0's text on every rank.
  std::string broadcastText(const std::string& text);
  void barrier();

  // Seconds spent in averageGradients so far, and how many calls (for the communication share).
  double gradientSeconds() const { return gradientSeconds_; }
  int64_t gradientReductions() const { return gradientReductions_; }

 private:
  struct Impl;
  WorldSpec world_;
  std::unique_ptr<Impl> impl_;
  double gradientSeconds_ = 0.0;
  int64_t gradientReductions_ = 0;
};

// Which of an epoch's `order` a rank trains on, as torch's DistributedSampler: the order padded
// (by repeating its start) to a multiple of `worldSize`, then every worldSize-th entry from `rank`.
// Unpadded (`pad` false, for validation): each entry on exactly one rank, shards may differ by one.
std::vector<size_t> shardOf(const std::vector<size_t>& order, int rank, int worldSize,
                            bool pad = true);

}  // namespace longmim::dist
