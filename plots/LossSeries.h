// Turns a TrainingHistory into the x/y series the loss charts draw, all on one epoch axis:
// epoch N sits at x = N and logged batch b of B in epoch N at x = N - 1 + b / B, so the per-step
// curve ends where its epoch's mark is. Non-finite values are left out (a gap, never a crash).
#pragma once

#include <QVector>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "train/TrainingHistory.h"

namespace longmim::studio {

enum class LossAxisScale { Linear, Logarithmic };

struct LossSeries {
  QVector<double> x;
  QVector<double> y;

  bool empty() const { return x.isEmpty(); }
  int size() const { return static_cast<int>(x.size()); }
};

// Where a logged batch sits on the epoch axis.
double stepPosition(const StepRecord& step);

// Where an edit took effect on the epoch axis: between the logged batches around its optimizer
// step, kept inside its own epoch; the start of its epoch when no batch was logged.
double editPosition(const TrainingHistory& history, const EditRecord& edit);

LossSeries trainTotalPerEpoch(const TrainingHistory& history);
LossSeries validationTotalPerEpoch(const TrainingHistory& history);
LossSeries trainTotalPerStep(const TrainingHistory& history);

LossSeries trainComponentPerEpoch(const TrainingHistory& history, const std::string& name);
LossSeries validationComponentPerEpoch(const TrainingHistory& history, const std::string& name);
LossSeries trainComponentPerStep(const TrainingHistory& history, const std::string& name);

// Every loss component named anywhere in the history (epochs first, then logged steps), in the
// order it first appears, which is the order the loss composer reports them.
std::vector<std::string> lossComponentNames(const TrainingHistory& history);

// The validation total of the best epoch, or the recorded best value; nullopt when there is none.
std::optional<double> bestValidationLoss(const TrainingHistory& history);

// Drops the points a logarithmic axis cannot show (y <= 0); returns the series unchanged otherwise.
LossSeries visibleOn(const LossSeries& series, LossAxisScale scale);

// The padded range that shows every y value of `series`; nullopt when they hold no point.
std::optional<std::pair<double, double>> valueRange(const std::vector<const LossSeries*>& series,
                                                    LossAxisScale scale);

// The padded range of epochs that shows every x value of `series`; nullopt when they hold no point.
std::optional<std::pair<double, double>> epochRange(const std::vector<const LossSeries*>& series);

}  // namespace longmim::studio
