// The public reference's LongitudinalMIMModelBig, layer for layer: shared EfficientNet-B7 block
// encoder, residual conv stacks, fusion by feature subtraction, Decoder6 with tanh. At the paper
// size its state dict has the reference's 287 keys and 110,887,538 parameters, so a state dict
// saved from the reference with torch.save loads strictly.
#pragma once

#include <vector>

#include "model/LongitudinalModel.h"
#include "model/ModelBlocks.h"

namespace longmim::model {

struct ReferenceSpec {
  std::string size = "paper";
  int expansion1 = 8;  // channels after the 7x7 expansion layer
  int expansion2 = 64;
  std::vector<MBConvSpec> blocks;  // the kept EfficientNet blocks
  int features = 640;              // encoder output channels
  int stackDepth = 3;              // ConvBlockBranch per stack
  int groups = 32;                 // GroupNorm groups of the stacks and the unused up-sampler
  int upsampleIn = 768;            // the reference's unused features_upsampling widths
  int upsampleMid = 704;
  std::vector<int> decoder{512, 384, 256, 128, 64};
  int decoderGroups = 16;
  double dropout = 0.1;
  // LEARNED_DEAD_BAND: a LearnedDeadBand after the tanh (off: the reference's state dict).
  bool learnedDeadBand = false;
  // ACTIVATION_CHECKPOINTING: encoder blocks, conv stacks and decoder stages recompute their
  // activations in the backward pass (model/Recompute.h).
  bool recompute = false;

  // paper: the reference exactly; cpu-demo and tiny: the same layout with narrower layers and one
  // block per stack.
  static ReferenceSpec forSize(const std::string& size);
};

struct EfficientNetMiniEncoderImpl : torch::nn::Module {
  explicit EfficientNetMiniEncoderImpl(const ReferenceSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  ChannelExpansionBlock input_expansion_block{nullptr};
  torch::nn::Sequential blocks{nullptr};
  std::vector<MBConvBlock> blockList;
  bool recompute = false;
};
TORCH_MODULE(EfficientNetMiniEncoder);

struct Decoder6Impl : torch::nn::Module {
  explicit Decoder6Impl(const ReferenceSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential decoder_blocks{nullptr};
  std::vector<DecoderBlock> stages;
  torch::nn::Conv2d head{nullptr};
  torch::nn::GroupNorm headNorm{nullptr};
  bool recompute = false;
};
TORCH_MODULE(Decoder6);

class ReferenceModelImpl : public LongitudinalModelImpl {
 public:
  explicit ReferenceModelImpl(const ReferenceSpec& spec);
  torch::Tensor forward(const torch::Tensor& baseline, const torch::Tensor& followup) override;
  torch::nn::Module& encoderModule() override { return *encoder; }
  void initialiseWeights() override;
  std::string architecture() const override { return "reference"; }
  std::string size() const override { return spec_.size; }
  std::vector<std::pair<std::string, std::string>> parts() const override;

  EfficientNetMiniEncoder encoder{nullptr};
  torch::nn::Dropout2d dropout{nullptr};
  torch::nn::Sequential encoded_bn{nullptr};
  torch::nn::Sequential encoded_bn2{nullptr};
  torch::nn::Sequential features_upsampling{nullptr};  // built but unused, as in the reference
  torch::nn::Sequential diff_processing{nullptr};
  torch::nn::Sequential diff_processing2{nullptr};
  Decoder6 decoder{nullptr};
  LearnedDeadBand dead_band{nullptr};  // only with spec.learnedDeadBand

 private:
  torch::Tensor stack(torch::nn::Sequential& stack, const torch::Tensor& x);
  ReferenceSpec spec_;
};

}  // namespace longmim::model
