// `longmim train --nproc N`: this machine's share of a data-parallel run, as torchrun starts it --
// N copies of this program as worker processes (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT in their environment), Ctrl-C passed to rank 0 (which stops every worker at the
// same batch with one checkpoint), and the others stopped when one of them fails.
#pragma once

#include <QStringList>

#include <string>

#include "train/TrainerObserver.h"

namespace longmim::cli {

struct LaunchOptions {
  int nproc = 1;
  int nnodes = 1;
  int nodeRank = 0;
  std::string masterAddress = "127.0.0.1";
  int masterPort = 0;  // 0: a free port (one machine only)
  int threadsPerWorker = 1;
};

// Runs `longmim <workerArguments> --set NUM_THREADS=<threadsPerWorker>` N times and waits for all;
// returns rank 0's exit status (or the first failing worker's).
int launchWorkers(const LaunchOptions& options, const QStringList& workerArguments);

// What a worker other than rank 0 prints: its warnings and errors, prefixed "[worker R]".
class WorkerObserver : public TrainerObserver {
 public:
  explicit WorkerObserver(int rank) : rank_(rank) {}
  void message(LogLevel level, const std::string& text) override;

 private:
  int rank_;
};

}  // namespace longmim::cli
