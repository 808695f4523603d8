// The training history the studio's curves show -- the run training now, or a finished run opened
// from disk -- with its caption and the run compared with it. One copy, owned by the session
// (TrainingSession::historyModel()), that every view reads and follows through the signals below;
// no view keeps its own.
#pragma once

#include <QObject>
#include <QString>

#include <vector>

#include "TotalLossChart.h"
#include "train/TrainingHistory.h"

namespace longmim::studio {

class HistoryModel : public QObject {
  Q_OBJECT

 public:
  explicit HistoryModel(QObject* parent = nullptr);

  const longmim::TrainingHistory& history() const { return history_; }
  // Replaces the history (a run started or resumed, a finished run opened; empty: none). The
  // comparison and the caption stay.
  void reset(longmim::TrainingHistory history);
  void clear() { reset({}); }

  // The live feed, in the order the trainer reports it.
  void appendSteps(const std::vector<longmim::StepRecord>& steps);
  // `bestEpoch`: the best epoch so far (0: none yet), as the trainer reports it with the epoch.
  void appendEpoch(const longmim::EpochRecord& epoch, int bestEpoch);
  void appendEdit(const longmim::EditRecord& edit);

  // Another run drawn beside this one (its per-epoch values), named `label`.
  void setComparison(longmim::TrainingHistory other, const QString& label);
  void clearComparison();
  bool hasComparison() const { return hasComparison_; }
  const longmim::TrainingHistory& comparison() const { return comparison_; }
  const QString& comparisonLabel() const { return comparisonLabel_; }

  // Title rows of the curves and of loss_curves.png (runCaption() in RunFigures.h).
  void setCaption(const LossPlotCaption& caption);
  const LossPlotCaption& caption() const { return caption_; }

 Q_SIGNALS:
  void historyReset();
  // Steps, an epoch or an edit were appended (epochAppended() follows for an epoch).
  void recordsAppended();
  void epochAppended();
  void comparisonChanged();
  void captionChanged();

 private:
  longmim::TrainingHistory history_;
  longmim::TrainingHistory comparison_;
  QString comparisonLabel_;
  bool hasComparison_ = false;
  LossPlotCaption caption_;
};

}  // namespace longmim::studio
