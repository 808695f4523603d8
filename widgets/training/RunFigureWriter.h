// Keeps a run folder's loss_curves.png and detailed_loss_curves.png current while the studio
// trains, by running `longmim plot RUN_DIR` in a separate process: drawing the figures takes
// longer than the window may pause, and QCustomPlot can only draw on the GUI thread.
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>

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

  // Draws the figures of `runDir` now, or right after the drawing in progress.
  void request(const QString& runDir);
  bool isBusy() const { return process_.state() != QProcess::NotRunning; }
  // Blocks until the drawing in progress (and one queued) are done; for closing and tests.
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
};

}  // namespace longmim::studio
