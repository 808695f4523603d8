// One piece of work at a time off the GUI thread, with cancel and progress: the skeleton the
// dataset check, the demo generation, the evaluation dialog and the runs panel's scan share. The
// work runs on Qt's thread pool (QtConcurrent) and gets a JobContext: a cancel flag and a progress
// callback it may call from any thread. Progress and the result come back on the owner's thread;
// progress of a job that has since been cancelled or replaced by a newer start() is dropped. The
// destructor cancels and waits, so the work never outlives the object it reports to: keep the job
// a member of its owner. (The viewer's PredictionWorker streams two results per job through a
// QPromise and keeps its own watcher.)
#pragma once

#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include "Error.h"

namespace longmim::studio {

// What the work sees.
struct JobContext {
  std::shared_ptr<const std::atomic<bool>> cancelFlag;
  std::function<void(size_t done, size_t total)> progress;  // callable from any thread

  const std::atomic<bool>* cancel() const { return cancelFlag.get(); }
  bool cancelled() const { return cancelFlag->load(); }
};

// The message of an exception from the work, as a user reads it: longmim::Error carries a message
// meant for the user; anything else is still reported, after `unexpected`, never swallowed.
inline QString jobErrorMessage(const std::exception& e, const QString& unexpected) {
  const QString what = QString::fromStdString(e.what());
  return dynamic_cast<const Error*>(&e) ? what : unexpected + what;
}

template <typename Result>
class BackgroundJob {
 public:
  using Work = std::function<Result(const JobContext&)>;
  // `cancelled`: cancel() was called while the job ran (the work may still have completed).
  using Finished = std::function<void(Result result, bool cancelled)>;
  using Progress = std::function<void(int done, int total)>;

  // `finished` and `progress` are called on `owner`'s thread.
  BackgroundJob(QObject* owner, Finished finished, Progress progress = {})
      : owner_(owner), finished_(std::move(finished)), progress_(std::move(progress)) {
    QObject::connect(&watcher_, &QFutureWatcher<Result>::finished, owner_,
                     [this] { onWatcherFinished(); });
  }
  ~BackgroundJob() {
    cancel();
    watcher_.disconnect();
    watcher_.waitForFinished();
  }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Runs `work`. Returns false, starting nothing, while a job runs (cancel it and start again
  // from `finished`, as the owners that replace a running job do).
  bool start(Work work) {
    if (isRunning())
      return false;
    auto flag = std::make_shared<std::atomic<bool>>(false);
    cancel_ = flag;
    const int generation = ++generation_;
    JobContext context;
    context.cancelFlag = flag;
    context.progress = [this, generation](size_t done, size_t total) {
      QMetaObject::invokeMethod(
          owner_,
          [this, generation, done, total] {
            if (generation == generation_ && !cancel_->load() && progress_)
              progress_(static_cast<int>(done), static_cast<int>(total));
          },
          Qt::QueuedConnection);
    };
    active_ = true;
    watcher_.setFuture(QtConcurrent::run(
        [work = std::move(work), context = std::move(context)]() { return work(context); }));
    return true;
  }

  // Asks the running job to stop; it ends with `finished(result, true)`.
  void cancel() {
    if (cancel_)
      cancel_->store(true);
  }
  // From start() until `finished` has been called.
  bool isRunning() const { return active_; }
  bool isCancelling() const { return active_ && cancel_->load(); }
  // Blocks until the running job has ended; its `finished` still comes through the event loop.
  void waitForFinished() { watcher_.waitForFinished(); }

 private:
  void onWatcherFinished() {
    const bool wasCancelled = cancel_ && cancel_->load();
    active_ = false;  // `finished` may start the next job
    finished_(watcher_.result(), wasCancelled);
  }

  QObject* owner_;
  Finished finished_;
  Progress progress_;
  QFutureWatcher<Result> watcher_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  int generation_ = 0;
  bool active_ = false;
};

}  // namespace longmim::studio
