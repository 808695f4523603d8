// What every `longmim` subcommand shares: exit codes, argument parsing, error reporting.
#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include <functional>
#include <stdexcept>
#include <string>

namespace longmim::cli {

// Documented in `longmim --help`.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,    // bad arguments, unknown or invalid configuration keys
  kExitData = 2,     // data unusable: missing folder, no valid case, unreadable file
  kExitFailure = 3,  // the work itself failed (I/O error, training diverged, ...)
  kExitInterrupted = 130,
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `arguments` (program name first) for subcommand `command` ("config show"); handles
// --help itself (prints and returns false). Throws UsageError with the parser's message.
bool parseArguments(QCommandLineParser& parser, const QStringList& arguments,
                    const QString& command, const QString& description);

// Runs a subcommand, mapping exceptions to messages on stderr and exit codes.
int runCommand(const std::function<int()>& body);

bool stderrIsTerminal();

std::string toStd(const QString& text);

}  // namespace longmim::cli
