#include "training/RunMessages.h"

#include <QStatusBar>
#include <QWidget>

#include "common/ErrorBox.h"
#include "shell/LogPanel.h"
#include "shell/UiStallMonitor.h"
#include "training/TrainingSession.h"

namespace longmim::studio {

RunMessages::RunMessages(TrainingSession* session, LogPanel* log, QStatusBar* statusBar,
                         UiStallMonitor* stallMonitor, QWidget* dialogParent)
    : QObject(session),
      log_(log),
      statusBar_(statusBar),
      stallMonitor_(stallMonitor),
      dialogParent_(dialogParent) {
  connect(session, &TrainingSession::runStarted, this, &RunMessages::onStarted);
  connect(session, &TrainingSession::finished, this, &RunMessages::onFinished);
  connect(session, &TrainingSession::messageLogged, log_, &LogPanel::appendMessage);
  connect(session, &TrainingSession::checkpointSaved, this, [this](const QString& path) {
    statusBar_->showMessage(tr("Saved checkpoint: %1").arg(path), 5000);
  });
}

void RunMessages::onStarted(const RunInfo& info) {
  stallMonitor_->reset();
  log_->appendMessage(
      LogLevel::Info,
      tr("%1 %2 in %3: %4 architecture, %5 size (%6 parameters) on %7, %8 training / %9 "
         "validation pairs")
          .arg(info.resumed ? tr("Resumed") : tr("Started"), QString::fromStdString(info.runName),
               QString::fromStdString(info.runDir), QString::fromStdString(info.architecture),
               QString::fromStdString(info.modelSize), QString::number(info.parameters),
               QString::fromStdString(info.device), QString::number(info.trainPairs),
               QString::number(info.valPairs)));
}

void RunMessages::onFinished(const RunResult& result) {
  const QString runDir = QString::fromStdString(result.runDir);
  const QString outcome = QString::fromLatin1(runOutcomeName(result.outcome));
  const QString message = QString::fromStdString(result.message);
  log_->appendMessage(LogLevel::Info, tr("Longest pause of the window during the run: %1 ms")
                                          .arg(stallMonitor_->maxStallMs(), 0, 'f', 1));
  switch (result.outcome) {
    case RunOutcome::Completed:
    case RunOutcome::Stopped:
      statusBar_->showMessage(tr("Run %1 %2").arg(runDir, outcome), 10000);
      log_->appendMessage(LogLevel::Info, tr("Run %1: %2").arg(outcome, runDir));
      break;
    case RunOutcome::Interrupted:
      statusBar_->showMessage(tr("Stopped: %1").arg(message), 10000);
      log_->appendMessage(LogLevel::Info, tr("Stopped: %1").arg(message));
      break;
    case RunOutcome::Aborted:
      log_->appendMessage(LogLevel::Warning, tr("Run aborted: %1").arg(runDir));
      break;
    case RunOutcome::Diverged:
    case RunOutcome::Failed:
      log_->appendMessage(LogLevel::Error, message);
      showErrorBox(
          dialogParent_,
          result.outcome == RunOutcome::Diverged ? tr("Training diverged") : tr("Training failed"),
          message);
      break;
  }
}

}  // namespace longmim::studio
