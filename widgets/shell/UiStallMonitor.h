// Measures how long the GUI thread's event loop goes without running: a precise timer on that
// thread ticks every few milliseconds, and any gap beyond the tick is time the window was frozen.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace longmim::studio {

class UiStallMonitor : public QObject {
  Q_OBJECT

 public:
  // `tickMs`: how finely stalls are resolved; `reportMs`: stalls at least this long are signalled.
  explicit UiStallMonitor(QObject* parent = nullptr, int tickMs = 5, double reportMs = 50.0);

  void start();
  void stop();
  void reset();  // forgets the measurements, keeps running
  bool isRunning() const { return timer_.isActive(); }

  // The longest time, in milliseconds, the event loop did not run beyond one tick.
  double maxStallMs() const { return maxStallMs_; }
  // How many stalls reached the report threshold.
  int reportedStalls() const { return reportedStalls_; }
  qint64 ticks() const { return ticks_; }

 Q_SIGNALS:
  void stallDetected(double milliseconds);

 private:
  void tick();

  QTimer timer_;
  QElapsedTimer clock_;
  double reportMs_;
  qint64 lastTickNs_ = 0;
  double maxStallMs_ = 0.0;
  int reportedStalls_ = 0;
  qint64 ticks_ = 0;
};

}  // namespace longmim::studio
