// SYNC_BATCHNORM: BatchNorm whose training statistics are those of the whole group's batch, as
// PyTorch's torch.nn.SyncBatchNorm, so that W workers x batch B normalise exactly as one process
// x batch W*B. Written here because SyncBatchNorm exists only in Python (LibTorch's C++ API has
// none). The models keep their nn::BatchNorm2d modules (same state dict, same loading) and call
// batchNorm() below: it is BatchNorm2d's own forward unless a BatchStatisticsSync is alive on
// this thread and the module is in training mode.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace longmim::model {

// Sums a tensor over every worker of the group, in place (an all-reduce).
using GroupSum = std::function<void(torch::Tensor&)>;

// While alive, batchNorm() on this thread normalises with the group's statistics, summed with
// `sum` in the forward pass and again in the backward pass (the gradients of the statistics).
// It must outlive the backward pass of every forward pass it saw.
class BatchStatisticsSync {
 public:
  explicit BatchStatisticsSync(GroupSum sum);
  ~BatchStatisticsSync();
  BatchStatisticsSync(const BatchStatisticsSync&) = delete;
  BatchStatisticsSync& operator=(const BatchStatisticsSync&) = delete;

 private:
  GroupSum sum_;
  const GroupSum* previous_;
};

// `norm` applied to `x` ([N, C, H, W]): its own forward, or with the group's batch statistics
// (mean and biased variance over every worker's N x H x W, running statistics updated with the
// unbiased variance, as SyncBatchNorm does).
torch::Tensor batchNorm(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x);

}  // namespace longmim::model
