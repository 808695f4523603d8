// The studio's log: a read-only, timestamped, colour-coded view of what core and the GUI report.
#pragma once

#include <QPlainTextEdit>
#include <QString>

#include "Log.h"

namespace longmim::studio {

class LogPanel : public QPlainTextEdit {
  Q_OBJECT

 public:
  explicit LogPanel(QWidget* parent = nullptr);
  // Gives core's log back to stderr if this panel still receives it.
  ~LogPanel() override;

  // Routes longmim::logMessage (from any thread) to this panel. Messages from other threads are
  // queued onto the GUI thread; the route is removed when the panel is destroyed.
  void installAsCoreLogSink();
  bool isCoreLogSink() const;

 public Q_SLOTS:
  void appendMessage(longmim::LogLevel level, const QString& message);

 private:
  void uninstallCoreLogSink();
};

}  // namespace longmim::studio
