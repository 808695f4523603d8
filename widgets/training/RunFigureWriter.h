// Keeps a run folder's loss_curves.png and detailed_loss_curves.png current while the studio
// trains, by running `longmim plot RUN_DIR` in a separate process: drawing the figures takes
// longer than the window may pause, and QCustomPlot can only draw on the GUI thread. The process
// runs at the trainer's niceness (10) and, during a run, at most once a minute (each drawing costs
// about 2 s of CPU that the trainer would otherwise have: on 2 cores the demo run lost ~1 s per
// epoch to it); the curves on screen are live regardless.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

namespace longmim::studio {

class RunFigureWriter : public QObject {
  Q_OBJECT

 public:
  explicit RunFigureWriter(QObject* parent = nullptr);
  ~RunFigureWriter() override;

  // The `longmim` executable: $LONGMIM_CLI, else next to this program, else on PATH; empty when
  // none is found.
  static QString findCommandLineTool();
  QString program() const { return program_; }
  void setProgram(const QString& program) { program_ = program; }

  // While a run trains (an epoch ended): draws the figures of `runDir` once minimumInterval()
  // has passed since the last drawing began, at once if it has; requests in between are one.
  void request(const QString& runDir);
  // Draws them now (a run ended, a user asked), or right after the drawing in progress.
  void requestNow(const QString& runDir);
  bool isBusy() const { return process_.state() != QProcess::NotRunning; }
  // A drawing waits for minimumInterval() to pass.
  bool isDeferred() const { return deferTimer_.isActive(); }
  // Default 60 s; 0 makes request() the same as requestNow().
  void setMinimumInterval(int msecs) { minimumIntervalMs_ = msecs; }
  int minimumInterval() const { return minimumIntervalMs_; }
  // Blocks until the drawing in progress and one queued are done (a deferred one is drawn now);
  // for closing and tests.
  bool waitForIdle(int msecs);

 Q_SIGNALS:
  void written(const QString& runDir);
  void failed(const QString& message);

 private:
  void launch(const QString& runDir);
  void onFinished(int exitCode, QProcess::ExitStatus status);

  QString program_;
  QProcess process_;
  QString running_;
  QString queued_;
  QString deferred_;  // drawn when deferTimer_ fires
  QTimer deferTimer_;
  QElapsedTimer sinceLaunch_;
  int minimumIntervalMs_ = 60000;
};

}  // namespace longmim::studio
