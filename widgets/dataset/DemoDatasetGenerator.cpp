#include "dataset/DemoDatasetGenerator.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <string>

#include "Error.h"
#include "Log.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"

namespace longmim::studio {

DemoDatasetGenerator::DemoDatasetGenerator(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this,
          &DemoDatasetGenerator::onWorkerFinished);
}

DemoDatasetGenerator::~DemoDatasetGenerator() {
  cancel_ = true;
  watcher_.disconnect(this);
  watcher_.waitForFinished();
}

void DemoDatasetGenerator::start(const QString& dir) {
  if (watcher_.isRunning()) {
    if (cancel_)
      pendingDir_ = dir;
    return;
  }
  launch(dir);
}

void DemoDatasetGenerator::cancel() {
  pendingDir_.reset();
  if (watcher_.isRunning())
    cancel_ = true;
}

bool DemoDatasetGenerator::isRunning() const {
  return watcher_.isRunning();
}

bool DemoDatasetGenerator::isCancelling() const {
  return watcher_.isRunning() && cancel_ && !pendingDir_;
}

void DemoDatasetGenerator::launch(const QString& dir) {
  cancel_ = false;
  runningDir_ = dir;
  lastDone_ = -1;
  const int generation = ++generation_;

  // Called from the synthesizer's worker threads: hop to the GUI thread before touching anything.
  const auto report = [this, generation](size_t done, size_t total) {
    QMetaObject::invokeMethod(
        this,
        [this, generation, done, total] {
          onProgress(generation, static_cast<int>(done), static_cast<int>(total));
        },
        Qt::QueuedConnection);
  };

  const std::string path = dir.toStdString();
  watcher_.setFuture(QtConcurrent::run([this, path, report]() -> Outcome {
    Outcome outcome;
    try {
      // Constructed here, not on the GUI thread: it checks the folder and any earlier run's files.
      synth::DatasetSynthesizer synthesizer(synth::demoDatasetJob(path));
      const synth::SynthReport result = synthesizer.run(
          [&report](const synth::SynthProgress& p) { report(p.done, p.total); }, &cancel_);
      outcome.ok = true;
      outcome.generated = result.generated;
      outcome.skipped = result.skipped;
      outcome.seconds = result.seconds;
    } catch (const std::exception& e) {
      // longmim::Error carries a message meant for the user; anything else is still reported,
      // never swallowed.
      outcome.error = QString::fromStdString(e.what());
      if (!dynamic_cast<const Error*>(&e))
        outcome.error.prepend(QStringLiteral("unexpected error while generating pairs: "));
    }
    return outcome;
  }));
  logInfo("Generating the demo dataset in " + path);
  Q_EMIT started(dir);
}

void DemoDatasetGenerator::onProgress(int generation, int done, int total) {
  // Drop progress of a run that was cancelled and replaced, and reports overtaken by a later one.
  if (generation != generation_ || pendingDir_ || done <= lastDone_)
    return;
  lastDone_ = done;
  Q_EMIT progressed(done, total);
}

void DemoDatasetGenerator::onWorkerFinished() {
  const Outcome outcome = watcher_.result();
  const QString dir = runningDir_;
  const bool wasCancelled = cancel_.load();
  runningDir_.clear();

  if (pendingDir_) {
    // Requested again while the cancelled run was stopping: continue where it stopped.
    const QString next = *pendingDir_;
    pendingDir_.reset();
    launch(next);
    return;
  }
  if (wasCancelled && !outcome.ok) {
    logInfo("Generation of the demo dataset in " + dir.toStdString() +
            " cancelled; its complete pairs are kept and the next start continues from them");
    Q_EMIT cancelled();
    return;
  }
  if (!outcome.ok) {
    logMessage(LogLevel::Error,
               "could not generate the demo dataset: " + outcome.error.toStdString());
    Q_EMIT failed(outcome.error);
    return;
  }
  std::string summary = "Generated the demo dataset in " + dir.toStdString() + ": " +
                        std::to_string(outcome.generated) + " pairs in " +
                        QString::number(outcome.seconds, 'f', 1).toStdString() + " s";
  if (outcome.skipped > 0)
    summary += " (" + std::to_string(outcome.skipped) + " were already there)";
  logInfo(summary);
  Q_EMIT finished(dir);
}

}  // namespace longmim::studio
