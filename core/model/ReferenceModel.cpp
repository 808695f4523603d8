#include "model/ReferenceModel.h"

#include <cmath>

#include "Error.h"
#include "model/Recompute.h"

namespace longmim::model {

namespace nn = torch::nn;

namespace {

// EfficientNet-B7 (Hugging Face's default config: width 2.0, depth 3.1, 55 blocks) blocks 0, 4,
// 11, 18, 28, 38, 51 and 52 as (in, out, stride, expand, kernel); only block 52 is not the first
// of its stage, so only it has a residual, with drop rate 0.2 x 52 / 55.
std::vector<MBConvSpec> referenceBlocks(double width) {
  auto w = [width](int c) { return std::max(2, static_cast<int>(std::lround(c * width))); };
  return {{w(64), w(32), 1, 1, 3, false, 0.0},   {w(32), w(48), 2, 6, 3, false, 0.0},
          {w(48), w(80), 2, 6, 5, false, 0.0},   {w(80), w(160), 2, 6, 3, false, 0.0},
          {w(160), w(224), 1, 6, 5, false, 0.0}, {w(224), w(384), 2, 6, 5, false, 0.0},
          {w(384), w(640), 1, 6, 3, false, 0.0}, {w(640), w(640), 1, 6, 3, true, 0.2 * 52 / 55}};
}

nn::Sequential convStack(int channels, int depth, int groups) {
  nn::Sequential stack;
  for (int i = 0; i < depth; ++i)
    stack->push_back(ConvBlockBranch(channels, groupsFor(channels, groups)));
  return stack;
}

int64_t countParameters(const nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters())
    n += p.numel();
  return n;
}

}  // namespace

ReferenceSpec ReferenceSpec::forSize(const std::string& size) {
  ReferenceSpec s;
  s.size = size;
  double width = 1.0;
  if (size == "paper") {
    width = 1.0;
  } else if (size == "cpu-demo") {
    width = 0.5;
    s.stackDepth = 2;
  } else if (size == "tiny") {
    width = 0.125;
    s.stackDepth = 1;
  } else {
    throw ConfigError("MODEL_SIZE", "unknown model size '" + size + "' (paper, cpu-demo or tiny)");
  }
  auto w = [width](int c) { return std::max(2, static_cast<int>(std::lround(c * width))); };
  s.expansion1 = w(8);
  s.expansion2 = w(64);
  s.blocks = referenceBlocks(width);
  s.features = w(640);
  s.upsampleIn = w(768);
  s.upsampleMid = w(704);
  s.decoder = {w(512), w(384), w(256), w(128), w(64)};
  s.groups = width == 1.0 ? 32 : 8;
  s.decoderGroups = width == 1.0 ? 16 : 4;
  return s;
}

EfficientNetMiniEncoderImpl::EfficientNetMiniEncoderImpl(const ReferenceSpec& spec) {
  input_expansion_block = register_module(
      "input_expansion_block", ChannelExpansionBlock(1, spec.expansion1, spec.expansion2));
  blocks = nn::Sequential();
  for (const MBConvSpec& b : spec.blocks) {
    blockList.emplace_back(b);
    blocks->push_back(blockList.back());
  }
  register_module("blocks", blocks);
  recompute = spec.recompute;
}

torch::Tensor EfficientNetMiniEncoderImpl::forward(const torch::Tensor& x) {
  if (!recompute) {
    torch::Tensor h = input_expansion_block(x);
    for (MBConvBlock& block : blockList)
      h = block(h);
    return torch::silu(h);
  }
  torch::Tensor h = model::recompute(input_expansion_block, x);
  for (MBConvBlock& block : blockList)
    h = model::recompute(block, h);
  return torch::silu(h);
}

Decoder6Impl::Decoder6Impl(const ReferenceSpec& spec) {
  const std::vector<int>& c = spec.decoder;
  // Stage 3 keeps the resolution (deconv 1x1, conv 5x5); the others double it.
  const int in[5] = {spec.features, c[0], c[1], c[2], c[3]};
  const int deconv[5] = {2, 2, 1, 2, 2};
  const int kernel[5] = {3, 3, 5, 3, 3};
  decoder_blocks = nn::Sequential();
  for (int i = 0; i < 5; ++i) {
    stages.emplace_back(in[i], c[i], deconv[i], deconv[i], kernel[i], spec.decoderGroups);
    decoder_blocks->push_back(stages.back());
  }
  head = nn::Conv2d(nn::Conv2dOptions(c[4], 1, 3).padding(torch::kSame).bias(false));
  headNorm = nn::GroupNorm(nn::GroupNormOptions(1, 1));
  decoder_blocks->push_back(head);
  decoder_blocks->push_back(headNorm);
  decoder_blocks->push_back(nn::Tanh());
  register_module("decoder_blocks", decoder_blocks);
  recompute = spec.recompute;
}

torch::Tensor Decoder6Impl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (DecoderBlock& stage : stages)
    h = recompute ? model::recompute(stage, h) : stage(h);
  return torch::tanh(headNorm(countedConv(head, h)));
}

ReferenceModelImpl::ReferenceModelImpl(const ReferenceSpec& spec) : spec_(spec) {
  encoder = register_module("encoder", EfficientNetMiniEncoder(spec));
  dropout = register_module("dropout", nn::Dropout2d(nn::Dropout2dOptions(spec.dropout)));
  encoded_bn =
      register_module("encoded_bn", convStack(spec.features, spec.stackDepth, spec.groups));
  encoded_bn2 =
      register_module("encoded_bn2", convStack(spec.features, spec.stackDepth, spec.groups));
  features_upsampling =
      register_module("features_upsampling",
                      nn::Sequential(SamplingConvBlock(1, spec.upsampleIn, spec.upsampleMid,
                                                       groupsFor(spec.upsampleMid, spec.groups)),
                                     SamplingConvBlock(2, spec.upsampleMid, spec.features,
                                                       groupsFor(spec.features, spec.groups))));
  diff_processing =
      register_module("diff_processing", convStack(spec.features, spec.stackDepth, spec.groups));
  diff_processing2 =
      register_module("diff_processing2", convStack(spec.features, spec.stackDepth, spec.groups));
  decoder = register_module("decoder", Decoder6(spec));
  if (spec.learnedDeadBand)
    dead_band = register_module("dead_band", LearnedDeadBand());
}

torch::Tensor ReferenceModelImpl::forward(const torch::Tensor& baseline,
                                          const torch::Tensor& followup) {
  const torch::Tensor b = stack(encoded_bn, encoder(baseline));
  const torch::Tensor f = stack(encoded_bn, encoder(followup));
  const torch::Tensor b2 = stack(encoded_bn2, b);
  const torch::Tensor f2 = stack(encoded_bn2, f);
  torch::Tensor x = dropout(stack(diff_processing, f - b));
  x = x + dropout(f2 - b2);
  x = dropout(stack(diff_processing2, x));
  const torch::Tensor y = decoder(x);
  return dead_band ? dead_band(y) : y;
}

torch::Tensor ReferenceModelImpl::stack(nn::Sequential& stack, const torch::Tensor& x) {
  if (!spec_.recompute)
    return stack->forward(x);
  torch::Tensor h = x;
  for (auto& branch : stack->children()) {
    auto* block = branch->as<ConvBlockBranchImpl>();
    h = model::recompute(
        *block, [block](const std::vector<torch::Tensor>& in) { return block->forward(in[0]); },
        {h});
  }
  return h;
}

void ReferenceModelImpl::initialiseWeights() {
  initialiseReferenceStyle(*this);
  torch::NoGradGuard noGrad;
  nn::init::xavier_uniform_(decoder->head->weight, 5.0 / 3.0);
  if (dead_band)
    dead_band->threshold.fill_(LearnedDeadBandImpl::kInitialWidth / LearnedDeadBandImpl::kScale);
}

std::vector<std::pair<std::string, std::string>> ReferenceModelImpl::parts() const {
  auto describe = [](const char* what, const nn::Module& m) {
    return std::string(what) + " (" + std::to_string(countParameters(m)) + " parameters)";
  };
  return {{"encoder", describe("EfficientNet-B7 blocks 0,4,11,18,28,38,51,52, shared", *encoder)},
          {"encoded_bn", describe("conv stack after the encoder", *encoded_bn)},
          {"encoded_bn2", describe("second conv stack", *encoded_bn2)},
          {"features_upsampling",
           describe("unused in forward, kept for strict loading", *features_upsampling)},
          {"diff_processing", describe("conv stack on follow-up minus baseline", *diff_processing)},
          {"diff_processing2", describe("conv stack after fusion", *diff_processing2)},
          {"decoder", describe("Decoder6: x16 up-sampling to 1 channel, tanh", *decoder)}};
}

}  // namespace longmim::model
