// Runs the dataset check of `longmim data check` (longmim::PairIndex::scan) off the GUI thread and
// reports progress and the result as signals on the GUI thread.
#pragma once

#include <QObject>
#include <QString>

#include <optional>

#include "common/BackgroundJob.h"
#include "data/PairIndex.h"

namespace longmim::studio {

class DatasetScanner : public QObject {
  Q_OBJECT

 public:
  explicit DatasetScanner(QObject* parent = nullptr);
  // Cancels a running check and waits for it (BackgroundJob).
  ~DatasetScanner() override;

  // Starts checking `root`. A check still running is cancelled and its result dropped, so only the
  // latest request is ever reported.
  void start(const QString& root);
  // Stops the running check early; it ends with cancelled().
  void cancel();
  bool isRunning() const;

 Q_SIGNALS:
  void started(const QString& root);
  // `done` of `total` cases validated.
  void progressed(int done, int total);
  void succeeded(const longmim::PairIndex& index);
  // `message` says what went wrong in words a user can act on ("/x: folder not found").
  void failed(const QString& root, const QString& message);
  void cancelled(const QString& root);
  // After succeeded / failed / cancelled: ok is true only for succeeded.
  void finished(bool ok);

 private:
  struct Outcome {
    std::optional<longmim::PairIndex> index;
    QString error;
  };

  void launch(const QString& root);
  void onWorkerFinished(Outcome outcome, bool wasCancelled);

  QString runningRoot_;
  std::optional<QString> pendingRoot_;  // requested while another check was running
  BackgroundJob<Outcome> job_;          // last: destroyed (and waited for) first
};

}  // namespace longmim::studio
