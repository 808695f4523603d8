// How well one predicted difference map matches its ground truth: the error, the agreement and the
// change-detection quality, plus the two baselines every model is judged against.
#pragma once

#include <cstddef>
#include <vector>

namespace longmim::eval {

// Metrics of one map against the truth. A value that is not defined for this pair (masked L1
// without changed pixels, r of a constant map, AUC without both classes) is NaN.
struct ChangeMetrics {
  double l1 = 0.0;        // mean |p - t|
  double l2 = 0.0;        // mean (p - t)^2
  double ssim = 0.0;      // SSIM, data range 2, Gaussian window 11 / sigma 1.5, valid positions
  double maskedL1 = 0.0;  // mean |p - t| where |t| > threshold
  double pearson = 0.0;   // Pearson correlation of p and t over all pixels
  double auc = 0.0;       // ROC AUC of |p| as a score for the change mask |t| > threshold
  size_t changedPixels = 0;
};

// `predicted` and `truth` are row-major rows x cols maps of equal size.
ChangeMetrics measureChange(const std::vector<float>& predicted, const std::vector<float>& truth,
                            int rows, int cols, double changeThreshold);

// Pearson r; NaN when either input is constant.
double pearsonCorrelation(const std::vector<float>& a, const std::vector<float>& b);

// Area under the ROC curve of `scores` for the labels (ties count one half: the Mann-Whitney
// statistic). NaN when the labels hold only one class.
double rocAuc(const std::vector<float>& scores, const std::vector<bool>& positive);

// The normalised subtraction: min-max(current) - min-max(prior), the map a reader gets without a
// model. Inputs that are already min-max normalised give their plain difference.
std::vector<float> subtractionBaseline(const std::vector<float>& prior,
                                       const std::vector<float>& current);

}  // namespace longmim::eval
