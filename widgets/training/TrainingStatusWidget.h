// The status bar's view of a run: epoch and batch progress bars, ETA, samples/s and the studio's
// memory use.
#pragma once

#include <QTimer>
#include <QWidget>

#include "training/TrainingSession.h"

class QLabel;
class QProgressBar;

namespace longmim::studio {

class TrainingStatusWidget : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingStatusWidget(QWidget* parent = nullptr);

  void showProgress(const TrainingProgress& progress);
  void showState(bool active, longmim::TrainerState state);

  // "1 min 05 s", "2 h 10 min".
  static QString formatDuration(double seconds);

  QString etaText() const;
  QString speedText() const;
  QString memoryText() const;

 private:
  void refreshMemory();

  QProgressBar* epochBar_;
  QProgressBar* batchBar_;
  QLabel* eta_;
  QLabel* speed_;
  QLabel* memory_;
  QTimer memoryTimer_;
  bool paused_ = false;
};

}  // namespace longmim::studio
