#include "eval/ChangeMetrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "loss/Ssim.h"

namespace longmim::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<float> minMax(const std::vector<float>& image) {
  if (image.empty())
    return {};
  const auto [lo, hi] = std::minmax_element(image.begin(), image.end());
  const float low = *lo;
  const float range = *hi - *lo;
  std::vector<float> out(image.size(), 0.0f);
  if (range > 0.0f) {
    for (size_t i = 0; i < image.size(); ++i)
      out[i] = (image[i] - low) / range;
  }
  return out;
}

double ssimOf(const std::vector<float>& p, const std::vector<float>& t, int rows, int cols) {
  // The same SSIM as the loss term and `predict`, so the numbers agree across the program. Maps
  // smaller than the window have no valid position.
  if (rows < 11 || cols < 11)
    return kNaN;
  torch::NoGradGuard noGrad;
  const torch::Tensor a =
      torch::from_blob(const_cast<float*>(p.data()), {1, 1, rows, cols}, torch::kFloat32);
  const torch::Tensor b =
      torch::from_blob(const_cast<float*>(t.data()), {1, 1, rows, cols}, torch::kFloat32);
  return loss::ssim(a, b).mean().item<double>();
}

}  // namespace

double pearsonCorrelation(const std::vector<float>& a, const std::vector<float>& b) {
  const size_t n = std::min(a.size(), b.size());
  if (n < 2)
    return kNaN;
  double ma = 0.0;
  double mb = 0.0;
  for (size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0.0;
  double saa = 0.0;
  double sbb = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double da = a[i] - ma;
    const double db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0.0) || !(sbb > 0.0))
    return kNaN;
  return sab / std::sqrt(saa * sbb);
}

double rocAuc(const std::vector<float>& scores, const std::vector<bool>& positive) {
  const size_t n = std::min(scores.size(), positive.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return scores[x] < scores[y]; });
  // Sum of the (tie-averaged, 1-based) ranks of the positives.
  double rankSum = 0.0;
  size_t positives = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]])
      ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (positive[order[k]]) {
        rankSum += rank;
        ++positives;
      }
    }
    i = j;
  }
  const size_t negatives = n - positives;
  if (positives == 0 || negatives == 0)
    return kNaN;
  const double p = static_cast<double>(positives);
  return (rankSum - p * (p + 1.0) / 2.0) / (p * static_cast<double>(negatives));
}

std::vector<float> subtractionBaseline(const std::vector<float>& prior,
                                       const std::vector<float>& current) {
  if (prior.size() != current.size())
    throw std::invalid_argument("subtractionBaseline: the two images differ in size");
  const std::vector<float> p = minMax(prior);
  const std::vector<float> c = minMax(current);
  std::vector<float> out(c.size());
  for (size_t i = 0; i < c.size(); ++i)
    out[i] = c[i] - p[i];
  return out;
}

ChangeMetrics measureChange(const std::vector<float>& predicted, const std::vector<float>& truth,
                            int rows, int cols, double changeThreshold) {
  const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(cols);
  if (predicted.size() != n || truth.size() != n)
    throw std::invalid_argument("measureChange: maps of " + std::to_string(predicted.size()) +
                                " and " + std::to_string(truth.size()) + " pixels for " +
                                std::to_string(rows) + "x" + std::to_string(cols));
  ChangeMetrics m;
  double l1 = 0.0;
  double l2 = 0.0;
  double masked = 0.0;
  std::vector<float> score(n);
  std::vector<bool> changed(n);
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(predicted[i]) - truth[i];
    l1 += std::fabs(d);
    l2 += d * d;
    changed[i] = std::fabs(truth[i]) > changeThreshold;
    score[i] = std::fabs(predicted[i]);
    if (changed[i]) {
      masked += std::fabs(d);
      ++m.changedPixels;
    }
  }
  m.l1 = n ? l1 / static_cast<double>(n) : kNaN;
  m.l2 = n ? l2 / static_cast<double>(n) : kNaN;
  m.maskedL1 = m.changedPixels ? masked / static_cast<double>(m.changedPixels) : kNaN;
  m.pearson = pearsonCorrelation(predicted, truth);
  // A constant map (the zeros baseline) carries no information about where change is: r 0, not
  // undefined, as long as the truth itself varies.
  if (std::isnan(m.pearson) && !std::isnan(pearsonCorrelation(truth, truth)))
    m.pearson = 0.0;
  m.auc = rocAuc(score, changed);
  m.ssim = ssimOf(predicted, truth, rows, cols);
  return m;
}

}  // namespace longmim::eval
