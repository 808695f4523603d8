// Reads a pair's images and predicts its difference map off the GUI thread, one request at a
// time, with one Predictor kept per checkpoint; only the latest request's results are reported.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

#include "infer/Predictor.h"
#include "io/Image2D.h"
#include "io/RadiographIO.h"

namespace longmim::studio {

// The files of one pair; `groundTruth` may be empty.
struct PairFiles {
  QString prior;
  QString current;
  QString groundTruth;
};

// A pair's images as stored (no resizing, no normalisation).
struct LoadedPair {
  Image2D baseline;
  Image2D followup;
  std::optional<Image2D> groundTruth;
  RadiographInfo baselineInfo;  // format, date, the file's window
  RadiographInfo followupInfo;
};

class PredictionWorker : public QObject {
  Q_OBJECT

 public:
  explicit PredictionWorker(QObject* parent = nullptr);
  // Waits for the request in progress (a prediction cannot be interrupted) without reporting it.
  ~PredictionWorker() override;

  // The checkpoint later requests predict with; it is loaded once, by the first of them. Empty:
  // requests only read images. A checkpoint that fails to load is reported and then forgotten.
  void setCheckpoint(const QString& path);
  // Compute threads of the jobs from now on (0: the process's setting). The studio uses 1 while a
  // run trains: see setThisThreadComputeThreads() in core/ComputeThreads.h.
  void setComputeThreads(int threads) { computeThreads_ = threads; }
  int computeThreads() const { return computeThreads_; }
  QString checkpoint() const { return checkpoint_; }

  // Reads the pair and, with a checkpoint and `predict`, predicts it. Replaces any request not
  // started yet and makes the results of earlier ones stale (dropped). Returns its number.
  int request(const PairFiles& files, bool predict = true);
  // Makes every request made so far stale, e.g. when the viewer shows something else.
  void dropAll();
  int latestRequest() const { return latest_; }
  // A request is running or waiting.
  bool isBusy() const;

 Q_SIGNALS:
  void pairLoaded(int request, const longmim::studio::LoadedPair& pair);
  void predictionReady(int request, const longmim::Prediction& prediction);
  // `message` names the file at fault.
  void failed(int request, const QString& message);
  void busyChanged(bool busy);

 private:
  struct Job {
    int request = 0;
    PairFiles files;
    QString checkpoint;  // empty: no prediction
    int checkpointGeneration = 0;
    std::shared_ptr<const Predictor> predictor;  // already loaded for `checkpoint`, or null
    int computeThreads = 0;
  };
  struct Outcome {
    enum class Kind { Loaded, Predicted, Failed } kind = Kind::Failed;
    int request = 0;
    LoadedPair pair;
    Prediction prediction;
    QString error;
    int checkpointGeneration = 0;
    std::shared_ptr<const Predictor> predictor;  // loaded or reused for the job's checkpoint
    bool checkpointFailed = false;
  };

  static void run(QPromise<Outcome>& promise, const Job& job);
  void start(Job job);
  void onResult(const Outcome& outcome);
  void onFinished();
  void setBusy(bool busy);

  // One watcher per job: a reused watcher could still deliver a finished job's results while
  // already watching the next job.
  QFutureWatcher<Outcome>* running_ = nullptr;
  std::optional<Job> pending_;  // the latest request while another runs
  QString checkpoint_;
  int checkpointGeneration_ = 0;  // tells a model loaded for an earlier setCheckpoint() apart
  int computeThreads_ = 0;
  std::shared_ptr<const Predictor> predictor_;
  int latest_ = 0;
  bool busy_ = false;
};

}  // namespace longmim::studio
