// Where a run's measurements go as they happen: metrics.csv in the run folder (every logged step,
// every epoch) and, when TENSORBOARD is on, the TensorBoard event file (scalars, the validation
// metrics and the live sample's four images). One writer per run, used from the training thread.
#pragma once

#include <memory>
#include <string>

#include "train/TrainerObserver.h"
#include "train/TrainingHistory.h"

namespace longmim {

class TensorBoardWriter;

class RunLog {
 public:
  // `tensorboardDir` empty: no TensorBoard events.
  RunLog(std::string runDir, const std::string& tensorboardDir);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // A resumed run: metrics.csv rewritten from the checkpoint's history (what came after it is
  // gone).
  void restart(const TrainingHistory& history);
  void step(const StepRecord& step);
  void epoch(const EpochRecord& record, const SamplePrediction& sample);
  // Makes what was logged visible to a live TensorBoard.
  void flush();

 private:
  std::string runDir_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;
};

}  // namespace longmim
