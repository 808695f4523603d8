// What the studio tells the user about a run, in the log, the status bar and (for a run that
// failed or diverged) an error box: started / resumed with its model and data, checkpoints saved,
// how it ended, and the window's longest pause during it. Follows the session's signals; it
// decides nothing about the run.
#pragma once

#include <QObject>
#include <QString>

class QStatusBar;
class QWidget;

namespace longmim {
struct RunInfo;
struct RunResult;
}  // namespace longmim

namespace longmim::studio {

class LogPanel;
class TrainingSession;
class UiStallMonitor;

class RunMessages : public QObject {
  Q_OBJECT

 public:
  // Connect it before anything that reacts to the same run ending (the window's
  // trainingFinished()): what it logs is then there when they run.
  RunMessages(TrainingSession* session, LogPanel* log, QStatusBar* statusBar,
              UiStallMonitor* stallMonitor, QWidget* dialogParent);

 private:
  void onStarted(const longmim::RunInfo& info);
  void onFinished(const longmim::RunResult& result);

  LogPanel* log_;
  QStatusBar* statusBar_;
  UiStallMonitor* stallMonitor_;
  QWidget* dialogParent_;
};

}  // namespace longmim::studio
