// Building blocks shared by the architectures. Attribute names follow the reference implementation
// (and Hugging Face's EfficientNet blocks inside it) so that state-dict keys match.
#pragma once

#include <torch/torch.h>

namespace longmim::model {

// Multiply-accumulate counting for `longmim model summary`: while a FlopCount is alive on this
// thread, the blocks add 2 x MACs of every convolution, linear layer and attention product they
// run. Normalisations and activations are not counted (they are a few percent).
class FlopCount {
 public:
  FlopCount();
  ~FlopCount();
  double total() const { return flops_; }
  static void add(double flops);  // no-op when no FlopCount is active

 private:
  double flops_ = 0.0;
  FlopCount* previous_;
};

torch::Tensor countedConv(torch::nn::Conv2d& conv, const torch::Tensor& x);
torch::Tensor countedConv(torch::nn::ConvTranspose2d& conv, const torch::Tensor& x);
torch::Tensor countedLinear(torch::nn::Linear& linear, const torch::Tensor& x);

// Conv (no bias, 'same') -> GroupNorm(min(C, 32)) -> SiLU. Keys: conv.weight, norm.{weight,bias}.
struct ChannelExpansionLayerImpl : torch::nn::Module {
  ChannelExpansionLayerImpl(int in, int out, int kernel);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::GroupNorm norm{nullptr};
};
TORCH_MODULE(ChannelExpansionLayer);

// Two expansion layers (kernels 7 and 3): 1 -> 8 -> 64 channels in the reference.
struct ChannelExpansionBlockImpl : torch::nn::Module {
  ChannelExpansionBlockImpl(int in, int mid, int out);
  torch::Tensor forward(const torch::Tensor& x);
  ChannelExpansionLayer expansion_layer1{nullptr};
  ChannelExpansionLayer expansion_layer2{nullptr};
};
TORCH_MODULE(ChannelExpansionBlock);

// The MBConv block of EfficientNet with Hugging Face's layout: optional 1x1 expansion + BN + SiLU,
// depthwise k x k (stride 2: asymmetric zero padding then 'valid') + BN + SiLU, squeeze-excite,
// 1x1 projection + BN, residual (with dropout) only when `residual`.
struct MBConvSpec {
  int in = 0;
  int out = 0;
  int stride = 1;
  int expand = 1;
  int kernel = 3;
  bool residual = false;
  double dropout = 0.0;  // on the projected branch before the residual sum (train mode only)
};

struct ExpansionLayerImpl : torch::nn::Module {
  ExpansionLayerImpl(int in, int out);
  torch::nn::Conv2d expand_conv{nullptr};
  torch::nn::BatchNorm2d expand_bn{nullptr};
};
TORCH_MODULE(ExpansionLayer);

struct DepthwiseLayerImpl : torch::nn::Module {
  DepthwiseLayerImpl(int channels, int kernel, int stride);
  torch::nn::Conv2d depthwise_conv{nullptr};
  torch::nn::BatchNorm2d depthwise_norm{nullptr};
};
TORCH_MODULE(DepthwiseLayer);

struct SqueezeExciteImpl : torch::nn::Module {
  SqueezeExciteImpl(int channels, int squeezed);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d reduce{nullptr};
  torch::nn::Conv2d expand{nullptr};
};
TORCH_MODULE(SqueezeExcite);

struct ProjectionLayerImpl : torch::nn::Module {
  ProjectionLayerImpl(int in, int out);
  torch::nn::Conv2d project_conv{nullptr};
  torch::nn::BatchNorm2d project_bn{nullptr};
};
TORCH_MODULE(ProjectionLayer);

struct MBConvBlockImpl : torch::nn::Module {
  explicit MBConvBlockImpl(const MBConvSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  MBConvSpec spec;
  ExpansionLayer expansion{nullptr};  // absent when expand == 1
  DepthwiseLayer depthwise_conv{nullptr};
  SqueezeExcite squeeze_excite{nullptr};
  ProjectionLayer projection{nullptr};
};
TORCH_MODULE(MBConvBlock);

// Residual pair of 3x3 convolutions: ReLU(conv-GN-ReLU-conv-GN(x) + x). Keys conv_block.{0,1,3,4}.
struct ConvBlockBranchImpl : torch::nn::Module {
  ConvBlockBranchImpl(int channels, int groups);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential conv_block{nullptr};
  // Typed handles to the Sequential's members (not registered twice).
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::GroupNorm norm1{nullptr};
  torch::nn::Conv2d conv2{nullptr};
  torch::nn::GroupNorm norm2{nullptr};
};
TORCH_MODULE(ConvBlockBranch);

// Transposed convolution (kernel = stride, no bias) -> GroupNorm -> ReLU. Keys sampling, norm.
struct SamplingConvBlockImpl : torch::nn::Module {
  SamplingConvBlockImpl(int kernel, int in, int out, int groups);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::ConvTranspose2d sampling{nullptr};
  torch::nn::GroupNorm norm{nullptr};
};
TORCH_MODULE(SamplingConvBlock);

// Up-sampling decoder stage: deconv (k, s) -> GN -> ReLU -> conv (c, 'same') -> GN -> ReLU, with
// the middle width (in + out) / 2. Keys deconv, norm1, conv, norm2.
struct DecoderBlockImpl : torch::nn::Module {
  DecoderBlockImpl(int in, int out, int deconvKernel, int deconvStride, int convKernel, int groups);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::ConvTranspose2d deconv{nullptr};
  torch::nn::GroupNorm norm1{nullptr};
  torch::nn::Conv2d conv{nullptr};
  torch::nn::GroupNorm norm2{nullptr};
};
TORCH_MODULE(DecoderBlock);

// A dead band on the output that the model learns: values within +-t of zero shrink to a tenth,
// the others move towards zero by 0.9 t, with t = 0.005 relu(threshold) learnt with the rest. The
// truth maps are exactly zero where nothing changed (the generator's threshold); without the band
// a convolution's output leaves a faint haze there that costs a fifth of the L1 (docs/learning.md).
// Hand-written: torch's softshrink takes a fixed lambda and has no gradient for it. The leak keeps
// a gradient inside the band, so that values there can still grow out of it; the scale slows t so
// that it follows the predictions instead of racing past them (at 1x the band closed over every
// prediction within the first epoch and the model stayed at zero).
struct LearnedDeadBandImpl : torch::nn::Module {
  LearnedDeadBandImpl();
  torch::Tensor forward(const torch::Tensor& x);
  // The band's half-width t now.
  double width() const;
  torch::Tensor threshold;
  static constexpr double kScale = 0.005;
  static constexpr double kLeak = 0.1;
  static constexpr double kInitialWidth = 1e-4;
};
TORCH_MODULE(LearnedDeadBand);

// Largest divisor of `channels` not above `wanted` (GroupNorm needs groups | channels).
int groupsFor(int channels, int wanted);

// The reference's initialisation for the blocks above: Kaiming-normal (fan_in, ReLU) for
// ConvBlockBranch, SamplingConvBlock and DecoderBlock convolutions; N(0, 0.02) for expansion
// layers and EfficientNet convolutions (Hugging Face's initialiser range); norms weight 1, bias 0.
void initialiseReferenceStyle(torch::nn::Module& module);

}  // namespace longmim::model
