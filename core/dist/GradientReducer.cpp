#include "dist/GradientReducer.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "dist/Distributed.h"

namespace longmim::dist {
namespace {

constexpr int64_t kFirstBucketBytes = 1024 * 1024;  // DDP's first_bucket_bytes_cap
constexpr int64_t kBucketBytes = 25 * 1024 * 1024;  // DDP's bucket_cap_mb

}  // namespace

// Called by the autograd engine once a parameter's gradient has been accumulated.
struct GradientReducer::ReadyHook : torch::autograd::FunctionPostHook {
  ReadyHook(GradientReducer& reducer, size_t index) : owner(reducer), parameter(index) {}
  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs,
                                            const torch::autograd::variable_list&) override {
    owner.gradientReady(parameter);
    return outputs;
  }
  GradientReducer& owner;
  size_t parameter;
};

GradientReducer::GradientReducer(ProcessGroup& group, const std::vector<at::Tensor>& parameters)
    : group_(group) {
  for (const at::Tensor& p : parameters) {
    if (p.requires_grad())
      parameters_.push_back(p);
  }
  bucketOf_.resize(parameters_.size());
  ready_.assign(parameters_.size(), false);
  int64_t bytes = 0;
  for (size_t k = parameters_.size(); k-- > 0;) {
    const at::Tensor& p = parameters_[k];
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    const int64_t cap = buckets_.size() <= 1 ? kFirstBucketBytes : kBucketBytes;
    if (buckets_.empty() || bytes + size > cap ||
        parameters_[buckets_.back().members.front()].scalar_type() != p.scalar_type()) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().members.push_back(k);
    bucketOf_[k] = buckets_.size() - 1;
    bytes += size;
  }
  for (size_t k = 0; k < parameters_.size(); ++k) {
    // The variable holds its accumulator weakly; holding it here keeps it (and the hook) alive.
    std::shared_ptr<torch::autograd::Node> accumulator =
        torch::autograd::impl::grad_accumulator(parameters_[k]);
    const uintptr_t key = accumulator->add_post_hook(std::make_unique<ReadyHook>(*this, k));
    removeHooks_.push_back([accumulator, key] { accumulator->del_post_hook(key); });
  }
}

GradientReducer::~GradientReducer() {
  for (const std::function<void()>& remove : removeHooks_)
    remove();
}

void GradientReducer::arm() {
  armed_ = true;
  nextBucket_ = 0;
  startedEarly_ = 0;
  ready_.assign(parameters_.size(), false);
  for (Bucket& b : buckets_) {
    b.waiting = b.members.size();
    b.flat = at::Tensor();
    b.wait = nullptr;
  }
}

void GradientReducer::gradientReady(size_t parameter) {
  if (!armed_ || ready_[parameter])
    return;
  ready_[parameter] = true;
  if (--buckets_[bucketOf_[parameter]].waiting == 0)
    startReadyBuckets();
}

void GradientReducer::startReadyBuckets() {
  while (nextBucket_ < buckets_.size() && buckets_[nextBucket_].waiting == 0) {
    start(buckets_[nextBucket_++]);
    ++startedEarly_;
  }
}

void GradientReducer::start(Bucket& bucket) {
  torch::NoGradGuard noGrad;
  std::vector<at::Tensor> gradients;
  for (size_t k : bucket.members) {
    const at::Tensor& grad = parameters_[k].grad();
    gradients.push_back(grad.defined() ? grad : torch::zeros_like(parameters_[k]));
  }
  bucket.flat = at::flatten_dense_tensors(gradients);
  bucket.wait = group_.startSum(bucket.flat, "averaging the gradients");
}

void GradientReducer::finish() {
  if (!armed_)
    return;
  const auto begin = std::chrono::steady_clock::now();
  armed_ = false;
  for (; nextBucket_ < buckets_.size(); ++nextBucket_)
    start(buckets_[nextBucket_]);
  torch::NoGradGuard noGrad;
  const double world = static_cast<double>(group_.size());
  for (Bucket& bucket : buckets_) {
    bucket.wait();
    bucket.flat.div_(world);
    std::vector<at::Tensor> like;
    for (size_t k : bucket.members)
      like.push_back(parameters_[k]);
    const std::vector<at::Tensor> parts = at::unflatten_dense_tensors(bucket.flat, like);
    for (size_t i = 0; i < bucket.members.size(); ++i) {
      at::Tensor& grad = parameters_[bucket.members[i]].mutable_grad();
      if (grad.defined())
        grad.copy_(parts[i]);
      else
        grad = parts[i].clone();
    }
    bucket.flat = at::Tensor();
    bucket.wait = nullptr;
  }
  exposedSeconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  ++reductions_;
}

std::string GradientReducer::summary() const {
  std::ostringstream text;
  text << "gradient all-reduce: " << exposedSeconds_ << " s not hidden by the backward passes over "
       << reductions_ << " optimizer steps ("
       << 1000.0 * exposedSeconds_ / static_cast<double>(std::max<int64_t>(1, reductions_))
       << " ms per step, worker " << group_.rank() << ")";
  return text.str();
}

}  // namespace longmim::dist
