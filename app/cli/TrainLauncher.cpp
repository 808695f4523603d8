#include "TrainLauncher.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "CliCommon.h"
#include "Error.h"
#include "dist/FreePort.h"

namespace longmim::cli {
namespace {

std::atomic<int> launcherInterrupts{0};
void onLauncherInterrupt(int) {
  ++launcherInterrupts;
}

int exitStatusOf(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

void WorkerObserver::message(LogLevel level, const std::string& text) {
  if (level == LogLevel::Info)
    return;  // rank 0 says what the run does
  std::cerr << "[worker " << rank_ << "] " << (level == LogLevel::Warning ? "warning: " : "error: ")
            << text << "\n";
}

int launchWorkers(const LaunchOptions& options, const QStringList& workerArguments) {
  LaunchOptions o = options;
  if (o.masterPort == 0) {
    if (o.nnodes > 1)
      throw UsageError("--master-port is needed when the run spans several machines (--nnodes)");
    o.masterPort = dist::freeLoopbackPort();
    if (o.masterPort == 0)
      throw Error(std::string("cannot find a free port for the workers: ") + std::strerror(errno));
  }
  const int world = o.nnodes * o.nproc;
  std::vector<std::string> arguments{"longmim"};
  for (const QString& a : workerArguments)
    arguments.push_back(a.toStdString());
  arguments.push_back("--set");
  arguments.push_back("NUM_THREADS=" + std::to_string(o.threadsPerWorker));
  std::vector<char*> argv;
  for (std::string& a : arguments)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::cout << "Starting " << o.nproc << " worker processes (ranks " << o.nodeRank * o.nproc << ".."
            << o.nodeRank * o.nproc + o.nproc - 1 << " of " << world << ", " << o.threadsPerWorker
            << " thread" << (o.threadsPerWorker == 1 ? "" : "s") << " each) with the group at "
            << o.masterAddress << ":" << o.masterPort << "\n"
            << std::flush;
  launcherInterrupts = 0;
  std::signal(SIGINT, onLauncherInterrupt);
  std::signal(SIGTERM, onLauncherInterrupt);
  std::map<pid_t, int> running;  // pid -> rank
  pid_t mainWorker = -1;
  for (int local = 0; local < o.nproc; ++local) {
    const int rank = o.nodeRank * o.nproc + local;
    const pid_t pid = ::fork();
    if (pid < 0)
      throw Error(std::string("cannot start a worker process: ") + std::strerror(errno));
    if (pid == 0) {
      // Its own process group: a Ctrl-C in the terminal reaches the launcher alone, which passes
      // it to rank 0; a launcher that dies takes its workers with it.
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(local).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      ::setenv("MASTER_ADDR", o.masterAddress.c_str(), 1);
      ::setenv("MASTER_PORT", std::to_string(o.masterPort).c_str(), 1);
      ::execv("/proc/self/exe", argv.data());
      std::cerr << "longmim: cannot start a worker: " << std::strerror(errno) << "\n";
      ::_exit(127);
    }
    running[pid] = rank;
    if (rank == 0)
      mainWorker = pid;
  }

  int result = 0;
  int seenInterrupts = 0;
  bool failed = false;
  std::chrono::steady_clock::time_point failedAt;
  while (!running.empty()) {
    while (seenInterrupts < launcherInterrupts.load()) {
      ++seenInterrupts;
      const pid_t target = running.count(mainWorker) ? mainWorker : running.begin()->first;
      ::kill(target, SIGINT);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running.count(pid)) {
      const int rank = running[pid];
      running.erase(pid);
      const int code = exitStatusOf(status);
      if (rank == 0 || (result == 0 && code != 0))
        result = code != 0 ? code : result;
      if (code != 0 && code != 130 && !failed && !running.empty()) {
        failed = true;
        failedAt = std::chrono::steady_clock::now();
        std::cerr << "longmim: worker " << rank << " exited with status " << code
                  << "; stopping the other workers\n";
        for (const auto& [other, otherRank] : running)
          ::kill(other, SIGTERM);
      }
      continue;
    }
    if (failed && std::chrono::steady_clock::now() - failedAt > std::chrono::seconds(30)) {
      for (const auto& [other, otherRank] : running)
        ::kill(other, SIGKILL);  // a worker that did not stop within 30 s
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return result;
}

}  // namespace longmim::cli
