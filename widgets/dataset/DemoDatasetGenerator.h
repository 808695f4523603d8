// Generates the embedded demo dataset (longmim::synth::demoDatasetJob) off the GUI thread and
// reports progress and the outcome as signals on the GUI thread.
#pragma once

#include <QObject>
#include <QString>

#include <cstddef>
#include <optional>

#include "common/BackgroundJob.h"

namespace longmim::studio {

class DemoDatasetGenerator : public QObject {
  Q_OBJECT

 public:
  explicit DemoDatasetGenerator(QObject* parent = nullptr);
  // Cancels a running generation and waits for it, so the pairs in progress are completed (never
  // left half written) and the worker never outlives the object it reports to.
  ~DemoDatasetGenerator() override;

  // Generates the pairs of the demo dataset that `dir` is missing. While a generation runs, a
  // second request is ignored -- unless that generation is being cancelled, in which case the new
  // one starts as soon as it has stopped.
  void start(const QString& dir);
  // Stops after the pairs in progress; ends with cancelled(). The pairs already written stay, and
  // the next start() continues from them.
  void cancel();
  bool isRunning() const;
  bool isCancelling() const;
  // The folder being generated, or empty when idle.
  QString dir() const { return runningDir_; }

 Q_SIGNALS:
  void started(const QString& dir);
  // `done` of `total` pairs are complete (counting pairs an earlier run already wrote).
  void progressed(int done, int total);
  void finished(const QString& dir);
  // `message` says what went wrong in words a user can act on.
  void failed(const QString& message);
  void cancelled();

 private:
  struct Outcome {
    bool ok = false;
    QString error;
    size_t generated = 0;
    size_t skipped = 0;
    double seconds = 0.0;
  };

  void launch(const QString& dir);
  void onProgress(int done, int total);
  void onWorkerFinished(const Outcome& outcome, bool wasCancelled);

  QString runningDir_;
  std::optional<QString> pendingDir_;  // requested while a cancelled generation was stopping
  int lastDone_ = -1;                  // worker threads may report out of order; never go back
  BackgroundJob<Outcome> job_;         // last: destroyed (and waited for) first
};

}  // namespace longmim::studio
