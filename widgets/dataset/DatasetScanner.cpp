#include "dataset/DatasetScanner.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <string>

#include "Error.h"
#include "Log.h"
#include "common/CaseCountText.h"

namespace longmim::studio {

DatasetScanner::DatasetScanner(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &DatasetScanner::onWorkerFinished);
}

DatasetScanner::~DatasetScanner() {
  cancel_ = true;
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

void DatasetScanner::start(const QString& root) {
  if (watcher_.isRunning()) {
    pendingRoot_ = root;
    cancel_ = true;
    return;
  }
  launch(root);
}

void DatasetScanner::cancel() {
  pendingRoot_.reset();
  if (watcher_.isRunning())
    cancel_ = true;
}

bool DatasetScanner::isRunning() const {
  return watcher_.isRunning();
}

void DatasetScanner::launch(const QString& root) {
  cancel_ = false;
  runningRoot_ = root;
  const int generation = ++generation_;

  ScanOptions options;
  options.cancel = &cancel_;
  // Called from the scan's worker threads: hop to the GUI thread before touching anything.
  options.progress = [this, generation](size_t done, size_t total) {
    QMetaObject::invokeMethod(
        this,
        [this, generation, done, total] {
          // Drop progress of a check that a newer request has replaced or is replacing.
          if (generation == generation_ && !pendingRoot_)
            Q_EMIT progressed(static_cast<int>(done), static_cast<int>(total));
        },
        Qt::QueuedConnection);
  };

  const std::string path = root.toStdString();
  watcher_.setFuture(QtConcurrent::run([path, options]() -> Outcome {
    Outcome outcome;
    try {
      outcome.index = PairIndex::scan(path, options);
    } catch (const std::exception& e) {
      // longmim::Error carries a message meant for the user; anything else is still reported,
      // never swallowed.
      outcome.error = QString::fromStdString(e.what());
      if (!dynamic_cast<const Error*>(&e))
        outcome.error.prepend(QStringLiteral("unexpected error while checking the dataset: "));
    }
    return outcome;
  }));
  Q_EMIT started(root);
}

void DatasetScanner::onWorkerFinished() {
  const Outcome outcome = watcher_.result();
  const QString root = runningRoot_;
  const bool wasCancelled = cancel_.load();

  if (pendingRoot_) {
    // Superseded by a newer request: its result no longer matters.
    const QString next = *pendingRoot_;
    pendingRoot_.reset();
    launch(next);
    return;
  }
  if (wasCancelled && !outcome.index) {
    logInfo("Check of " + root.toStdString() + " cancelled");
    Q_EMIT cancelled(root);
    Q_EMIT finished(false);
    return;
  }
  if (!outcome.index) {
    logMessage(LogLevel::Error, outcome.error.toStdString());
    Q_EMIT failed(root, outcome.error);
    Q_EMIT finished(false);
    return;
  }
  const PairIndex& index = *outcome.index;
  logInfo("Checked " + index.root() + ": " +
          caseCountText(index.validCount(), index.invalidCount()).toStdString());
  Q_EMIT succeeded(index);
  Q_EMIT finished(true);
}

}  // namespace longmim::studio
