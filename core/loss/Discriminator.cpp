#include "loss/Discriminator.h"

namespace longmim::loss {

namespace nn = torch::nn;

ReferenceDiscriminatorImpl::ReferenceDiscriminatorImpl(int imageSize) {
  model::ReferenceSpec spec = model::ReferenceSpec::forSize("paper");
  spec.blocks.pop_back();  // blocks 0, 4, 11, 18, 28, 38, 51
  encoder = register_module("encoder", model::EfficientNetMiniEncoder(spec));
  const int feature = imageSize / 16;
  bottleneck = register_module(
      "bottleneck",
      nn::Sequential(model::ConvBlockBranch(640, 32), nn::Conv2d(nn::Conv2dOptions(640, 2, 1)),
                     nn::GroupNorm(nn::GroupNormOptions(2, 2)), nn::ReLU(), nn::Flatten(),
                     nn::Linear(2 * feature * feature, 128),
                     nn::BatchNorm1d(nn::BatchNormOptions(128).momentum(0.1)), nn::ReLU(),
                     nn::Linear(128, 1)));
  model::initialiseReferenceStyle(*this);
}

torch::Tensor ReferenceDiscriminatorImpl::forward(const torch::Tensor& map) {
  return bottleneck->forward(encoder(map)).squeeze(1);
}

PatchDiscriminatorImpl::PatchDiscriminatorImpl(int width) {
  auto down = [](int in, int out) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1));
  };
  auto act = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); };
  layers = register_module(
      "layers",
      nn::Sequential(down(1, width), act(), down(width, 2 * width),
                     nn::GroupNorm(nn::GroupNormOptions(model::groupsFor(2 * width, 8), 2 * width)),
                     act(), down(2 * width, 4 * width),
                     nn::GroupNorm(nn::GroupNormOptions(model::groupsFor(4 * width, 8), 4 * width)),
                     act(), nn::Conv2d(nn::Conv2dOptions(4 * width, 1, 3).padding(1))));
}

torch::Tensor PatchDiscriminatorImpl::forward(const torch::Tensor& map) {
  return layers->forward(map);
}

Discriminator makeDiscriminator(const std::string& modelSize, int imageSize) {
  if (modelSize == "paper")
    return std::make_shared<ReferenceDiscriminatorImpl>(imageSize);
  return std::make_shared<PatchDiscriminatorImpl>(modelSize == "tiny" ? 8 : 32);
}

}  // namespace longmim::loss
