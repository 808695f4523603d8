// The studio's run controls as actions (menu, toolbar, shortcuts): Start, Resume, Pause/Continue,
// Stop after the step, Stop after the epoch. Enables each from the session's state and whether
// the form and the dataset allow a start; the main window decides what a trigger does.
#pragma once

#include <QObject>

#include "train/TrainerObserver.h"

class QAction;

namespace longmim::studio {

class TrainingActions : public QObject {
  Q_OBJECT

 public:
  explicit TrainingActions(QObject* parent = nullptr);

  QAction* start() const { return start_; }
  QAction* resume() const { return resume_; }
  QAction* pause() const { return pause_; }  // checkable: checked while paused
  QAction* stop() const { return stop_; }
  QAction* stopAfterEpoch() const { return stopAfterEpoch_; }

  // Why Start cannot be used now (shown as its tooltip); empty when it can.
  void setStartBlocker(const QString& reason);
  // The session's state; `active` false once a run has finished.
  void setRunState(bool active, longmim::TrainerState state);

 Q_SIGNALS:
  void startTriggered();
  void resumeTriggered();
  void pauseTriggered();
  void continueTriggered();
  void stopTriggered();
  void stopAfterEpochTriggered();

 private:
  void refresh();

  QAction* start_;
  QAction* resume_;
  QAction* pause_;
  QAction* stop_;
  QAction* stopAfterEpoch_;
  QString startBlocker_;
  bool active_ = false;
  longmim::TrainerState state_ = longmim::TrainerState::Finished;
};

}  // namespace longmim::studio
