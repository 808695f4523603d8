// The studio's run controls as actions (menu, toolbar, shortcuts): Start, Resume, Pause/Continue,
// Stop after the step, Stop after the epoch. Each keeps its own enabled / checked state from the
// session's state and the form's problems (as ParaView's reactions do) and does its own work: Start
// runs the form's hyperparameters (saved for the next session), Resume asks for a checkpoint, fills
// the form from it (core's resume policy) and continues that run; the others go to the session.
#pragma once

#include <QObject>
#include <QString>

#include "train/TrainerObserver.h"

class QAction;
class QWidget;

namespace longmim::studio {

class ConfigForm;
class TrainingSession;

class TrainingActions : public QObject {
  Q_OBJECT

 public:
  // `dialogParent` owns the actions and parents their dialogs.
  TrainingActions(TrainingSession* session, ConfigForm* form, QWidget* dialogParent);

  QAction* start() const { return start_; }
  QAction* resume() const { return resume_; }
  QAction* pause() const { return pause_; }  // checkable: checked while paused
  QAction* stop() const { return stop_; }
  QAction* stopAfterEpoch() const { return stopAfterEpoch_; }

  // Why Start cannot be used now (its tooltip says so); empty when it can.
  QString startBlocker() const;

  // What Start and a chosen checkpoint do; false (with errorOccurred) when no run starts.
  bool startRun();
  bool resumeRun(const QString& checkpoint);

 Q_SIGNALS:
  // A run is about to start from the form (new or resumed).
  void runStarting();
  void errorOccurred(const QString& title, const QString& message);

 private:
  void refresh();
  void chooseCheckpointToResume();

  QWidget* dialogParent_;

  TrainingSession* session_;
  ConfigForm* form_;
  QAction* start_;
  QAction* resume_;
  QAction* pause_;
  QAction* stop_;
  QAction* stopAfterEpoch_;
};

}  // namespace longmim::studio
