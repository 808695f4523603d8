// One place core code reports warnings and progress; the CLI prints them, the GUI shows them in its
// log.
#pragma once

#include <functional>
#include <string>

namespace longmim {

enum class LogLevel { Info, Warning, Error };

using LogSink = std::function<void(LogLevel level, const std::string& message)>;

// Replaces the sink (default: stderr with a "warning: " / "error: " prefix). Thread-safe; the sink
// may be called from any thread.
void setLogSink(LogSink sink);

void logMessage(LogLevel level, const std::string& message);
inline void logInfo(const std::string& message) {
  logMessage(LogLevel::Info, message);
}
inline void logWarning(const std::string& message) {
  logMessage(LogLevel::Warning, message);
}

}  // namespace longmim
