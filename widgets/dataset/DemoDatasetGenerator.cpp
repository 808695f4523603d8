#include "dataset/DemoDatasetGenerator.h"

#include <exception>
#include <string>

#include "Log.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"

namespace longmim::studio {

DemoDatasetGenerator::DemoDatasetGenerator(QObject* parent)
    : QObject(parent),
      job_(
          this,
          [this](const Outcome& outcome, bool cancelled) { onWorkerFinished(outcome, cancelled); },
          [this](int done, int total) { onProgress(done, total); }) {}

DemoDatasetGenerator::~DemoDatasetGenerator() = default;

void DemoDatasetGenerator::start(const QString& dir) {
  if (job_.isRunning()) {
    if (job_.isCancelling())
      pendingDir_ = dir;
    return;
  }
  launch(dir);
}

void DemoDatasetGenerator::cancel() {
  pendingDir_.reset();
  job_.cancel();
}

bool DemoDatasetGenerator::isRunning() const {
  return job_.isRunning();
}

bool DemoDatasetGenerator::isCancelling() const {
  return job_.isCancelling() && !pendingDir_;
}

void DemoDatasetGenerator::launch(const QString& dir) {
  runningDir_ = dir;
  lastDone_ = -1;
  const std::string path = dir.toStdString();
  job_.start([path](const JobContext& context) -> Outcome {
    Outcome outcome;
    try {
      // Constructed here, not on the GUI thread: it checks the folder and any earlier run's files.
      synth::DatasetSynthesizer synthesizer(synth::demoDatasetJob(path));
      const synth::SynthReport result = synthesizer.run(
          [&context](const synth::SynthProgress& p) { context.progress(p.done, p.total); },
          context.cancel());
      outcome.ok = true;
      outcome.generated = result.generated;
      outcome.skipped = result.skipped;
      outcome.seconds = result.seconds;
    } catch (const std::exception& e) {
      outcome.error =
          jobErrorMessage(e, QStringLiteral("unexpected error while generating pairs: "));
    }
    return outcome;
  });
  logInfo("Generating the demo dataset in " + path);
  Q_EMIT started(dir);
}

void DemoDatasetGenerator::onProgress(int done, int total) {
  // Reports overtaken by a later one (those of a cancelled run never arrive: BackgroundJob).
  if (pendingDir_ || done <= lastDone_)
    return;
  lastDone_ = done;
  Q_EMIT progressed(done, total);
}

void DemoDatasetGenerator::onWorkerFinished(const Outcome& outcome, bool wasCancelled) {
  const QString dir = runningDir_;
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
