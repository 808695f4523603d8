#include "ProgressBar.h"

#include <cstdio>

#include "CliCommon.h"

namespace longmim::cli {

ProgressBar::ProgressBar(std::string unit)
    : unit_(std::move(unit)),
      enabled_(stderrIsTerminal()),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(size_t done, size_t total, size_t baseline) {
  std::lock_guard<std::mutex> lock(mutex_);
  draw(done, total, baseline, done == total);
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (enabled_ && !finished_)
    std::fputc('\n', stderr);
  finished_ = true;
}

void ProgressBar::draw(size_t done, size_t total, size_t baseline, bool force) {
  if (!enabled_ || finished_)
    return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - lastDraw_ < std::chrono::milliseconds(200))
    return;
  lastDraw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 && done > baseline ? (done - baseline) / elapsed : 0.0;
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(width, '-');
  char eta[32] = "--:--";
  if (rate > 0 && done < total) {
    const int seconds = static_cast<int>((total - done) / rate + 0.5);
    std::snprintf(eta, sizeof(eta), "%d:%02d", seconds / 60, seconds % 60);
  } else if (done == total) {
    std::snprintf(eta, sizeof(eta), "0:00");
  }
  std::fprintf(stderr, "\r[%s] %zu/%zu %s  %.2f %s/s  ETA %s\033[K", bar.c_str(), done, total,
               unit_.c_str(), rate, unit_.c_str(), eta);
  std::fflush(stderr);
}

}  // namespace longmim::cli
