// A one-line terminal progress bar with rate and ETA, redrawn at most a few times per second.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace longmim::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("pairs"). Draws only when stderr is a terminal.
  explicit ProgressBar(std::string unit);
  ~ProgressBar();

  // Thread-safe. `done` out of `total`; `baseline` items were done before timing started (they
  // do not count towards the rate).
  void update(size_t done, size_t total, size_t baseline = 0);
  void finish();

 private:
  void draw(size_t done, size_t total, size_t baseline, bool force);

  std::string unit_;
  bool enabled_;
  bool finished_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point lastDraw_;
};

}  // namespace longmim::cli
