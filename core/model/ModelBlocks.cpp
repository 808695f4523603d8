#include "model/ModelBlocks.h"

#include <algorithm>

#include "model/SyncBatchNorm.h"

namespace longmim::model {

namespace nn = torch::nn;

namespace {

// Hugging Face EfficientNet's batch-norm settings as the reference configures them.
constexpr double kBatchNormEps = 1e-5;
constexpr double kBatchNormMomentum = 0.08;  // PyTorch convention
constexpr double kInitStd = 0.02;

nn::Conv2d conv(int in, int out, int kernel, bool bias = false, int groups = 1) {
  return nn::Conv2d(
      nn::Conv2dOptions(in, out, kernel).padding(torch::kSame).bias(bias).groups(groups));
}

}  // namespace

namespace {
thread_local FlopCount* activeCount = nullptr;
}  // namespace

FlopCount::FlopCount() : previous_(activeCount) {
  activeCount = this;
}

FlopCount::~FlopCount() {
  activeCount = previous_;
}

void FlopCount::add(double flops) {
  if (activeCount)
    activeCount->flops_ += flops;
}

torch::Tensor countedConv(torch::nn::Conv2d& conv, const torch::Tensor& x) {
  torch::Tensor y = conv(x);
  const auto& w = conv->weight;  // [out, in / groups, kh, kw]
  FlopCount::add(2.0 * static_cast<double>(y.numel()) *
                 static_cast<double>(w.size(1) * w.size(2) * w.size(3)));
  return y;
}

torch::Tensor countedConv(torch::nn::ConvTranspose2d& conv, const torch::Tensor& x) {
  const auto& w = conv->weight;  // [in, out / groups, kh, kw]
  FlopCount::add(2.0 * static_cast<double>(x.numel()) *
                 static_cast<double>(w.size(1) * w.size(2) * w.size(3)));
  return conv(x);
}

torch::Tensor countedLinear(torch::nn::Linear& linear, const torch::Tensor& x) {
  torch::Tensor y = linear(x);
  FlopCount::add(2.0 * static_cast<double>(y.numel()) *
                 static_cast<double>(linear->weight.size(1)));
  return y;
}

int groupsFor(int channels, int wanted) {
  for (int g = std::min(wanted, channels); g > 1; --g) {
    if (channels % g == 0)
      return g;
  }
  return 1;
}

ChannelExpansionLayerImpl::ChannelExpansionLayerImpl(int in, int out, int kernel) {
  conv = register_module("conv", model::conv(in, out, kernel));
  norm = register_module("norm", nn::GroupNorm(nn::GroupNormOptions(std::min(out, 32), out)));
}

torch::Tensor ChannelExpansionLayerImpl::forward(const torch::Tensor& x) {
  return torch::silu(norm(countedConv(conv, x)));
}

ChannelExpansionBlockImpl::ChannelExpansionBlockImpl(int in, int mid, int out) {
  expansion_layer1 = register_module("expansion_layer1", ChannelExpansionLayer(in, mid, 7));
  expansion_layer2 = register_module("expansion_layer2", ChannelExpansionLayer(mid, out, 3));
}

torch::Tensor ChannelExpansionBlockImpl::forward(const torch::Tensor& x) {
  return expansion_layer2(expansion_layer1(x));
}

ExpansionLayerImpl::ExpansionLayerImpl(int in, int out) {
  expand_conv = register_module("expand_conv", conv(in, out, 1));
  // Hugging Face builds this one norm with PyTorch's default momentum.
  expand_bn =
      register_module("expand_bn", nn::BatchNorm2d(nn::BatchNormOptions(out).eps(kBatchNormEps)));
}

DepthwiseLayerImpl::DepthwiseLayerImpl(int channels, int kernel, int stride) {
  auto options =
      nn::Conv2dOptions(channels, channels, kernel).stride(stride).groups(channels).bias(false);
  if (stride == 1)
    options.padding(torch::kSame);
  depthwise_conv = register_module("depthwise_conv", nn::Conv2d(options));
  depthwise_norm = register_module(
      "depthwise_norm",
      nn::BatchNorm2d(
          nn::BatchNormOptions(channels).eps(kBatchNormEps).momentum(kBatchNormMomentum)));
}

SqueezeExciteImpl::SqueezeExciteImpl(int channels, int squeezed) {
  reduce =
      register_module("reduce", nn::Conv2d(nn::Conv2dOptions(channels, squeezed, 1).bias(true)));
  expand =
      register_module("expand", nn::Conv2d(nn::Conv2dOptions(squeezed, channels, 1).bias(true)));
}

torch::Tensor SqueezeExciteImpl::forward(const torch::Tensor& x) {
  const torch::Tensor s = torch::adaptive_avg_pool2d(x, {1, 1});
  return x * torch::sigmoid(countedConv(expand, torch::silu(countedConv(reduce, s))));
}

ProjectionLayerImpl::ProjectionLayerImpl(int in, int out) {
  project_conv = register_module("project_conv", conv(in, out, 1));
  project_bn = register_module(
      "project_bn",
      nn::BatchNorm2d(nn::BatchNormOptions(out).eps(kBatchNormEps).momentum(kBatchNormMomentum)));
}

MBConvBlockImpl::MBConvBlockImpl(const MBConvSpec& s) : spec(s) {
  const int expanded = s.in * s.expand;
  if (s.expand != 1)
    expansion = register_module("expansion", ExpansionLayer(s.in, expanded));
  depthwise_conv = register_module("depthwise_conv", DepthwiseLayer(expanded, s.kernel, s.stride));
  squeeze_excite = register_module(
      "squeeze_excite", SqueezeExcite(expanded, std::max(1, static_cast<int>(s.in * 0.25))));
  projection = register_module("projection", ProjectionLayer(expanded, s.out));
}

torch::Tensor MBConvBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  if (expansion)
    h = torch::silu(batchNorm(*expansion->expand_bn, countedConv(expansion->expand_conv, h)));
  if (spec.stride == 2) {
    const int k = spec.kernel / 2;
    h = torch::constant_pad_nd(h, {k - 1, k, k - 1, k});  // left, right, top, bottom
  }
  h = torch::silu(
      batchNorm(*depthwise_conv->depthwise_norm, countedConv(depthwise_conv->depthwise_conv, h)));
  h = squeeze_excite(h);
  h = batchNorm(*projection->project_bn, countedConv(projection->project_conv, h));
  if (spec.residual) {
    if (spec.dropout > 0.0)
      h = torch::dropout(h, spec.dropout, is_training());
    h = h + x;
  }
  return h;
}

ConvBlockBranchImpl::ConvBlockBranchImpl(int channels, int groups) {
  conv1 = conv(channels, channels, 3);
  norm1 = nn::GroupNorm(nn::GroupNormOptions(groups, channels));
  conv2 = conv(channels, channels, 3);
  norm2 = nn::GroupNorm(nn::GroupNormOptions(groups, channels));
  // One Sequential owns them, so the keys are conv_block.{0,1,3,4} as in the reference.
  conv_block =
      register_module("conv_block", nn::Sequential(conv1, norm1, nn::ReLU(), conv2, norm2));
}

torch::Tensor ConvBlockBranchImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = torch::relu(norm1(countedConv(conv1, x)));
  return torch::relu(norm2(countedConv(conv2, h)) + x);
}

SamplingConvBlockImpl::SamplingConvBlockImpl(int kernel, int in, int out, int groups) {
  sampling = register_module(
      "sampling",
      nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, kernel).stride(kernel).bias(false)));
  norm = register_module("norm", nn::GroupNorm(nn::GroupNormOptions(groups, out)));
}

torch::Tensor SamplingConvBlockImpl::forward(const torch::Tensor& x) {
  return torch::relu(norm(countedConv(sampling, x)));
}

DecoderBlockImpl::DecoderBlockImpl(int in, int out, int deconvKernel, int deconvStride,
                                   int convKernel, int groups) {
  const int mid = (in + out) / 2;
  deconv = register_module(
      "deconv",
      nn::ConvTranspose2d(
          nn::ConvTranspose2dOptions(in, mid, deconvKernel).stride(deconvStride).bias(false)));
  norm1 =
      register_module("norm1", nn::GroupNorm(nn::GroupNormOptions(groupsFor(mid, groups), mid)));
  conv = register_module("conv", model::conv(mid, out, convKernel));
  norm2 = register_module(
      "norm2", nn::GroupNorm(nn::GroupNormOptions(out > 1 ? groupsFor(out, groups) : 1, out)));
}

torch::Tensor DecoderBlockImpl::forward(const torch::Tensor& x) {
  return torch::relu(norm2(countedConv(conv, torch::relu(norm1(countedConv(deconv, x))))));
}

void initialiseReferenceStyle(torch::nn::Module& root) {
  torch::NoGradGuard noGrad;
  auto kaiming = [](const torch::Tensor& w) {
    nn::init::kaiming_normal_(w, 0.0, torch::kFanIn, torch::kReLU);
  };
  // The root itself, then its descendants (modules(include_self) needs a shared_ptr root, which a
  // module being constructed is not).
  std::vector<torch::nn::Module*> all{&root};
  for (const auto& module : root.modules(/*include_self=*/false))
    all.push_back(module.get());
  for (torch::nn::Module* const module : all) {
    if (auto* b = dynamic_cast<ConvBlockBranchImpl*>(module)) {
      kaiming(b->conv1->weight);
      kaiming(b->conv2->weight);
    } else if (auto* s = dynamic_cast<SamplingConvBlockImpl*>(module)) {
      kaiming(s->sampling->weight);
    } else if (auto* d = dynamic_cast<DecoderBlockImpl*>(module)) {
      kaiming(d->deconv->weight);
      kaiming(d->conv->weight);
    } else if (auto* e = dynamic_cast<ChannelExpansionLayerImpl*>(module)) {
      nn::init::normal_(e->conv->weight, 0.0, kInitStd);
    } else if (auto* m = dynamic_cast<MBConvBlockImpl*>(module)) {
      for (auto& p : m->named_parameters()) {
        if (p.key().find("_bn.") != std::string::npos ||
            p.key().find("_norm.") != std::string::npos)
          continue;
        if (p.key().size() > 5 && p.key().compare(p.key().size() - 5, 5, ".bias") == 0) {
          nn::init::zeros_(p.value());
        } else {
          nn::init::normal_(p.value(), 0.0, kInitStd);
        }
      }
    }
    if (auto* g = dynamic_cast<nn::GroupNormImpl*>(module)) {
      nn::init::ones_(g->weight);
      nn::init::zeros_(g->bias);
    } else if (auto* bn = dynamic_cast<nn::BatchNorm2dImpl*>(module)) {
      nn::init::ones_(bn->weight);
      nn::init::zeros_(bn->bias);
    }
  }
}

LearnedDeadBandImpl::LearnedDeadBandImpl() {
  threshold = register_parameter("threshold", torch::full({1}, kInitialWidth / kScale));
}

torch::Tensor LearnedDeadBandImpl::forward(const torch::Tensor& x) {
  const torch::Tensor t = kScale * torch::relu(threshold);
  return x - (1.0 - kLeak) * torch::maximum(torch::minimum(x, t), -t);
}

double LearnedDeadBandImpl::width() const {
  return kScale * std::max(0.0, threshold.item<double>());
}

}  // namespace longmim::model
