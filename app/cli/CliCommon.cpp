#include "CliCommon.h"

#include <unistd.h>

#include <QCoreApplication>

#include <cstdio>
#include <iostream>

#include "Error.h"

namespace longmim::cli {

std::string toStd(const QString& text) {
  return text.toUtf8().toStdString();
}

bool stderrIsTerminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

bool parseArguments(QCommandLineParser& parser, const QStringList& arguments,
                    const QString& command, const QString& description) {
  parser.setApplicationDescription(description);
  const QCommandLineOption help({"h", "help"}, "Show this help.");
  parser.addOption(help);
  if (!parser.parse(arguments)) {
    throw UsageError(toStd(parser.errorText()) + "\nRun 'longmim " + toStd(command) +
                     " --help' for its options.");
  }
  if (parser.isSet(help)) {
    std::string text = toStd(parser.helpText());
    // Qt prints "Usage: <program> [options]"; show the subcommand too.
    const std::string program = toStd(QCoreApplication::applicationName());
    const size_t at = text.find(program);
    if (at != std::string::npos)
      text.insert(at + program.size(), " " + toStd(command));
    std::cout << text;
    return false;
  }
  return true;
}

int runCommand(const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << "longmim: " << e.what() << '\n';
    return kExitUsage;
  } catch (const ConfigError& e) {
    std::cerr << "longmim: " << e.what() << '\n';
    return kExitUsage;
  } catch (const DataError& e) {
    std::cerr << "longmim: " << e.what() << '\n';
    return kExitData;
  } catch (const Error& e) {
    std::cerr << "longmim: " << e.what() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "longmim: unexpected error: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace longmim::cli
