#include "model/Recompute.h"

#include <ATen/autocast_mode.h>

#include <mutex>

namespace longmim::model {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the backward pass needs besides the saved inputs; travels in the context as a capsule.
struct Segment : torch::CustomClassHolder {
  SegmentRun run;
  std::vector<torch::Tensor> parameters;
  std::vector<torch::Tensor> buffers;
  size_t inputCount = 0;
  at::Generator generator;
  torch::Tensor randomState;
  bool autocast = false;
  at::ScalarType autocastType = at::kBFloat16;
};

at::Generator generatorFor(const torch::Tensor& t) {
  return t.is_cuda() ? at::globalContext().defaultGenerator(t.device())
                     : at::detail::getDefaultCPUGenerator();
}

torch::Tensor stateOf(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void setState(at::Generator& generator, const torch::Tensor& state) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

struct RecomputeFunction : torch::autograd::Function<RecomputeFunction> {
  static torch::Tensor forward(AutogradContext* ctx, at::TensorList inputs,
                               at::TensorList parameters, c10::intrusive_ptr<Segment> segment) {
    segment->inputCount = inputs.size();
    segment->parameters.assign(parameters.begin(), parameters.end());
    segment->generator = generatorFor(inputs[0]);
    segment->randomState = stateOf(segment->generator);
    segment->autocast = at::autocast::is_cpu_enabled();
    segment->autocastType = at::autocast::get_autocast_cpu_dtype();
    ctx->save_for_backward(std::vector<torch::Tensor>(inputs.begin(), inputs.end()));
    torch::Tensor out = segment->run(std::vector<torch::Tensor>(inputs.begin(), inputs.end()));
    ctx->saved_data["segment"] = c10::IValue::make_capsule(std::move(segment));
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list outputGradients) {
    const auto segment =
        c10::static_intrusive_pointer_cast<Segment>(ctx->saved_data["segment"].toCapsule());
    const variable_list saved = ctx->get_saved_variables();
    std::vector<torch::Tensor> inputs;
    for (const torch::Tensor& t : saved)
      inputs.push_back(t.detach().requires_grad_(t.requires_grad()));

    // The forward pass again: its random draws, its autocast, and the buffers it would otherwise
    // update a second time (BatchNorm's running statistics) put back after the gradients.
    std::vector<torch::Tensor> buffers;
    for (const torch::Tensor& b : segment->buffers)
      buffers.push_back(b.clone());
    const torch::Tensor randomNow = stateOf(segment->generator);
    setState(segment->generator, segment->randomState);
    const bool autocastNow = at::autocast::is_cpu_enabled();
    const at::ScalarType typeNow = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_cpu_enabled(segment->autocast);
    at::autocast::set_autocast_cpu_dtype(segment->autocastType);
    torch::Tensor out;
    {
      torch::AutoGradMode enable(true);
      out = segment->run(inputs);
    }
    at::autocast::set_cpu_enabled(autocastNow);
    at::autocast::set_autocast_cpu_dtype(typeNow);
    if (!autocastNow)
      at::autocast::clear_cache();
    setState(segment->generator, randomNow);

    // Gradients for what needs them; the others (an image, a frozen weight) stay undefined.
    std::vector<torch::Tensor> wanted;
    std::vector<size_t> where;
    const size_t total = inputs.size() + segment->parameters.size();
    for (size_t i = 0; i < total; ++i) {
      const torch::Tensor& t =
          i < inputs.size() ? inputs[i] : segment->parameters[i - inputs.size()];
      if (t.requires_grad()) {
        wanted.push_back(t);
        where.push_back(i);
      }
    }
    variable_list result(total + 1);  // + the segment argument, which has no gradient
    if (!wanted.empty() && out.requires_grad()) {
      const variable_list gradients =
          torch::autograd::grad({out}, wanted, {outputGradients[0]}, /*retain_graph=*/false,
                                /*create_graph=*/false, /*allow_unused=*/true);
      for (size_t k = 0; k < where.size(); ++k)
        result[where[k]] = gradients[k];
    }
    // The buffers back only now: BatchNorm's backward reads its saved running statistics, and
    // writing them earlier would change the version autograd recorded for them.
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < buffers.size(); ++i)
      segment->buffers[i].copy_(buffers[i]);
    return result;
  }
};

}  // namespace

torch::Tensor recompute(torch::nn::Module& segment, const SegmentRun& run,
                        const std::vector<torch::Tensor>& inputs) {
  if (!torch::GradMode::is_enabled())
    return run(inputs);
  auto state = c10::make_intrusive<Segment>();
  state->run = run;
  state->buffers = segment.buffers();
  const std::vector<torch::Tensor> parameters = segment.parameters();
  return RecomputeFunction::apply(at::TensorList(inputs), at::TensorList(parameters), state);
}

}  // namespace longmim::model
