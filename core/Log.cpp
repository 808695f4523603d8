#include "Log.h"

#include <iostream>
#include <mutex>

namespace longmim {
namespace {

std::mutex& sinkMutex() {
  static std::mutex mutex;
  return mutex;
}

LogSink& currentSink() {
  static LogSink sink;
  return sink;
}

}  // namespace

void setLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(sinkMutex());
  currentSink() = std::move(sink);
}

void logMessage(LogLevel level, const std::string& message) {
  std::lock_guard<std::mutex> lock(sinkMutex());
  if (currentSink()) {
    currentSink()(level, message);
    return;
  }
  const char* prefix = level == LogLevel::Warning ? "warning: "
                       : level == LogLevel::Error ? "error: "
                                                  : "";
  std::cerr << prefix << message << '\n';
}

}  // namespace longmim
