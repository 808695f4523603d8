#include "loss/PerceptualStyleLoss.h"

#include "Error.h"
#include "model/WeightImport.h"

namespace longmim::loss {

namespace nn = torch::nn;

namespace {

// torchvision's configuration "E" with batch norm, up to conv5_1: 'M' = max pooling.
const int kLayout[] = {64,  64, -1,  128, 128, -1,  256, 256, 256,
                       256, -1, 512, 512, 512, 512, -1,  512};
constexpr int kLastModule = 42;
const int kSliceEnds[] = {3, 10, 17, 30, 43};

}  // namespace

Vgg19BnFeaturesImpl::Vgg19BnFeaturesImpl() {
  features = nn::Sequential();
  int in = 3;
  for (const int c : kLayout) {
    if (c < 0) {
      features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
      continue;
    }
    features->push_back(nn::Conv2d(nn::Conv2dOptions(in, c, 3).padding(1)));
    features->push_back(nn::BatchNorm2d(c));
    features->push_back(nn::ReLU());
    in = c;
  }
  register_module("features", features);
}

std::vector<torch::Tensor> Vgg19BnFeaturesImpl::slices(const torch::Tensor& x) {
  std::vector<torch::Tensor> out;
  torch::Tensor h = x;
  int module = 0;
  auto it = features->begin();
  for (const int end : kSliceEnds) {
    for (; module < end; ++module, ++it)
      h = it->forward(h);
    out.push_back(h);
  }
  return out;
}

torch::Tensor gramMatrix(const torch::Tensor& features) {
  const torch::Tensor f = features.flatten(2);
  return torch::bmm(f, f.transpose(1, 2));
}

PerceptualStyleLoss::PerceptualStyleLoss(const std::string& weightsPath, torch::Device device) {
  if (weightsPath.empty()) {
    throw ConfigError("VGG_WEIGHTS",
                      "the perceptual / style loss needs VGG_WEIGHTS: torchvision's ImageNet "
                      "VGG19-BN state dict (vgg19_bn-c79401a0.pth)");
  }
  std::map<std::string, torch::Tensor> tensors = model::readStateDict(weightsPath);
  std::map<std::string, torch::Tensor> wanted;
  for (auto& [key, tensor] : tensors) {
    if (key.rfind("features.", 0) != 0)
      continue;  // the classifier is not used
    const int index = std::stoi(key.substr(9, key.find('.', 9) - 9));
    if (index <= kLastModule)
      wanted[key] = tensor;
  }
  model::importWeights(*vgg_, wanted, /*strict=*/true, weightsPath);
  vgg_->to(device);
  vgg_->eval();
  for (auto& p : vgg_->parameters())
    p.set_requires_grad(false);
}

torch::Tensor PerceptualStyleLoss::prepare(const torch::Tensor& x) const {
  const torch::Tensor mean =
      torch::tensor({0.485f, 0.456f, 0.406f}, x.options()).view({1, 3, 1, 1});
  const torch::Tensor std = torch::tensor({0.229f, 0.224f, 0.225f}, x.options()).view({1, 3, 1, 1});
  const torch::Tensor rgb = (x.expand({x.size(0), 3, x.size(2), x.size(3)}) - mean) / std;
  namespace F = nn::functional;
  return F::interpolate(rgb, F::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{224, 224})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
}

PerceptualStyleValue PerceptualStyleLoss::operator()(const torch::Tensor& prediction,
                                                     const torch::Tensor& target) {
  const std::vector<torch::Tensor> p = vgg_->slices(prepare(prediction));
  std::vector<torch::Tensor> t;
  {
    torch::NoGradGuard noGrad;  // the target needs no gradient
    t = vgg_->slices(prepare(target));
  }
  torch::Tensor perceptual = (torch::abs(p[2] - t[2]).mean() + torch::abs(p[3] - t[3]).mean()) / 2;
  torch::Tensor style = torch::zeros({}, prediction.options());
  for (int s : {2, 3, 4})
    style = style + torch::abs(gramMatrix(p[s]) - gramMatrix(t[s])).mean();
  return {perceptual, style / 3};
}

}  // namespace longmim::loss
