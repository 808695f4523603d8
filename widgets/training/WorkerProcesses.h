// The studio's helpers in a data-parallel run: the studio's own trainer is rank 0 (the curves,
// status bar and viewer follow it, and Pause / Stop / live edits reach every worker through it);
// ranks 1..N-1 are `longmim train` processes started here with the same configuration and
// torchrun's variables, stopped with the run.
#pragma once

#include <QObject>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <vector>

#include "config/TrainingConfig.h"

class QProcess;

namespace longmim::studio {

class WorkerProcesses : public QObject {
  Q_OBJECT

 public:
  explicit WorkerProcesses(QObject* parent = nullptr);
  ~WorkerProcesses() override;

  // Starts ranks 1..world-1 for `config` (and `resumeCheckpoint`) with the group at
  // 127.0.0.1:`port`; false with `error` set when the command line tool cannot be found or the
  // configuration cannot be written.
  bool start(const longmim::TrainingConfig& config, const QString& resumeCheckpoint, int world,
             int port, QString* error);
  // Waits a little for workers that end with the run, then kills what is left.
  void stop();
  int running() const;

 Q_SIGNALS:
  // A worker ended with a failure while the run was going on: its last output lines.
  void workerFailed(const QString& message);

 private:
  std::vector<QProcess*> processes_;
  std::unique_ptr<QTemporaryDir> folder_;
  bool stopping_ = false;
};

}  // namespace longmim::studio
