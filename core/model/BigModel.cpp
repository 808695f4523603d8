#include "model/BigModel.h"

#include <cmath>

#include "Error.h"
#include "model/Recompute.h"
#include "model/SyncBatchNorm.h"

namespace longmim::model {

namespace nn = torch::nn;

namespace {

int64_t countParameters(const nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters())
    n += p.numel();
  return n;
}

// Sequence-first multi-head attention (LibTorch 1.13 has no batch_first): [B, N, D] in and out.
torch::Tensor attend(nn::MultiheadAttention& attention, const torch::Tensor& query,
                     const torch::Tensor& memory) {
  const torch::Tensor q = query.transpose(0, 1);
  const torch::Tensor m = memory.transpose(0, 1);
  const torch::Tensor out =
      std::get<0>(attention->forward(q, m, m, torch::Tensor(), /*need_weights=*/false));
  // 2 x MACs: Q, K, V and output projections plus the two attention products.
  const double n = static_cast<double>(query.size(1));
  const double k = static_cast<double>(memory.size(1));
  const double d = static_cast<double>(query.size(2));
  const double batch = static_cast<double>(query.size(0));
  FlopCount::add(batch * 2.0 * (n * d * d * 2.0 + k * d * d * 2.0 + 2.0 * n * k * d));
  return out.transpose(0, 1);
}

}  // namespace

BigSpec BigSpec::forSize(const std::string& size, int imageSize) {
  BigSpec s;
  s.size = size;
  s.imageSize = imageSize;
  if (size == "paper") {
    // EfficientNet-B7: width 2.0 and depth 3.1 applied to B0's stages.
    s.stem = 64;
    s.stages = {{32, 4, 1, 1, 3},   {48, 7, 2, 6, 3},   {80, 7, 2, 6, 5}, {160, 10, 2, 6, 3},
                {224, 10, 1, 6, 5}, {384, 13, 2, 6, 5}, {640, 4, 1, 6, 3}};
    s.tokenDim = 768;
    s.layers = 12;
    s.heads = 12;
    s.mlp = 3072;
    s.decoder = {512, 256, 128, 64, 32};
  } else if (size == "cpu-demo") {
    // EfficientNet-B0 widths with up to two blocks per stage, a 4-layer transformer.
    s.stem = 32;
    s.stages = {{16, 1, 1, 1, 3},  {24, 2, 2, 6, 3},  {40, 2, 2, 6, 5}, {80, 2, 2, 6, 3},
                {112, 2, 1, 6, 5}, {192, 2, 2, 6, 5}, {320, 1, 1, 6, 3}};
    s.tokenDim = 256;
    s.layers = 4;
    s.heads = 8;
    s.mlp = 768;
    s.decoder = {192, 128, 64, 48, 32};
  } else if (size == "tiny") {
    s.stem = 8;
    s.stages = {{8, 1, 1, 1, 3},  {12, 1, 2, 2, 3}, {16, 1, 2, 2, 3}, {24, 1, 2, 2, 3},
                {32, 1, 1, 2, 3}, {48, 1, 2, 2, 3}, {64, 1, 1, 2, 3}};
    s.tokenDim = 32;
    s.layers = 1;
    s.heads = 2;
    s.mlp = 64;
    s.decoder = {32, 24, 16, 12, 8};
  } else {
    throw ConfigError("MODEL_SIZE", "unknown model size '" + size + "' (paper, cpu-demo or tiny)");
  }
  return s;
}

TransformerLayerImpl::TransformerLayerImpl(int dim, int heads, int mlp, double dropoutRate)
    : dropout(dropoutRate) {
  norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
  attention = register_module(
      "attention",
      nn::MultiheadAttention(nn::MultiheadAttentionOptions(dim, heads).dropout(dropoutRate)));
  norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
  fc1 = register_module("fc1", nn::Linear(dim, mlp));
  fc2 = register_module("fc2", nn::Linear(mlp, dim));
}

torch::Tensor TransformerLayerImpl::forward(const torch::Tensor& x) {
  const torch::Tensor n = norm1(x);
  torch::Tensor h = x + torch::dropout(attend(attention, n, n), dropout, is_training());
  const torch::Tensor m = torch::gelu(countedLinear(fc1, norm2(h)));
  return h + torch::dropout(countedLinear(fc2, m), dropout, is_training());
}

DifferenceAttentionImpl::DifferenceAttentionImpl(int dim, int heads, int mlp, double dropoutRate) {
  norm_baseline =
      register_module("norm_baseline", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
  norm_followup =
      register_module("norm_followup", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
  followup_to_baseline = register_module(
      "followup_to_baseline",
      nn::MultiheadAttention(nn::MultiheadAttentionOptions(dim, heads).dropout(dropoutRate)));
  baseline_to_followup = register_module(
      "baseline_to_followup",
      nn::MultiheadAttention(nn::MultiheadAttentionOptions(dim, heads).dropout(dropoutRate)));
  fuse = register_module("fuse", nn::Linear(2 * dim, dim));
  norm_mlp = register_module("norm_mlp", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
  fc1 = register_module("fc1", nn::Linear(dim, mlp));
  fc2 = register_module("fc2", nn::Linear(mlp, dim));
}

torch::Tensor DifferenceAttentionImpl::forward(const torch::Tensor& baseline,
                                               const torch::Tensor& followup) {
  const torch::Tensor b = norm_baseline(baseline);
  const torch::Tensor f = norm_followup(followup);
  // What each follow-up token finds in the baseline, and the reverse: the differences are change.
  const torch::Tensor seenInBaseline = attend(followup_to_baseline, f, b);
  const torch::Tensor seenInFollowup = attend(baseline_to_followup, b, f);
  torch::Tensor change =
      countedLinear(fuse, torch::cat({followup - seenInBaseline, seenInFollowup - baseline}, -1));
  return change + countedLinear(fc2, torch::gelu(countedLinear(fc1, norm_mlp(change))));
}

BigEncoderImpl::BigEncoderImpl(const BigSpec& s) : spec(s) {
  stem_conv = register_module(
      "stem_conv", nn::Conv2d(nn::Conv2dOptions(1, s.stem, 3).stride(2).padding(1).bias(false)));
  stem_bn = register_module("stem_bn",
                            nn::BatchNorm2d(nn::BatchNormOptions(s.stem).eps(1e-5).momentum(0.08)));
  blocks = nn::Sequential();
  int in = s.stem;
  int total = 0;
  for (const BigSpec::Stage& st : s.stages)
    total += st.repeats;
  for (size_t si = 0; si < s.stages.size(); ++si) {
    const BigSpec::Stage& st = s.stages[si];
    for (int r = 0; r < st.repeats; ++r) {
      const int index = static_cast<int>(blockList.size());
      MBConvSpec b{in,        st.channels, r == 0 ? st.stride : 1,          st.expand,
                   st.kernel, r > 0,       0.2 * index / std::max(1, total)};
      blockList.emplace_back(b);
      blocks->push_back(blockList.back());
      in = st.channels;
    }
    // A skip is taken at the end of the last stage at each resolution.
    const bool resolutionEnds = si + 1 == s.stages.size() || s.stages[si + 1].stride == 2;
    if (resolutionEnds && si + 1 < s.stages.size())
      skipAfter.push_back(static_cast<int>(blockList.size()) - 1);
  }
  register_module("blocks", blocks);
  token_projection = register_module("token_projection", nn::Linear(in, s.tokenDim));
  const int grid = s.imageSize / 32;
  position_embedding =
      register_parameter("position_embedding", torch::zeros({1, grid * grid, s.tokenDim}));
  transformer = nn::Sequential();
  for (int l = 0; l < s.layers; ++l) {
    layerList.emplace_back(s.tokenDim, s.heads, s.mlp, s.dropout);
    transformer->push_back(layerList.back());
  }
  register_module("transformer", transformer);
  token_norm =
      register_module("token_norm", nn::LayerNorm(nn::LayerNormOptions({s.tokenDim}).eps(1e-6)));
}

torch::Tensor BigEncoderImpl::forward(const torch::Tensor& x, std::vector<torch::Tensor>& skips) {
  torch::Tensor h = torch::silu(batchNorm(*stem_bn, countedConv(stem_conv, x)));
  skips.clear();
  size_t next = 0;
  for (size_t i = 0; i < blockList.size(); ++i) {
    h = spec.recompute ? model::recompute(blockList[i], h) : blockList[i](h);
    if (next < skipAfter.size() && static_cast<int>(i) == skipAfter[next]) {
      skips.push_back(h);
      ++next;
    }
  }
  const int64_t gh = h.size(2);
  const int64_t gw = h.size(3);
  torch::Tensor tokens =
      countedLinear(token_projection, h.flatten(2).transpose(1, 2));  // [B, N, D]
  const int grid = spec.imageSize / 32;
  torch::Tensor position = position_embedding;
  if (gh != grid || gw != grid) {  // another image size: resample the learned grid
    namespace F = torch::nn::functional;
    position = F::interpolate(position.transpose(1, 2).reshape({1, spec.tokenDim, grid, grid}),
                              F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{gh, gw})
                                  .mode(torch::kBilinear)
                                  .align_corners(false))
                   .flatten(2)
                   .transpose(1, 2);
  }
  tokens = tokens + position;
  for (TransformerLayer& layer : layerList)
    tokens = spec.recompute ? model::recompute(layer, tokens) : layer(tokens);
  return token_norm(tokens);
}

UpStageImpl::UpStageImpl(int in, int skip, int out) {
  up = register_module(
      "up", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 2).stride(2).bias(false)));
  conv1 = register_module("conv1",
                          nn::Conv2d(nn::Conv2dOptions(out + skip, out, 3).padding(1).bias(false)));
  norm1 = register_module("norm1", nn::GroupNorm(nn::GroupNormOptions(groupsFor(out, 16), out)));
  conv2 =
      register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
  norm2 = register_module("norm2", nn::GroupNorm(nn::GroupNormOptions(groupsFor(out, 16), out)));
}

torch::Tensor UpStageImpl::forward(const torch::Tensor& x, const torch::Tensor& skip) {
  torch::Tensor h = countedConv(up, x);
  h = torch::relu(norm1(countedConv(conv1, torch::cat({h, skip}, 1))));
  return torch::relu(norm2(countedConv(conv2, h)));
}

BigModelImpl::BigModelImpl(const BigSpec& spec) : spec_(spec) {
  encoder = register_module("encoder", BigEncoder(spec));
  difference_attention =
      register_module("difference_attention",
                      DifferenceAttention(spec.tokenDim, spec.heads, spec.mlp, spec.dropout));
  change_projection =
      register_module("change_projection",
                      nn::Conv2d(nn::Conv2dOptions(spec.tokenDim, spec.decoder[0], 1).bias(false)));
  // Skip channels per level (/16, /8, /4, /2) from both time points; at full resolution the two
  // images and their difference.
  std::vector<int> skipChannels;
  for (const int index : encoder->skipAfter)
    skipChannels.insert(skipChannels.begin(), encoder->blockList[index]->spec.out);
  decoder = nn::Sequential();
  int in = spec.decoder[0];
  for (size_t level = 0; level < spec.decoder.size(); ++level) {
    const int skip = level < skipChannels.size() ? 2 * skipChannels[level] : 3;
    upStages.emplace_back(in, skip, spec.decoder[level]);
    decoder->push_back(upStages.back());
    in = spec.decoder[level];
  }
  register_module("decoder", decoder);
  head = register_module("head", nn::Conv2d(nn::Conv2dOptions(in, 1, 3).padding(1).bias(false)));
  if (spec.learnedDeadBand)
    dead_band = register_module("dead_band", LearnedDeadBand());
}

torch::Tensor BigModelImpl::forward(const torch::Tensor& baseline, const torch::Tensor& followup) {
  std::vector<torch::Tensor> skipsB;
  std::vector<torch::Tensor> skipsF;
  const torch::Tensor tokensB = encoder->forward(baseline, skipsB);  // shared weights
  const torch::Tensor tokensF = encoder->forward(followup, skipsF);
  const torch::Tensor change = difference_attention(tokensB, tokensF);  // [B, N, D]
  const int64_t gh = baseline.size(2) / 32;
  const int64_t gw = baseline.size(3) / 32;
  torch::Tensor x = countedConv(
      change_projection, change.transpose(1, 2).reshape({change.size(0), spec_.tokenDim, gh, gw}));
  x = torch::relu(x);
  // Deepest skip first: /16, /8, /4, /2, then the images themselves at full resolution.
  for (size_t level = 0; level < upStages.size(); ++level) {
    torch::Tensor skip;
    if (level < skipsB.size()) {
      const size_t k = skipsB.size() - 1 - level;
      skip = torch::cat({skipsB[k], skipsF[k]}, 1);
    } else {
      skip = torch::cat({baseline, followup, followup - baseline}, 1);
    }
    if (spec_.recompute) {
      UpStage stage = upStages[level];
      x = model::recompute(
          *stage,
          [stage](const std::vector<torch::Tensor>& in) mutable { return stage(in[0], in[1]); },
          {x, skip});
    } else {
      x = upStages[level](x, skip);
    }
  }
  const torch::Tensor y = torch::tanh(countedConv(head, x));
  return dead_band ? dead_band(y) : y;
}

void BigModelImpl::initialiseWeights() {
  initialiseReferenceStyle(*this);
  torch::NoGradGuard noGrad;
  auto kaiming = [](const torch::Tensor& w) {
    nn::init::kaiming_normal_(w, 0.0, torch::kFanIn, torch::kReLU);
  };
  kaiming(encoder->stem_conv->weight);
  kaiming(change_projection->weight);
  for (UpStage& stage : upStages) {
    kaiming(stage->up->weight);
    kaiming(stage->conv1->weight);
    kaiming(stage->conv2->weight);
  }
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* linear = dynamic_cast<nn::LinearImpl*>(module.get())) {
      nn::init::normal_(linear->weight, 0.0, 0.02);
      nn::init::zeros_(linear->bias);
    } else if (auto* norm = dynamic_cast<nn::LayerNormImpl*>(module.get())) {
      nn::init::ones_(norm->weight);
      nn::init::zeros_(norm->bias);
    }
  }
  nn::init::normal_(encoder->position_embedding, 0.0, 0.02);
  // Each 2x2 transposed convolution starts as a 1x1 convolution followed by nearest-neighbour
  // upsampling (the four taps equal, "ICNR"): no checkerboard at the start, which the model
  // otherwise spends its first epochs unlearning (docs/learning.md).
  for (UpStage& stage : upStages) {
    torch::Tensor& w = stage->up->weight;  // [in, out, 2, 2]
    w.copy_(w.narrow(2, 0, 1).narrow(3, 0, 1).expand_as(w).clone());
  }
  // A zero head: the first prediction is the all-zeros baseline, not tanh of random features
  // (5.7x the zeros error after the first demo epoch with the reference's Xavier head).
  nn::init::zeros_(head->weight);
  if (dead_band) {
    // Inside the band an exact zero has no gradient to leave it by but the leak's: a head of
    // small random weights starts the predictions near zero (|y| about 1e-3 at the demo size)
    // but mostly outside the initial band.
    nn::init::normal_(head->weight, 0.0, 3e-4);
    dead_band->threshold.fill_(LearnedDeadBandImpl::kInitialWidth / LearnedDeadBandImpl::kScale);
  }
}

std::vector<std::pair<std::string, std::string>> BigModelImpl::parts() const {
  auto describe = [](const std::string& what, const nn::Module& m) {
    return what + " (" + std::to_string(countParameters(m)) + " parameters)";
  };
  int blocks = 0;
  for (const BigSpec::Stage& st : spec_.stages)
    blocks += st.repeats;
  std::vector<std::pair<std::string, std::string>> out{
      {"encoder", describe("shared: stem + " + std::to_string(blocks) + " MBConv blocks + " +
                               std::to_string(spec_.layers) + "-layer transformer (" +
                               std::to_string(spec_.tokenDim) + " wide, " +
                               std::to_string(spec_.heads) + " heads)",
                           *encoder)},
      {"difference_attention",
       describe("cross-attention follow-up <-> baseline", *difference_attention)},
      {"change_projection", describe("tokens to the decoder's width", *change_projection)},
      {"decoder", describe("U-Net: 5 x2 stages with skips from both time points", *decoder)},
      {"head", describe("3x3 conv to 1 channel, tanh", *head)}};
  if (dead_band)
    out.emplace_back("dead_band", describe("learned dead band around zero", *dead_band));
  return out;
}

}  // namespace longmim::model
