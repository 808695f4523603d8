#include "training/HistoryModel.h"

#include <utility>

namespace longmim::studio {

HistoryModel::HistoryModel(QObject* parent) : QObject(parent) {}

void HistoryModel::reset(longmim::TrainingHistory history) {
  history_ = std::move(history);
  Q_EMIT historyReset();
}

void HistoryModel::appendSteps(const std::vector<longmim::StepRecord>& steps) {
  if (steps.empty())
    return;
  history_.steps.insert(history_.steps.end(), steps.begin(), steps.end());
  Q_EMIT recordsAppended();
}

void HistoryModel::appendEpoch(const longmim::EpochRecord& epoch, int bestEpoch) {
  history_.addEpoch(epoch, bestEpoch);
  Q_EMIT recordsAppended();
  Q_EMIT epochAppended();
}

void HistoryModel::appendEdit(const longmim::EditRecord& edit) {
  history_.edits.push_back(edit);
  Q_EMIT recordsAppended();
}

void HistoryModel::setComparison(longmim::TrainingHistory other, const QString& label) {
  comparison_ = std::move(other);
  comparisonLabel_ = label;
  hasComparison_ = true;
  Q_EMIT comparisonChanged();
}

void HistoryModel::clearComparison() {
  const bool had = hasComparison_;
  comparison_ = {};
  comparisonLabel_.clear();
  hasComparison_ = false;
  if (had)
    Q_EMIT comparisonChanged();
}

void HistoryModel::setCaption(const LossPlotCaption& caption) {
  caption_ = caption;
  Q_EMIT captionChanged();
}

}  // namespace longmim::studio
