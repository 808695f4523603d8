// A trained checkpoint applied to pairs: the predicted difference map in the inputs' own size and
// orientation, and L1 / L2 / SSIM against a ground truth when there is one.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/TrainingConfig.h"
#include "eval/ChangeMetrics.h"
#include "io/Image2D.h"

namespace longmim {

struct PairMetrics {
  double l1 = 0.0;
  double l2 = 0.0;
  double ssim = 0.0;      // SSIM (data range 2) between prediction and ground truth
  double maskedL1 = 0.0;  // NaN when nothing changes (|gt| <= CHANGE_THRESHOLD everywhere)
  double pearson = 0.0;   // NaN for a constant truth
  double auc = 0.0;       // ROC AUC of |prediction| for the change mask; NaN without change
  double l1Zeros = 0.0;   // the L1 of predicting all zeros: mean |gt|

  // The same numbers from core/eval's measurement of the prediction, with mean |gt| for scale.
  static PairMetrics from(const eval::ChangeMetrics& change, double l1Zeros);
  // From core/eval's measurements of the prediction (IMG_SIZE maps).
  static PairMetrics measure(const std::vector<float>& predicted, const std::vector<float>& truth,
                             int rows, int cols, double changeThreshold);
};

struct Prediction {
  Image2D map;         // at the follow-up's size, with its geometry
  Image2D modelInput;  // the prepared follow-up the model saw (IMG_SIZE), for overlays
  Image2D modelMap;    // the raw model output at IMG_SIZE
  std::optional<PairMetrics> metrics;
};

class Predictor {
 public:
  // Loads a checkpoint of this program (its configuration decides the architecture and size).
  // Throws DataError naming the file.
  explicit Predictor(const std::string& checkpointPath);
  ~Predictor();

  // Reads and prepares the files as validation does (resize to IMG_SIZE, min-max), predicts, and
  // resizes the map back to the follow-up's size. `groundTruth` may be empty.
  Prediction predictFiles(const std::string& prior, const std::string& current,
                          const std::string& groundTruth = {}) const;

  // Prepared IMG_SIZE images in, IMG_SIZE map out.
  Image2D predictPrepared(const Image2D& prior, const Image2D& current) const;

  const TrainingConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longmim
