#include "shell/LogPanel.h"

#include <QFontDatabase>
#include <QMetaObject>
#include <QScrollBar>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTime>

#include <mutex>

#include "common/StatusColors.h"

namespace longmim::studio {
namespace {

// The panel core's log goes to. Guarded by its own mutex because installing and uninstalling may
// race with messages logged from worker threads.
std::mutex& sinkOwnerMutex() {
  static std::mutex mutex;
  return mutex;
}

LogPanel*& sinkOwner() {
  static LogPanel* owner = nullptr;
  return owner;
}

QString levelPrefix(LogLevel level) {
  switch (level) {
    case LogLevel::Warning:
      return QStringLiteral("warning: ");
    case LogLevel::Error:
      return QStringLiteral("error: ");
    case LogLevel::Info:
      break;
  }
  return {};
}

}  // namespace

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
  setObjectName(QStringLiteral("logView"));
  setReadOnly(true);
  setUndoRedoEnabled(false);
  setMaximumBlockCount(10000);  // a long session must not grow without bound
  setLineWrapMode(QPlainTextEdit::WidgetWidth);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

LogPanel::~LogPanel() {
  uninstallCoreLogSink();
}

void LogPanel::installAsCoreLogSink() {
  std::lock_guard<std::mutex> lock(sinkOwnerMutex());
  sinkOwner() = this;
  // core calls the sink under its own lock, so once setLogSink(nullptr) returns in the destructor
  // no call can still be using `this`. Queuing posts an event and never waits on the GUI thread.
  setLogSink([this](LogLevel level, const std::string& message) {
    QMetaObject::invokeMethod(
        this, [this, level, text = QString::fromStdString(message)] { appendMessage(level, text); },
        Qt::QueuedConnection);
  });
}

bool LogPanel::isCoreLogSink() const {
  std::lock_guard<std::mutex> lock(sinkOwnerMutex());
  return sinkOwner() == this;
}

void LogPanel::uninstallCoreLogSink() {
  std::lock_guard<std::mutex> lock(sinkOwnerMutex());
  if (sinkOwner() != this)
    return;
  setLogSink(nullptr);
  sinkOwner() = nullptr;
}

void LogPanel::appendMessage(LogLevel level, const QString& message) {
  QTextCharFormat format;
  if (level == LogLevel::Warning)
    format.setForeground(warningColor());
  if (level == LogLevel::Error)
    format.setForeground(errorColor());

  const QString line = QTime::currentTime().toString(QStringLiteral("HH:mm:ss")) +
                       QStringLiteral("  ") + levelPrefix(level) + message;
  // Follow the newest line unless the user scrolled up to read an older one.
  QScrollBar* bar = verticalScrollBar();
  const bool followNewest = bar->value() == bar->maximum();
  QTextCursor cursor(document());
  cursor.movePosition(QTextCursor::End);
  if (!document()->isEmpty())
    cursor.insertBlock();
  cursor.insertText(line, format);
  if (followNewest)
    bar->setValue(bar->maximum());
}

}  // namespace longmim::studio
