// The reference's perceptual and style terms on a frozen VGG19-BN (torchvision's layout and key
// names), with weights from a file the user supplies.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace longmim::loss {

// torchvision's vgg19_bn().features up to index 42 (the last module the reference's slices use).
struct Vgg19BnFeaturesImpl : torch::nn::Module {
  Vgg19BnFeaturesImpl();
  // The outputs of the reference's slices features[:3], [3:10], [10:17], [17:30], [30:43].
  std::vector<torch::Tensor> slices(const torch::Tensor& x);
  torch::nn::Sequential features{nullptr};
};
TORCH_MODULE(Vgg19BnFeatures);

struct PerceptualStyleValue {
  torch::Tensor perceptual;
  torch::Tensor style;
};

class PerceptualStyleLoss {
 public:
  // Loads `weightsPath` (torchvision's vgg19_bn state dict: keys features.N.*; the classifier and
  // later layers are ignored). Throws ConfigError / DataError naming the file and what is wrong.
  explicit PerceptualStyleLoss(const std::string& weightsPath, torch::Device device = torch::kCPU);

  // Inputs [B, 1, H, W]: repeated to 3 channels, ImageNet-normalised, resized to 224 x 224
  // (bilinear). Perceptual = mean over slices 2 and 3 (0-based) of L1 between features; style =
  // mean over slices 2, 3 and 4 of L1 between Gram matrices F F^T (no normalisation).
  PerceptualStyleValue operator()(const torch::Tensor& prediction, const torch::Tensor& target);

  Vgg19BnFeatures& network() { return vgg_; }

 private:
  torch::Tensor prepare(const torch::Tensor& x) const;
  Vgg19BnFeatures vgg_;
};

// F F^T over flattened positions: [B, C, H, W] -> [B, C, C].
torch::Tensor gramMatrix(const torch::Tensor& features);

}  // namespace longmim::loss
