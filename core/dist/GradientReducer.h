// DDP's gradient synchronisation, overlapped with the backward pass: the parameters are grouped in
// buckets (in reverse order, the order in which the backward pass finishes their gradients; the
// first bucket 1 MB, the others 25 MB, DDP's defaults), and a bucket's all-reduce starts as soon
// as the backward pass has finished every gradient in it, while the pass goes on with the earlier
// layers. Buckets are started in one fixed order, so every worker issues the same collectives in
// the same sequence.
//
// Written here rather than with c10d's Reducer (which DDP is built on): Debian's LibTorch ships
// reducer.hpp but not the distributed-autograd headers it includes
// (torch/csrc/distributed/autograd/context/context.h), so the Reducer cannot be compiled against
// this installation. This class uses the same mechanism: a hook after each parameter's gradient
// accumulation (AccumulateGrad's post hook).
#pragma once

#include <ATen/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace longmim::dist {

class ProcessGroup;

class GradientReducer {
 public:
  GradientReducer(ProcessGroup& group, const std::vector<at::Tensor>& parameters);
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // The next backward pass's gradients are summed over the workers as they become final: call it
  // before the backward pass of a batch after which the optimizer steps. The backward passes in
  // between (accumulation) are not synchronised, as under DDP's no_sync.
  void arm();
  // After that backward pass: starts the buckets whose gradients never came (parameters unused by
  // this batch take part as zeros), waits for every bucket and leaves each gradient the mean over
  // the workers.
  void finish();

  // Seconds spent in finish() (communication the backward pass did not hide) and how many times.
  double exposedSeconds() const { return exposedSeconds_; }
  int64_t reductions() const { return reductions_; }
  // "gradient all-reduce: S s not hidden by the backward passes over N optimizer steps (M ms per
  // step, worker R)" -- the line bench_distributed reads.
  std::string summary() const;
  // Buckets of the latest armed backward pass that started before it ended (the overlap).
  int64_t bucketsStartedDuringBackward() const { return startedEarly_; }

 private:
  struct Bucket {
    std::vector<size_t> members;  // indices into parameters_
    size_t waiting = 0;           // gradients not final yet in this backward pass
    at::Tensor flat;
    std::function<void()> wait;
  };
  struct ReadyHook;

  void gradientReady(size_t parameter);
  void startReadyBuckets();
  void start(Bucket& bucket);

  ProcessGroup& group_;
  std::vector<at::Tensor> parameters_;
  std::vector<size_t> bucketOf_;
  std::vector<Bucket> buckets_;
  std::vector<bool> ready_;
  size_t nextBucket_ = 0;  // the next bucket to start, in order
  bool armed_ = false;
  std::vector<std::function<void()>> removeHooks_;
  double exposedSeconds_ = 0.0;
  int64_t reductions_ = 0;
  int64_t startedEarly_ = 0;
};

}  // namespace longmim::dist
