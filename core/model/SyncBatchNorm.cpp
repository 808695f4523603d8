#include "model/SyncBatchNorm.h"

#include <cstdint>
#include <utility>

namespace longmim::model {
namespace {

thread_local const GroupSum* activeSum = nullptr;

// The sum over the group as an autograd operation: the forward pass sums the workers' values, the
// backward pass sums the workers' gradients (each worker's loss depends on every worker's input
// through the shared statistics). The summing function travels as an address in the context,
// because the backward pass may run after the forward pass's scope.
struct SumOverGroup : torch::autograd::Function<SumOverGroup> {
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& local, int64_t sumAddress) {
    context->saved_data["sum"] = sumAddress;
    torch::Tensor total = local.contiguous().clone();
    (*reinterpret_cast<const GroupSum*>(sumAddress))(total);
    return total;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const auto* sum = reinterpret_cast<const GroupSum*>(context->saved_data["sum"].toInt());
    torch::Tensor total = gradients[0].contiguous().clone();
    (*sum)(total);
    return {total, torch::Tensor()};
  }
};

}  // namespace

BatchStatisticsSync::BatchStatisticsSync(GroupSum sum)
    : sum_(std::move(sum)), previous_(activeSum) {
  activeSum = &sum_;
}

BatchStatisticsSync::~BatchStatisticsSync() {
  activeSum = previous_;
}

torch::Tensor batchNorm(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x) {
  const GroupSum* sum = activeSum;
  if (!sum || !norm.is_training())
    return norm.forward(x);
  const torch::nn::BatchNormOptions& options = norm.options;
  const int64_t channels = x.size(1);
  // One all-reduce per layer: the sums of x and x^2 and the count, in double precision so that
  // E[x^2] - E[x]^2 keeps float's digits of the variance.
  const torch::Tensor wide = x.to(torch::kDouble);
  const torch::Tensor local =
      torch::cat({wide.sum({0, 2, 3}), (wide * wide).sum({0, 2, 3}),
                  torch::full({1}, static_cast<double>(x.numel() / channels), wide.options())});
  const torch::Tensor total = SumOverGroup::apply(local, reinterpret_cast<int64_t>(sum));
  const torch::Tensor count = total.narrow(0, 2 * channels, 1).detach();
  const torch::Tensor mean = total.narrow(0, 0, channels) / count;
  const torch::Tensor variance =
      (total.narrow(0, channels, channels) / count - mean * mean).clamp_min(0.0);
  auto perChannel = [&](const torch::Tensor& t) {
    return t.to(x.scalar_type()).view({1, channels, 1, 1});
  };
  torch::Tensor y = (x - perChannel(mean)) * perChannel(torch::rsqrt(variance + options.eps()));
  if (options.affine())
    y = y * norm.weight.view({1, channels, 1, 1}) + norm.bias.view({1, channels, 1, 1});
  if (options.track_running_stats()) {
    torch::NoGradGuard noGrad;
    const double n = count.item<double>();
    norm.num_batches_tracked.add_(1);
    const double factor = options.momentum()
                              ? *options.momentum()
                              : 1.0 / norm.num_batches_tracked.item<double>();  // cumulative
    const double unbiased = n > 1.0 ? n / (n - 1.0) : 1.0;
    norm.running_mean.mul_(1.0 - factor)
        .add_(mean.detach().to(norm.running_mean.scalar_type()) * factor);
    norm.running_var.mul_(1.0 - factor)
        .add_(variance.detach().to(norm.running_var.scalar_type()) * (unbiased * factor));
  }
  return y;
}

}  // namespace longmim::model
