#include "DataCommand.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <mutex>

#include "CliCommon.h"
#include "data/PairIndex.h"

namespace longmim::cli {
namespace {

void printTable(const PairIndex& index) {
  std::cout << "Dataset " << index.root() << ": " << index.validCount() << " valid, "
            << index.invalidCount() << " invalid case" << (index.invalidCount() == 1 ? "" : "s")
            << " (" << index.cases().size() << " case folders found)\n";
  if (index.cases().empty()) {
    std::cout << "No folder holds prior.nii.gz, current.nii.gz or diff_map.nii.gz (.nii works "
                 "too); point the command at the folder that contains the case folders.\n";
    return;
  }
  if (index.problems().empty()) {
    std::cout << "No problems found.\n";
    return;
  }
  size_t caseWidth = 4;
  size_t fileWidth = 4;
  for (const DataProblem& p : index.problems()) {
    caseWidth = std::max(caseWidth, p.caseName.size());
    fileWidth = std::max(fileWidth, p.file.size());
  }
  std::cout << "\n"
            << std::left << std::setw(static_cast<int>(caseWidth + 2)) << "CASE"
            << std::setw(static_cast<int>(fileWidth + 2)) << "FILE"
            << "PROBLEM\n";
  for (const DataProblem& p : index.problems()) {
    std::cout << std::left << std::setw(static_cast<int>(caseWidth + 2)) << p.caseName
              << std::setw(static_cast<int>(fileWidth + 2)) << (p.file.empty() ? "-" : p.file)
              << (p.fatal ? "error: " : "warning: ") << p.reason << "\n";
  }
}

}  // namespace

int dataCheck(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.addPositionalArgument("DIR", "Dataset folder, searched recursively for case folders.");
  const QCommandLineOption json("json", "Print the report as JSON.");
  const QCommandLineOption headers("headers-only",
                                   "Read file headers only: much faster, but NaN/Inf pixels, "
                                   "constant images and truncated data go unnoticed.");
  const QCommandLineOption threads("threads",
                                   "Files are checked on N threads (default: all cores).", "N");
  parser.addOptions({json, headers, threads});
  if (!parseArguments(parser, arguments, "data check",
                      "Check a dataset folder: every case folder, its files and their pixels. "
                      "Exit status 0 when at least one case is valid, 2 when none is.")) {
    return kExitOk;
  }
  if (parser.positionalArguments().size() != 1) {
    throw UsageError("data check needs exactly one dataset folder (got " +
                     std::to_string(parser.positionalArguments().size()) + ")");
  }
  ScanOptions options;
  options.checkPixels = !parser.isSet(headers);
  if (parser.isSet(threads)) {
    bool ok = false;
    options.threads = parser.value(threads).toInt(&ok);
    if (!ok || options.threads < 1) {
      throw UsageError("--threads must be a positive integer (got '" +
                       toStd(parser.value(threads)) + "')");
    }
  }
  std::mutex progressMutex;
  if (stderrIsTerminal()) {
    options.progress = [&](size_t done, size_t total) {
      std::lock_guard<std::mutex> lock(progressMutex);
      std::cerr << "\rchecking case " << done << "/" << total << std::flush;
      if (done == total)
        std::cerr << "\r\033[K" << std::flush;
    };
  }
  const PairIndex index = PairIndex::scan(toStd(parser.positionalArguments().first()), options);
  if (parser.isSet(json)) {
    std::cout << index.toJson().dump(2) << '\n';
  } else {
    printTable(index);
  }
  return index.validCount() > 0 ? kExitOk : kExitData;
}

}  // namespace longmim::cli
