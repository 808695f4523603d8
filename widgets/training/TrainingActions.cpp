#include "training/TrainingActions.h"

#include <QAction>
#include <QFileDialog>
#include <QKeySequence>
#include <QStringList>
#include <QWidget>

#include <exception>

#include "train/ResumePolicy.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"
#include "training/ConfigForm.h"
#include "training/FormSettings.h"
#include "training/HistoryModel.h"
#include "training/TrainingSession.h"

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

TrainingActions::TrainingActions(TrainingSession* session, ConfigForm* form, QWidget* dialogParent)
    : QObject(dialogParent), dialogParent_(dialogParent), session_(session), form_(form) {
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

  connect(start_, &QAction::triggered, this, &TrainingActions::startRun);
  connect(resume_, &QAction::triggered, this, &TrainingActions::chooseCheckpointToResume);
  connect(pause_, &QAction::triggered, session_, [this](bool checked) {
    if (checked)
      session_->pause();
    else
      session_->continueRun();
  });
  connect(stop_, &QAction::triggered, session_, &TrainingSession::stopAfterStep);
  connect(stopAfterEpoch_, &QAction::triggered, session_, &TrainingSession::stopAfterEpoch);

  // What the actions depend on.
  connect(session_, &TrainingSession::stateChanged, this, &TrainingActions::refresh);
  connect(session_, &TrainingSession::finished, this, &TrainingActions::refresh);
  connect(form_, &ConfigForm::validityChanged, this, &TrainingActions::refresh);
  connect(form_, &ConfigForm::configEdited, this, &TrainingActions::refresh);
  refresh();
}

QString TrainingActions::startBlocker() const {
  if (session_->isActive())
    return tr("a run is in progress");
  return form_->problems().join(QStringLiteral("; "));
}

bool TrainingActions::startRun() {
  if (session_->isActive())
    return false;
  if (!form_->isValid()) {
    Q_EMIT errorOccurred(tr("Cannot start training"),
                         tr("Fix the marked hyperparameters first:\n%1")
                             .arg(form_->problems().join(QLatin1Char('\n'))));
    return false;
  }
  const longmim::TrainingConfig config = form_->config();
  saveFormConfig(config);
  Q_EMIT runStarting();
  return session_->start(config);
}

void TrainingActions::chooseCheckpointToResume() {
  const std::string dir = form_->config().outputDir;
  const QString checkpoint = QFileDialog::getOpenFileName(
      dialogParent_, tr("Resume from Checkpoint"),
      QString::fromStdString(dir.empty() ? longmim::RunFolder::defaultOutputDir() : dir),
      tr("Checkpoints (*.pt);;All files (*)"));
  if (!checkpoint.isEmpty())
    resumeRun(checkpoint);
}

bool TrainingActions::resumeRun(const QString& checkpoint) {
  if (session_->isActive())
    return false;
  longmim::TrainingConfig stored;
  try {
    stored = longmim::Trainer::checkpointConfig(checkpoint.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(tr("Cannot resume"), QString::fromStdString(e.what()));
    return false;
  }
  // The form shows the run being continued, with what this studio sets for the machine (data,
  // outputs, threads, device, logging): the same policy as `longmim train -c` and the trainer.
  form_->setConfig(longmim::resumedConfig(stored, form_->config()));
  Q_EMIT runStarting();
  return session_->start(form_->config(), checkpoint);
}

void TrainingActions::refresh() {
  const bool active = session_->isActive();
  const longmim::TrainerState state = session_->state();
  const QString blocker = startBlocker();
  start_->setEnabled(blocker.isEmpty());
  start_->setToolTip(blocker.isEmpty() ? start_->statusTip() : tr("Cannot start: %1").arg(blocker));
  resume_->setEnabled(!active);
  const bool running =
      active && (state == longmim::TrainerState::Running || state == longmim::TrainerState::Paused);
  pause_->setEnabled(running);
  const bool paused = active && state == longmim::TrainerState::Paused;
  pause_->setChecked(paused);
  pause_->setText(paused ? tr("&Continue") : tr("&Pause"));
  stop_->setEnabled(active && state != longmim::TrainerState::Stopping);
  stopAfterEpoch_->setEnabled(running);
}

}  // namespace longmim::studio
