#include "training/TrainingSession.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QMetaObject>
#include <QThread>
#include <algorithm>
#include <mutex>
#include <thread>

#include "RunFigures.h"
#include "dist/FreePort.h"
#include "train/Trainer.h"
#include "training/HistoryModel.h"
#include "training/WorkerProcesses.h"

namespace longmim::studio {

namespace {

// The trainer's threads (and the compute threads they start, which inherit it) yield to the GUI
// thread: on a 2-core machine the window would otherwise wait behind full-speed compute. Costs
// nothing measurable when the GUI is idle.
constexpr int kTrainerNiceness = 10;

void lowerThisThreadPriority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  ::setpriority(PRIO_PROCESS, tid, kTrainerNiceness);  // best effort: failure only costs latency
}

}  // namespace

// Collects the trainer's callbacks (trainer thread) until the session delivers them (GUI thread).
class TrainingSession::Relay : public longmim::TrainerObserver {
 public:
  struct Batch {
    int epoch = 0;
    int batch = 0;
    int batches = 0;
    double samplesPerSecond = 0.0;
  };
  struct Pending {
    std::optional<longmim::RunInfo> started;
    std::vector<longmim::StepRecord> steps;
    std::vector<longmim::EditRecord> edits;
    struct Epoch {
      longmim::EpochRecord record;
      int bestEpoch = 0;
    };
    std::vector<Epoch> epochs;
    std::optional<longmim::SamplePrediction> sample;  // only the newest matters
    std::vector<std::pair<std::string, longmim::CheckpointKind>> checkpoints;
    std::vector<std::pair<longmim::LogLevel, std::string>> messages;
    std::vector<longmim::TrainerState> states;
    std::optional<Batch> batch;
    std::optional<int> epochStarted;  // batches of the epoch
    std::optional<bool> validating;
    std::optional<longmim::RunResult> result;
  };

  explicit Relay(TrainingSession* session) : session_(session) {}

  Pending take() {
    std::lock_guard<std::mutex> lock(mutex_);
    urgentQueued_ = false;
    Pending out = std::move(pending_);
    pending_ = Pending{};
    return out;
  }

  void runStarted(const longmim::RunInfo& info) override {
    update([&](Pending& p) { p.started = info; }, true);
  }
  void epochStarted(int epoch, int, int batches) override {
    update(
        [&](Pending& p) {
          p.epochStarted = batches;
          p.validating = false;
          p.batch = Batch{epoch, 0, batches, p.batch ? p.batch->samplesPerSecond : 0.0};
        },
        false);
  }
  void batchDone(int epoch, int batch, int batches, double samplesPerSecond) override {
    update([&](Pending& p) { p.batch = Batch{epoch, batch, batches, samplesPerSecond}; }, false);
  }
  void stepLogged(const longmim::StepRecord& step) override {
    update([&](Pending& p) { p.steps.push_back(step); }, false);
  }
  void validationStarted(int, int) override {
    update([&](Pending& p) { p.validating = true; }, false);
  }
  void epochFinished(const longmim::EpochRecord& epoch,
                     const longmim::TrainingHistory& history) override {
    update(
        [&](Pending& p) {
          p.epochs.push_back({epoch, history.bestEpoch});
          p.validating = false;
        },
        true);
  }
  void samplePrediction(const longmim::SamplePrediction& sample) override {
    update([&](Pending& p) { p.sample = sample; }, true);
  }
  void checkpointSaved(const std::string& path, longmim::CheckpointKind kind) override {
    update([&](Pending& p) { p.checkpoints.emplace_back(path, kind); }, true);
  }
  void stateChanged(longmim::TrainerState state) override {
    update([&](Pending& p) { p.states.push_back(state); }, true);
  }
  void hyperparameterEdited(const longmim::EditRecord& edit) override {
    update([&](Pending& p) { p.edits.push_back(edit); }, true);
  }
  void message(longmim::LogLevel level, const std::string& text) override {
    update([&](Pending& p) { p.messages.emplace_back(level, text); }, false);
  }
  void runFinished(const longmim::RunResult& result) override {
    update([&](Pending& p) { p.result = result; }, true);
  }

 private:
  // Urgent events (state, epochs, checkpoints) are delivered at once; the rest waits for the
  // session's flush timer. At most one queued delivery is outstanding at any time.
  template <typename F>
  void update(F&& change, bool urgent) {
    bool queue = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      change(pending_);
      if (urgent && !urgentQueued_) {
        urgentQueued_ = true;
        queue = true;
      }
    }
    if (queue)
      QMetaObject::invokeMethod(
          session_, [s = session_] { s->flush(); }, Qt::QueuedConnection);
  }

  TrainingSession* session_;
  std::mutex mutex_;
  Pending pending_;
  bool urgentQueued_ = false;
};

TrainingSession::TrainingSession(QObject* parent)
    : QObject(parent),
      historyModel_(new HistoryModel(this)),
      workerProcesses_(new WorkerProcesses(this)) {
  connect(workerProcesses_, &WorkerProcesses::workerFailed, this, [this](const QString& message) {
    Q_EMIT messageLogged(longmim::LogLevel::Error, message);
  });
  flushTimer_.setInterval(100);
  connect(&flushTimer_, &QTimer::timeout, this, &TrainingSession::flush);
}

const longmim::TrainingHistory& TrainingSession::history() const {
  return historyModel_->history();
}

TrainingSession::~TrainingSession() {
  if (thread_) {
    abort();
    thread_->wait();
    delete thread_;
  }
}

bool TrainingSession::start(const longmim::TrainingConfig& config,
                            const QString& resumeCheckpoint) {
  if (active_)
    return false;
  if (thread_) {  // the previous run's thread has ended (finished() was emitted)
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
  }
  config_ = config;
  info_ = {};
  historyModel_->clear();
  historyModel_->clearComparison();  // a run starts on its own curves
  progress_ = {};
  progress_.epochs = config.epochs;
  result_.reset();
  lastCheckpoint_.clear();
  lastEpochSeconds_ = 0.0;
  relay_ = std::make_unique<Relay>(this);
  longmim::TrainerOptions options{config, resumeCheckpoint.toStdString(), true, {}};
  if (workers_ > 1) {
    // This trainer is rank 0; the others share the cores with it.
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    options.config.numThreads = std::max(1, cores / workers_);
    const int port = longmim::dist::freeLoopbackPort();
    QString error;
    if (!workerProcesses_->start(options.config, resumeCheckpoint, workers_, port, &error)) {
      Q_EMIT messageLogged(longmim::LogLevel::Error, error);
      return false;
    }
    options.world.rank = 0;
    options.world.worldSize = workers_;
    options.world.masterAddress = "127.0.0.1";
    options.world.masterPort = port;
    options.world.timeoutSeconds = 120;
  }
  trainer_ = std::make_unique<longmim::Trainer>(std::move(options), relay_.get());
  active_ = true;
  state_ = longmim::TrainerState::Preparing;
  sessionClock_.start();

  longmim::Trainer* trainer = trainer_.get();
  // What escaped run() (it should not: run() reports failures through runFinished); written by
  // the thread before it finishes, read after its finished() signal.
  auto escaped = std::make_shared<QString>();
  thread_ = QThread::create([trainer, escaped] {
    lowerThisThreadPriority();
    try {
      trainer->run();
    } catch (const std::exception& e) {
      *escaped = QString::fromStdString(e.what());
    } catch (...) {
      *escaped = QStringLiteral("an exception of unknown type");
    }
  });
  thread_->setObjectName(QStringLiteral("trainer"));
  // The thread's finished() is queued to this object and can arrive after the next start() has
  // deleted the thread; only the run that is still the current one may be ended by it.
  const quint64 run = ++runGeneration_;
  connect(thread_, &QThread::finished, this, [this, run, escaped] {
    if (run != runGeneration_)
      return;
    flush();
    // A trainer that threw past run() (it should not) still ends the session cleanly.
    if (active_) {
      longmim::RunResult lost;
      lost.outcome = longmim::RunOutcome::Failed;
      lost.failure = longmim::FailureKind::Other;
      lost.message = escaped->isEmpty() ? std::string("the training thread ended without a result")
                                        : "the training thread ended with an unexpected error: " +
                                              escaped->toStdString();
      result_ = lost;
      active_ = false;
      flushTimer_.stop();
      workerProcesses_->stop();
      Q_EMIT finished(lost);
    }
  });
  flushTimer_.start();
  thread_->start();
  Q_EMIT stateChanged(state_);
  return true;
}

void TrainingSession::pause() {
  if (active_)
    trainer_->post(longmim::TrainerCommand(longmim::TrainerCommand::Kind::Pause));
}

void TrainingSession::continueRun() {
  if (active_)
    trainer_->post(longmim::TrainerCommand(longmim::TrainerCommand::Kind::Continue));
}

void TrainingSession::stopAfterStep() {
  if (active_)
    trainer_->post(longmim::TrainerCommand(longmim::TrainerCommand::Kind::StopAfterStep));
}

void TrainingSession::stopAfterEpoch() {
  if (active_)
    trainer_->post(longmim::TrainerCommand(longmim::TrainerCommand::Kind::StopAfterEpoch));
}

void TrainingSession::abort() {
  if (active_)
    trainer_->post(longmim::TrainerCommand(longmim::TrainerCommand::Kind::Abort));
}

void TrainingSession::editHyperparameter(const QString& key, const nlohmann::json& value) {
  if (active_) {
    trainer_->post(
        longmim::TrainerCommand::edit(key.toStdString(), value, "the studio's live edit"));
  }
}

bool TrainingSession::waitForFinished(int msecs) {
  if (!thread_)
    return true;
  const bool ended = thread_->wait(QDeadlineTimer(msecs));
  flush();
  return ended;
}

void TrainingSession::updateEta() {
  const int epochs = progress_.epochs;
  const int batches = std::max(progress_.batches, 1);
  const double fractionLeftOfEpoch =
      progress_.validating ? 0.0 : 1.0 - double(progress_.batch) / batches;
  if (lastEpochSeconds_ > 0.0) {
    progress_.etaSeconds =
        (std::max(0, epochs - progress_.epoch) + fractionLeftOfEpoch) * lastEpochSeconds_;
    return;
  }
  // Before the first epoch of this session ends: extrapolate from the batches done so far.
  const int startEpoch = std::max(info_.startEpoch, 1);
  const double done = double(progress_.epoch - startEpoch) * batches + progress_.batch;
  if (done < 1.0 || progress_.epoch < startEpoch) {
    progress_.etaSeconds = -1.0;
    return;
  }
  const double perBatch = double(sessionClock_.elapsed()) / 1000.0 / done;
  const double left =
      (std::max(0, epochs - progress_.epoch) + fractionLeftOfEpoch) * double(batches);
  progress_.etaSeconds = left * perBatch;
}

void TrainingSession::flush() {
  if (!relay_ || flushing_)
    return;
  flushing_ = true;  // a slot below must not re-enter through waitForFinished()
  Relay::Pending p = relay_->take();

  if (p.started) {
    info_ = *p.started;
    historyModel_->reset(info_.history);  // a resumed run's past
    historyModel_->setCaption(runCaption(config_, info_.runName));
    progress_.epochs = info_.epochs;
    progress_.batches = info_.batchesPerEpoch;
    progress_.epoch = info_.startEpoch;
    Q_EMIT runStarted(info_);
  }
  if (!p.edits.empty()) {
    for (const longmim::EditRecord& e : p.edits) {
      historyModel_->appendEdit(e);
      Q_EMIT hyperparameterEdited(e);
    }
  }
  if (!p.steps.empty()) {
    historyModel_->appendSteps(p.steps);
    Q_EMIT stepsLogged(p.steps);
  }
  for (const Relay::Pending::Epoch& e : p.epochs) {
    historyModel_->appendEpoch(e.record, e.bestEpoch);
    lastEpochSeconds_ = e.record.seconds;
    Q_EMIT epochFinished(e.record, e.bestEpoch);
  }
  for (const auto& [path, kind] : p.checkpoints) {
    lastCheckpoint_ = QString::fromStdString(path);
    Q_EMIT checkpointSaved(lastCheckpoint_, kind);
  }
  if (p.sample)
    Q_EMIT samplePredicted(*p.sample);
  for (const auto& [level, text] : p.messages)
    Q_EMIT messageLogged(level, QString::fromStdString(text));
  for (longmim::TrainerState s : p.states) {
    if (s == state_)
      continue;
    state_ = s;
    Q_EMIT stateChanged(s);
  }
  if (p.batch || p.epochStarted || p.validating) {
    if (p.batch) {
      progress_.epoch = p.batch->epoch;
      progress_.batch = p.batch->batch;
      progress_.batches = p.batch->batches;
      if (p.batch->samplesPerSecond > 0.0)
        progress_.samplesPerSecond = p.batch->samplesPerSecond;
    }
    if (p.validating)
      progress_.validating = *p.validating;
    updateEta();
    Q_EMIT progressChanged(progress_);
  }
  if (p.result) {
    result_ = *p.result;
    if (!p.result->lastCheckpoint.empty())
      lastCheckpoint_ = QString::fromStdString(p.result->lastCheckpoint);
    if (!p.result->runDir.empty())
      info_.runDir = p.result->runDir;
    active_ = false;
    flushTimer_.stop();
    if (state_ != longmim::TrainerState::Finished) {
      state_ = longmim::TrainerState::Finished;
      Q_EMIT stateChanged(state_);
    }
    flushing_ = false;
    workerProcesses_->stop();  // they end with rank 0 (a stop reaches them through the group)
    Q_EMIT finished(*result_);
    return;
  }
  flushing_ = false;
}

}  // namespace longmim::studio
