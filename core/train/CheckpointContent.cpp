#include "train/CheckpointContent.h"

#include <algorithm>
#include <mutex>

#include "Error.h"

namespace longmim {

namespace {

// A handle to torch's default CPU generator.
at::Generator cpuGenerator() {
  return at::detail::getDefaultCPUGenerator();
}

// The default generator of each visible GPU; none on a machine (or a LibTorch) without CUDA.
std::vector<at::Generator> cudaGenerators() {
  std::vector<at::Generator> out;
  if (!torch::cuda::is_available())
    return out;
  const auto count = static_cast<c10::DeviceIndex>(torch::cuda::device_count());
  for (c10::DeviceIndex i = 0; i < count; ++i)
    out.push_back(at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, i)));
  return out;
}

}  // namespace

void captureOptimizer(const torch::optim::AdamW& optimizer,
                      const std::vector<torch::Tensor>& params, Checkpoint& c) {
  const auto& states = optimizer.state();
  for (const torch::Tensor& p : params) {
    const auto it = states.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == states.end()) {
      c.optimizerState.emplace_back();
      continue;
    }
    const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
    c.optimizerState.push_back(AdamParamState{s.step(), s.exp_avg(), s.exp_avg_sq()});
  }
  const auto& options =
      static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options());
  c.optimizerLr = options.lr();
  c.optimizerBeta1 = std::get<0>(options.betas());
  c.optimizerBeta2 = std::get<1>(options.betas());
  c.optimizerEps = options.eps();
  c.optimizerWeightDecay = options.weight_decay();
}

void restoreOptimizer(const Checkpoint& c, torch::optim::AdamW& optimizer,
                      const std::vector<torch::Tensor>& params, const torch::Device& device,
                      const std::string& path) {
  if (c.optimizerState.size() != params.size()) {
    throw DataError(path, path + ": optimizer state for " +
                              std::to_string(c.optimizerState.size()) + " tensors, model has " +
                              std::to_string(params.size()));
  }
  auto& states = optimizer.state();
  for (size_t i = 0; i < params.size(); ++i) {
    if (!c.optimizerState[i])
      continue;
    auto state = std::make_unique<torch::optim::AdamWParamState>();
    state->step(c.optimizerState[i]->step);
    state->exp_avg(c.optimizerState[i]->expAvg.to(device).clone());
    state->exp_avg_sq(c.optimizerState[i]->expAvgSq.to(device).clone());
    states[c10::guts::to_string(params[i].unsafeGetTensorImpl())] = std::move(state);
  }
}

void captureAccumulatedGradients(const std::vector<torch::Tensor>& params, Checkpoint& c) {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].grad().defined())
      c.accumulatedGradients.emplace_back(static_cast<int64_t>(i), params[i].grad().cpu());
  }
}

void captureRandomStates(Checkpoint& c) {
  c.rngState = cpuGenerator().get_state();
  for (at::Generator& generator : cudaGenerators()) {
    std::lock_guard<std::mutex> lock(generator.mutex());
    c.cudaRngStates.push_back(generator.get_state());
  }
}

std::string restoreRandomStates(const Checkpoint& c, const std::string& path) {
  if (c.rngState.defined())
    cpuGenerator().set_state(c.rngState);
  // Dropout and augmentation draws on a GPU continue as they would have without the stop.
  if (c.cudaRngStates.empty())
    return {};
  std::vector<at::Generator> generators = cudaGenerators();
  const size_t shared = std::min(c.cudaRngStates.size(), generators.size());
  for (size_t i = 0; i < shared; ++i) {
    std::lock_guard<std::mutex> lock(generators[i].mutex());
    generators[i].set_state(c.cudaRngStates[i]);
  }
  if (generators.size() == c.cudaRngStates.size())
    return {};
  return path + " holds the CUDA random state of " + std::to_string(c.cudaRngStates.size()) +
         " GPU(s) and this machine has " + std::to_string(generators.size()) + "; " +
         (shared == 0 ? std::string("it is not used")
                      : "the first " + std::to_string(shared) + " are restored") +
         ", so random draws on the GPU differ from an uninterrupted run";
}

}  // namespace longmim
