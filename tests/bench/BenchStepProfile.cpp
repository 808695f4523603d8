// Benchmark: where one training step's time goes. Builds a preset's model (with overrides), runs
// forward + L1/MSE loss + backward + AdamW step on random pairs, then profiles a few more steps
// with LibTorch's (legacy) autograd profiler and prints the operators by their self time (time not
// spent in operators they call), the step time and the share of it the profiler accounts for.
// Not a test: run on demand; findings go into docs/benchmarks.md and docs/learning.md.
//
//   bench_step_profile [--preset P] [--set KEY=VALUE ...] [--steps N] [--threads T] [--top K]
//                      [--shapes on]   (convolutions per input shape)
//                      [--blas-threads B] (OpenBLAS threads; the product uses 1)
#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "ComputeThreads.h"
#include "config/ConfigJson.h"
#include "config/Presets.h"
#include "model/ModelFactory.h"

using namespace longmim;
namespace prof = torch::autograd::profiler;

namespace {

struct OpTime {
  double selfUs = 0;
  long calls = 0;
};

// Pairs each thread's push / pop events (they nest) and charges every operator its own time.
std::string shapeText(const std::vector<std::vector<int64_t>>& shapes) {
  std::string text;
  for (const std::vector<int64_t>& shape : shapes) {
    if (shape.empty())
      continue;
    text += text.empty() ? " [" : " x [";
    for (size_t i = 0; i < shape.size(); ++i)
      text += (i ? "," : "") + std::to_string(shape[i]);
    text += "]";
  }
  return text;
}

// With `byShape`, convolutions are told apart by their input shapes.
std::map<std::string, OpTime> selfTimes(const prof::thread_event_lists& lists, bool byShape) {
  std::map<std::string, OpTime> out;
  for (const std::vector<prof::LegacyEvent>& events : lists) {
    struct Open {
      const prof::LegacyEvent* event;
      double childUs;
    };
    std::vector<Open> stack;
    for (const prof::LegacyEvent& e : events) {
      if (e.kind() == prof::EventKind::PushRange) {
        stack.push_back({&e, 0.0});
      } else if (e.kind() == prof::EventKind::PopRange && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double total = open.event->cpuElapsedUs(e);
        std::string key = open.event->name();
        if (byShape && key.find("conv") != std::string::npos)
          key += shapeText(open.event->shapes());
        OpTime& t = out[key];
        t.selfUs += total - open.childUs;
        ++t.calls;
        if (!stack.empty())
          stack.back().childUs += total;
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset = "cpu-demo";
  std::vector<std::string> overrides;
  int steps = 5;
  int threads = 2;
  int blasThreads = 1;
  size_t top = 25;
  bool byShape = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--preset")
      preset = argv[i + 1];
    else if (arg == "--set")
      overrides.push_back(argv[i + 1]);
    else if (arg == "--steps")
      steps = std::atoi(argv[i + 1]);
    else if (arg == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (arg == "--blas-threads")
      blasThreads = std::atoi(argv[i + 1]);
    else if (arg == "--shapes")
      byShape = std::string(argv[i + 1]) == "on";
    else if (arg == "--top")
      top = static_cast<size_t>(std::atoi(argv[i + 1]));
  }
  TrainingConfig config = presetConfig(preset);
  for (const std::string& o : overrides)
    applyConfigAssignment(config, o);
  setComputeThreads(threads);
  setBlasThreads(blasThreads);  // the product keeps 1 (core/ComputeThreads.h); issue 15 measures 2
  model::LongitudinalModel model = model::buildModel(config);
  model->train();
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const int64_t batch = config.batchSize;
  const int64_t size = config.imgSize;
  const torch::Tensor b = torch::rand({batch, 1, size, size});
  const torch::Tensor f = torch::rand({batch, 1, size, size});
  const torch::Tensor gt = (f - b) * 0.1;
  auto step = [&] {
    optimizer.zero_grad();
    const torch::Tensor p = model->forward(b, f);
    const torch::Tensor loss = (p - gt).abs().mean() + (p - gt).pow(2).mean();
    loss.backward();
    optimizer.step();
  };
  for (int i = 0; i < 3; ++i)
    step();  // warm-up: oneDNN primitives, allocator

  const auto plainStart = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i)
    step();
  const double plainMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - plainStart)
          .count() /
      steps;

  prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(
      torch::profiler::impl::ProfilerState::CPU, /*report_input_shapes=*/byShape,
      /*profile_memory=*/false));
  const auto profiledStart = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i)
    step();
  const double profiledMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - profiledStart)
          .count() /
      steps;
  const std::map<std::string, OpTime> times = selfTimes(prof::disableProfilerLegacy(), byShape);

  std::vector<std::pair<std::string, OpTime>> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& c) { return a.second.selfUs > c.second.selfUs; });
  double accounted = 0;
  for (const auto& [name, t] : sorted)
    accounted += t.selfUs;
  std::printf(
      "%s (%s %s) at %lld px, batch %lld, %d threads: %.1f ms per step (%.1f ms/sample), "
      "%.1f ms profiled\n",
      preset.c_str(), config.modelArch.c_str(), config.modelSize.c_str(),
      static_cast<long long>(size), static_cast<long long>(batch), threads, plainMs,
      plainMs / static_cast<double>(batch), profiledMs);
  std::printf("operators account for %.1f ms of each profiled step; by self time:\n",
              accounted / 1000.0 / steps);
  std::printf("%-90s %10s %8s %7s\n", "operator", "ms/step", "calls", "share");
  for (size_t i = 0; i < std::min(top, sorted.size()); ++i) {
    const OpTime& t = sorted[i].second;
    std::printf("%-90s %10.2f %8ld %6.1f%%\n", sorted[i].first.c_str(), t.selfUs / 1000.0 / steps,
                t.calls / steps, 100.0 * t.selfUs / accounted);
  }
  return 0;
}
