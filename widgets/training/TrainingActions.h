// The studio's run controls as actions (menu, toolbar, shortcuts): Start, Resume, Pause/Continue,
// Stop after the step, Stop after the epoch. Each keeps its own enabled / checked state from the
// session's state and the form's problems (as ParaView's reactions do). Pause, Continue and the two
// Stops go to the session directly; Start and Resume are signalled, for the window to run with the
// form (and a file dialog).
#pragma once

#include <QObject>

#include "train/TrainerObserver.h"

class QAction;

namespace longmim::studio {

class ConfigForm;
class TrainingSession;

class TrainingActions : public QObject {
  Q_OBJECT

 public:
  TrainingActions(TrainingSession* session, ConfigForm* form, QObject* parent = nullptr);

  QAction* start() const { return start_; }
  QAction* resume() const { return resume_; }
  QAction* pause() const { return pause_; }  // checkable: checked while paused
  QAction* stop() const { return stop_; }
  QAction* stopAfterEpoch() const { return stopAfterEpoch_; }

  // Why Start cannot be used now (its tooltip says so); empty when it can.
  QString startBlocker() const;

 Q_SIGNALS:
  void startTriggered();
  void resumeTriggered();

 private:
  void refresh();

  TrainingSession* session_;
  ConfigForm* form_;
  QAction* start_;
  QAction* resume_;
  QAction* pause_;
  QAction* stop_;
  QAction* stopAfterEpoch_;
};

}  // namespace longmim::studio
