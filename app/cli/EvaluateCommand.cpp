#include "EvaluateCommand.h"

#include <iostream>

#include "CliCommon.h"
#include "eval/CheckpointEvaluation.h"

namespace longmim::cli {

int evaluate(const QStringList& arguments) {
  QCommandLineParser parser;
  const QCommandLineOption checkpoint("checkpoint", "Checkpoint of a training run (required).",
                                      "CKPT");
  const QCommandLineOption data(
      "data", "Dataset folder to evaluate on (default: the run's own dataset, its DATA_DIR).",
      "DIR");
  const QCommandLineOption split(
      "split",
      "val | train | all: which pairs of DIR (default: the run's validation pairs when DIR is "
      "the run's dataset, else all).",
      "SPLIT", "auto");
  const QCommandLineOption json("json", "Also write the whole report as JSON to FILE.", "FILE");
  const QCommandLineOption save("save", "Also write it as evaluation.json into the run folder.");
  parser.addOptions({checkpoint, data, split, json, save});
  if (!parseArguments(parser, arguments, "evaluate",
                      "Measure a checkpoint's predictions on a dataset -- L1, L2, SSIM, masked "
                      "L1, Pearson r and the ROC AUC of |prediction| for the change mask -- next "
                      "to two baselines on the same pairs: all zeros and the normalised "
                      "subtraction (current - prior).")) {
    return kExitOk;
  }
  if (!parser.isSet(checkpoint))
    throw UsageError("evaluate needs --checkpoint CKPT");
  if (!parser.positionalArguments().isEmpty())
    throw UsageError("evaluate takes no positional arguments (got '" +
                     toStd(parser.positionalArguments().first()) + "')");

  eval::EvaluationRequest request;
  request.checkpoint = toStd(parser.value(checkpoint));
  request.dataDir = toStd(parser.value(data));  // empty: the run's own dataset
  request.split = toStd(parser.value(split));
  const bool progress = stderrIsTerminal();
  if (progress) {
    request.progress = [](size_t done, size_t total) {
      std::cerr << "\revaluating " << done << "/" << total << std::flush;
      if (done == total)
        std::cerr << "\n";
    };
  }
  const eval::EvaluationReport report = eval::evaluateCheckpoint(request);
  std::cout << "Evaluation of " << request.checkpoint << " on " << report.dataDir << " ("
            << report.split << " split)\n"
            << report.table();
  if (parser.isSet(json)) {
    eval::writeEvaluation(report, toStd(parser.value(json)));
    std::cout << "Report: " << toStd(parser.value(json)) << "\n";
  }
  if (parser.isSet(save)) {
    const std::string path = eval::evaluationPathFor(request.checkpoint);
    eval::writeEvaluation(report, path);
    std::cout << "Report: " << path << "\n";
  }
  return kExitOk;
}

}  // namespace longmim::cli
