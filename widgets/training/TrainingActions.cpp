#include "training/TrainingActions.h"

#include <QAction>
#include <QKeySequence>

namespace longmim::studio {

namespace {

QAction* makeAction(QObject* parent, const QString& name, const QString& text,
                    const QKeySequence& shortcut, const QString& tip) {
  auto* action = new QAction(text, parent);
  action->setObjectName(name);
  action->setShortcut(shortcut);
  action->setStatusTip(tip);
  action->setToolTip(
      QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
  return action;
}

}  // namespace

TrainingActions::TrainingActions(QObject* parent) : QObject(parent) {
  start_ = makeAction(this, QStringLiteral("startTrainingAction"), tr("&Start"),
                      QKeySequence(Qt::Key_F5),
                      tr("Start a new run on the open dataset with the form's hyperparameters"));
  resume_ = makeAction(this, QStringLiteral("resumeTrainingAction"), tr("&Resume…"),
                       QKeySequence(Qt::SHIFT | Qt::Key_F5),
                       tr("Continue a run from one of its checkpoints"));
  pause_ = makeAction(this, QStringLiteral("pauseTrainingAction"), tr("&Pause"),
                      QKeySequence(Qt::Key_F6),
                      tr("Hold the run at the next batch; the model stays in memory"));
  pause_->setCheckable(true);
  stop_ =
      makeAction(this, QStringLiteral("stopTrainingAction"), tr("S&top"), QKeySequence(Qt::Key_F7),
                 tr("Stop after the current batch and write a checkpoint to resume from"));
  stopAfterEpoch_ =
      makeAction(this, QStringLiteral("stopAfterEpochAction"), tr("Stop After &Epoch"),
                 QKeySequence(Qt::SHIFT | Qt::Key_F7),
                 tr("Finish the epoch (validation and checkpoints included), then stop"));

  connect(start_, &QAction::triggered, this, &TrainingActions::startTriggered);
  connect(resume_, &QAction::triggered, this, &TrainingActions::resumeTriggered);
  connect(pause_, &QAction::triggered, this, [this](bool checked) {
    if (checked)
      Q_EMIT pauseTriggered();
    else
      Q_EMIT continueTriggered();
  });
  connect(stop_, &QAction::triggered, this, &TrainingActions::stopTriggered);
  connect(stopAfterEpoch_, &QAction::triggered, this, &TrainingActions::stopAfterEpochTriggered);
  refresh();
}

void TrainingActions::setStartBlocker(const QString& reason) {
  startBlocker_ = reason;
  refresh();
}

void TrainingActions::setRunState(bool active, longmim::TrainerState state) {
  active_ = active;
  state_ = state;
  refresh();
}

void TrainingActions::refresh() {
  const bool canStart = !active_ && startBlocker_.isEmpty();
  start_->setEnabled(canStart);
  start_->setToolTip(startBlocker_.isEmpty() ? start_->statusTip()
                                             : tr("Cannot start: %1").arg(startBlocker_));
  resume_->setEnabled(!active_);
  const bool running = active_ && (state_ == longmim::TrainerState::Running ||
                                   state_ == longmim::TrainerState::Paused);
  pause_->setEnabled(running);
  const bool paused = active_ && state_ == longmim::TrainerState::Paused;
  pause_->setChecked(paused);
  pause_->setText(paused ? tr("&Continue") : tr("&Pause"));
  stop_->setEnabled(active_ && state_ != longmim::TrainerState::Stopping);
  stopAfterEpoch_->setEnabled(running);
}

}  // namespace longmim::studio
