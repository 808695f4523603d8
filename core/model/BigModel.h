// LongitudinalMIMModelBig as the seed describes it: a shared dual encoder (EfficientNet MBConv
// stages with B7 widths and depths, then a ViT-Base-style transformer over the deepest tokens), a
// difference-attention block (cross-attention follow-up -> baseline and back), and a U-Net decoder
// with skips from both time points, x2 up-sampling to full resolution and a tanh output.
#pragma once

#include <vector>

#include "model/LongitudinalModel.h"
#include "model/ModelBlocks.h"

namespace longmim::model {

struct BigSpec {
  std::string size = "paper";
  int stem = 64;
  struct Stage {
    int channels, repeats, stride, expand, kernel;
  };
  std::vector<Stage> stages;  // EfficientNet stages after the stride-2 stem
  int tokenDim = 768;         // transformer width
  int layers = 12;
  int heads = 12;
  int mlp = 3072;
  std::vector<int> decoder{512, 256, 128, 64, 32};  // channels at /16, /8, /4, /2, /1
  double dropout = 0.1;
  int imageSize = 512;           // the positional embedding's grid (resampled for other sizes)
  bool learnedDeadBand = false;  // LEARNED_DEAD_BAND: a LearnedDeadBand after the tanh
  // ACTIVATION_CHECKPOINTING: MBConv blocks, transformer layers and decoder stages recompute
  // their activations in the backward pass (model/Recompute.h).
  bool recompute = false;

  static BigSpec forSize(const std::string& size, int imageSize);
};

// Pre-norm transformer layer: x + MHA(LN(x)); x + MLP(LN(x)) with GELU.
struct TransformerLayerImpl : torch::nn::Module {
  TransformerLayerImpl(int dim, int heads, int mlp, double dropout);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::LayerNorm norm1{nullptr};
  torch::nn::MultiheadAttention attention{nullptr};
  torch::nn::LayerNorm norm2{nullptr};
  torch::nn::Linear fc1{nullptr};
  torch::nn::Linear fc2{nullptr};
  double dropout;
};
TORCH_MODULE(TransformerLayer);

// Change features from the two token sets: cross-attention both ways, then the follow-up's tokens
// minus what they find in the baseline and the reverse, fused by a linear layer and an MLP.
struct DifferenceAttentionImpl : torch::nn::Module {
  DifferenceAttentionImpl(int dim, int heads, int mlp, double dropout);
  torch::Tensor forward(const torch::Tensor& baseline, const torch::Tensor& followup);
  torch::nn::LayerNorm norm_baseline{nullptr};
  torch::nn::LayerNorm norm_followup{nullptr};
  torch::nn::MultiheadAttention followup_to_baseline{nullptr};
  torch::nn::MultiheadAttention baseline_to_followup{nullptr};
  torch::nn::Linear fuse{nullptr};
  torch::nn::LayerNorm norm_mlp{nullptr};
  torch::nn::Linear fc1{nullptr};
  torch::nn::Linear fc2{nullptr};
};
TORCH_MODULE(DifferenceAttention);

// The shared image encoder: stem, MBConv stages, token projection, transformer. Returns the
// tokens and the feature maps at /2, /4, /8, /16 for the decoder's skips.
struct BigEncoderImpl : torch::nn::Module {
  explicit BigEncoderImpl(const BigSpec& spec);
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>& skips);
  BigSpec spec;
  torch::nn::Conv2d stem_conv{nullptr};
  torch::nn::BatchNorm2d stem_bn{nullptr};
  torch::nn::Sequential blocks{nullptr};
  std::vector<MBConvBlock> blockList;
  std::vector<int> skipAfter;  // block indices whose output is a skip (last block before a stride)
  torch::nn::Linear token_projection{nullptr};
  torch::Tensor position_embedding;
  torch::nn::Sequential transformer{nullptr};
  std::vector<TransformerLayer> layerList;
  torch::nn::LayerNorm token_norm{nullptr};
};
TORCH_MODULE(BigEncoder);

// x2 up-sampling, concatenation with the skips of both time points, two 3x3 conv-GN-ReLU.
struct UpStageImpl : torch::nn::Module {
  UpStageImpl(int in, int skip, int out);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& skip);
  torch::nn::ConvTranspose2d up{nullptr};
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::GroupNorm norm1{nullptr};
  torch::nn::Conv2d conv2{nullptr};
  torch::nn::GroupNorm norm2{nullptr};
};
TORCH_MODULE(UpStage);

class BigModelImpl : public LongitudinalModelImpl {
 public:
  explicit BigModelImpl(const BigSpec& spec);
  torch::Tensor forward(const torch::Tensor& baseline, const torch::Tensor& followup) override;
  torch::nn::Module& encoderModule() override { return *encoder; }
  void initialiseWeights() override;
  std::string architecture() const override { return "big"; }
  std::string size() const override { return spec_.size; }
  std::vector<std::pair<std::string, std::string>> parts() const override;

  BigEncoder encoder{nullptr};
  DifferenceAttention difference_attention{nullptr};
  torch::nn::Conv2d change_projection{nullptr};
  torch::nn::Sequential decoder{nullptr};
  std::vector<UpStage> upStages;
  torch::nn::Conv2d head{nullptr};
  LearnedDeadBand dead_band{nullptr};  // only with spec.learnedDeadBand

 private:
  BigSpec spec_;
};

}  // namespace longmim::model
