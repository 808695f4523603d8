#include "dataset/DatasetScanner.h"

#include <exception>
#include <string>

#include "Log.h"
#include "common/CaseCountText.h"

namespace longmim::studio {

DatasetScanner::DatasetScanner(QObject* parent)
    : QObject(parent),
      job_(
          this, [this](Outcome outcome, bool cancelled) { onWorkerFinished(outcome, cancelled); },
          [this](int done, int total) { Q_EMIT progressed(done, total); }) {}

DatasetScanner::~DatasetScanner() = default;

void DatasetScanner::start(const QString& root) {
  if (job_.isRunning()) {
    pendingRoot_ = root;  // the running check's result no longer matters
    job_.cancel();
    return;
  }
  launch(root);
}

void DatasetScanner::cancel() {
  pendingRoot_.reset();
  job_.cancel();
}

bool DatasetScanner::isRunning() const {
  return job_.isRunning();
}

void DatasetScanner::launch(const QString& root) {
  runningRoot_ = root;
  const std::string path = root.toStdString();
  job_.start([path](const JobContext& context) -> Outcome {
    ScanOptions options;
    options.cancel = context.cancel();
    options.progress = context.progress;
    Outcome outcome;
    try {
      outcome.index = PairIndex::scan(path, options);
    } catch (const std::exception& e) {
      outcome.error =
          jobErrorMessage(e, QStringLiteral("unexpected error while checking the dataset: "));
    }
    return outcome;
  });
  Q_EMIT started(root);
}

void DatasetScanner::onWorkerFinished(Outcome outcome, bool wasCancelled) {
  const QString root = runningRoot_;

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
