// Runs one longmim::Trainer on its own thread for the studio and turns the trainer's callbacks into
// coalesced signals on the GUI thread, so a fast run cannot flood the event loop.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/TrainingConfig.h"
#include "train/TrainerObserver.h"

class QThread;

namespace longmim {
class Trainer;
}

namespace longmim::studio {

class HistoryModel;

// Where the run stands, refreshed at most once per flush.
struct TrainingProgress {
  int epoch = 0;   // 1-based; 0 before the first batch
  int epochs = 0;  // planned
  int batch = 0;   // in the epoch
  int batches = 0;
  bool validating = false;
  double samplesPerSecond = 0.0;
  double etaSeconds = -1.0;  // < 0: not known yet
};

class WorkerProcesses;

class TrainingSession : public QObject {
  Q_OBJECT

 public:
  explicit TrainingSession(QObject* parent = nullptr);
  // Aborts a run still going and waits for its thread.
  ~TrainingSession() override;

  // A new run (`resumeCheckpoint` empty) or the continuation of a checkpoint's run, whose stored
  // configuration wins except for paths, threads, device and the live keys. Returns false (and
  // emits nothing) when a run is already active.
  bool start(const longmim::TrainingConfig& config, const QString& resumeCheckpoint = {});

  // Worker processes of the next run (1: the studio alone; N > 1: the studio's trainer is rank 0
  // of N, ranks 1..N-1 are `longmim train` processes, each with its share of the cores).
  void setWorkerProcesses(int workers) { workers_ = std::max(1, workers); }
  int workerProcesses() const { return workers_; }

  // Commands, applied at the next batch boundary; ignored when no run is active.
  void pause();
  void continueRun();
  void stopAfterStep();
  void stopAfterEpoch();
  void abort();
  // LAMBDA_*, USE_* or LR_MULTIPLIER; applies at the next optimizer step.
  void editHyperparameter(const QString& key, const nlohmann::json& value);

  // From start() until finished() has been emitted.
  bool isActive() const { return active_; }
  longmim::TrainerState state() const { return state_; }
  bool isPaused() const { return active_ && state_ == longmim::TrainerState::Paused; }
  const longmim::TrainingConfig& config() const { return config_; }
  const longmim::RunInfo& runInfo() const { return info_; }
  QString runDir() const { return QString::fromStdString(info_.runDir); }
  // The studio's one training history, which every curve view draws: from start() on the run's
  // (with what a resumed run had before), fed as the trainer reports; while no run is active the
  // studio may show a finished run in it instead (MainWindow::openRun).
  HistoryModel* historyModel() const { return historyModel_; }
  const longmim::TrainingHistory& history() const;
  const TrainingProgress& progress() const { return progress_; }
  const std::optional<longmim::RunResult>& result() const { return result_; }
  QString lastCheckpoint() const { return lastCheckpoint_; }

  // Blocks the calling (GUI) thread until the trainer thread has ended, up to `msecs`; delivers
  // what is pending. For closing the window and for tests.
  bool waitForFinished(int msecs);

  // How often pending updates are delivered while a run is active (default 100 ms).
  void setFlushInterval(int msecs) { flushTimer_.setInterval(msecs); }

 Q_SIGNALS:
  void runStarted(const longmim::RunInfo& info);
  void stepsLogged(const std::vector<longmim::StepRecord>& steps);
  void epochFinished(const longmim::EpochRecord& epoch, int bestEpoch);
  void hyperparameterEdited(const longmim::EditRecord& edit);
  void samplePredicted(const longmim::SamplePrediction& sample);
  void checkpointSaved(const QString& path, longmim::CheckpointKind kind);
  void stateChanged(longmim::TrainerState state);
  void progressChanged(const longmim::studio::TrainingProgress& progress);
  void messageLogged(longmim::LogLevel level, const QString& message);
  void finished(const longmim::RunResult& result);

 private:
  class Relay;
  void flush();
  void updateEta();

  longmim::TrainingConfig config_;
  std::unique_ptr<longmim::Trainer> trainer_;
  std::unique_ptr<Relay> relay_;
  QThread* thread_ = nullptr;
  QTimer flushTimer_;
  bool active_ = false;
  bool flushing_ = false;
  longmim::TrainerState state_ = longmim::TrainerState::Finished;
  longmim::RunInfo info_;
  HistoryModel* historyModel_ = nullptr;
  TrainingProgress progress_;
  std::optional<longmim::RunResult> result_;
  QString lastCheckpoint_;
  QElapsedTimer sessionClock_;
  double lastEpochSeconds_ = 0.0;
  quint64 runGeneration_ = 0;  // which start() the thread of this run belongs to
  int workers_ = 1;
  WorkerProcesses* workerProcesses_ = nullptr;
};

}  // namespace longmim::studio
