#include "viewer/PredictionWorker.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "ComputeThreads.h"
#include "io/RadiographIO.h"

namespace longmim::studio {
namespace {

QString describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  } catch (...) {
    return QStringLiteral("unknown error");
  }
}

}  // namespace

PredictionWorker::PredictionWorker(QObject* parent) : QObject(parent) {}

PredictionWorker::~PredictionWorker() {
  if (running_) {
    running_->disconnect(this);
    running_->waitForFinished();
  }
}

void PredictionWorker::setCheckpoint(const QString& path) {
  // Even the same path is loaded again: training overwrites the best checkpoint in place.
  checkpoint_ = path;
  ++checkpointGeneration_;
  predictor_.reset();
}

int PredictionWorker::request(const PairFiles& files, bool predict) {
  Job job;
  job.request = ++latest_;
  job.files = files;
  job.computeThreads = computeThreads_;
  if (predict && !checkpoint_.isEmpty()) {
    job.checkpoint = checkpoint_;
    job.checkpointGeneration = checkpointGeneration_;
  }
  pending_ = std::move(job);  // replaces an older waiting request: it is of no use any more
  if (!running_) {
    start(std::move(*pending_));
    pending_.reset();
  }
  setBusy(true);
  return latest_;
}

void PredictionWorker::dropAll() {
  ++latest_;
  pending_.reset();
  setBusy(running_ != nullptr);
}

bool PredictionWorker::isBusy() const {
  return busy_;
}

void PredictionWorker::start(Job job) {
  // The model loaded by an earlier request for the same checkpoint is reused.
  if (!job.checkpoint.isEmpty() && job.checkpointGeneration == checkpointGeneration_)
    job.predictor = predictor_;
  auto* watcher = new QFutureWatcher<Outcome>(this);
  running_ = watcher;
  connect(watcher, &QFutureWatcher<Outcome>::resultReadyAt, this,
          [this, watcher](int index) { onResult(watcher->resultAt(index)); });
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
    watcher->deleteLater();
    running_ = nullptr;
    onFinished();
  });
  watcher->setFuture(QtConcurrent::run(&PredictionWorker::run, std::move(job)));
}

void PredictionWorker::run(QPromise<Outcome>& promise, const Job& job) {
  // Pool threads are reused: each job sets its own count.
  setThisThreadComputeThreads(job.computeThreads);
  Outcome loaded;
  loaded.kind = Outcome::Kind::Loaded;
  loaded.request = job.request;
  const std::string prior = job.files.prior.toStdString();
  const std::string current = job.files.current.toStdString();
  const std::string truth = job.files.groundTruth.toStdString();
  try {
    Radiograph baseline = readRadiograph(prior);
    Radiograph followup = readRadiograph(current);
    loaded.pair.baseline = std::move(baseline.image);
    loaded.pair.baselineInfo = std::move(baseline.info);
    loaded.pair.followup = std::move(followup.image);
    loaded.pair.followupInfo = std::move(followup.info);
    if (!truth.empty())
      loaded.pair.groundTruth = readAnyImage2D(truth);
  } catch (...) {
    Outcome failure;
    failure.request = job.request;
    failure.error = describe(std::current_exception());
    promise.addResult(std::move(failure));
    return;
  }
  promise.addResult(std::move(loaded));
  if (job.checkpoint.isEmpty())
    return;

  Outcome predicted;
  predicted.request = job.request;
  predicted.checkpointGeneration = job.checkpointGeneration;
  std::shared_ptr<const Predictor> predictor = job.predictor;
  try {
    if (!predictor)
      predictor = std::make_shared<const Predictor>(job.checkpoint.toStdString());
  } catch (...) {
    predicted.error = QStringLiteral("Cannot predict: %1").arg(describe(std::current_exception()));
    predicted.checkpointFailed = true;
    promise.addResult(std::move(predicted));
    return;
  }
  predicted.predictor = predictor;
  try {
    predicted.prediction = predictor->predictFiles(prior, current, truth);
    predicted.kind = Outcome::Kind::Predicted;
  } catch (...) {
    predicted.error =
        QStringLiteral("Prediction failed: %1").arg(describe(std::current_exception()));
  }
  promise.addResult(std::move(predicted));
}

void PredictionWorker::onResult(const Outcome& outcome) {
  // Whichever request it served, a model loaded for the current checkpoint is kept for the next.
  const bool currentCheckpoint =
      outcome.checkpointGeneration == checkpointGeneration_ && !checkpoint_.isEmpty();
  if (currentCheckpoint && outcome.predictor)
    predictor_ = outcome.predictor;
  if (currentCheckpoint && outcome.checkpointFailed) {
    checkpoint_.clear();
    if (pending_)
      pending_->checkpoint.clear();
    // The checkpoint concerns the requests after this one too: reported even when it is stale.
    Q_EMIT failed(latest_, outcome.error);
    return;
  }
  if (outcome.request != latest_)
    return;
  switch (outcome.kind) {
    case Outcome::Kind::Loaded:
      Q_EMIT pairLoaded(outcome.request, outcome.pair);
      break;
    case Outcome::Kind::Predicted:
      Q_EMIT predictionReady(outcome.request, outcome.prediction);
      break;
    case Outcome::Kind::Failed:
      Q_EMIT failed(outcome.request, outcome.error);
      break;
  }
}

void PredictionWorker::onFinished() {
  if (pending_) {
    Job job = std::move(*pending_);
    pending_.reset();
    start(std::move(job));
    return;
  }
  setBusy(false);
}

void PredictionWorker::setBusy(bool busy) {
  if (busy == busy_)
    return;
  busy_ = busy;
  Q_EMIT busyChanged(busy);
}

}  // namespace longmim::studio
