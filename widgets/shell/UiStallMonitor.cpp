#include "shell/UiStallMonitor.h"

#include <algorithm>

namespace longmim::studio {

UiStallMonitor::UiStallMonitor(QObject* parent, int tickMs, double reportMs)
    : QObject(parent), reportMs_(reportMs) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(tickMs);
  connect(&timer_, &QTimer::timeout, this, &UiStallMonitor::tick);
}

void UiStallMonitor::start() {
  reset();
  timer_.start();
}

void UiStallMonitor::stop() {
  timer_.stop();
}

void UiStallMonitor::reset() {
  clock_.start();
  lastTickNs_ = 0;
  maxStallMs_ = 0.0;
  reportedStalls_ = 0;
  ticks_ = 0;
}

void UiStallMonitor::tick() {
  const qint64 now = clock_.nsecsElapsed();
  const double gapMs = double(now - lastTickNs_) / 1e6;
  lastTickNs_ = now;
  ++ticks_;
  const double stallMs = std::max(0.0, gapMs - double(timer_.interval()));
  maxStallMs_ = std::max(maxStallMs_, stallMs);
  if (stallMs >= reportMs_) {
    ++reportedStalls_;
    Q_EMIT stallDetected(stallMs);
  }
}

}  // namespace longmim::studio
