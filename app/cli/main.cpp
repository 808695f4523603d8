// longmim: the command line of Longitudinal MIM Studio. Each subcommand drives longmim_core.
#include <sys/stat.h>
#include <unistd.h>

#include <QApplication>
#include <QCoreApplication>

#include <memory>

#include <iostream>
#include <string>

#include "CliCommon.h"
#include "ConfigCommand.h"
#include "DataCommand.h"
#include "EvaluateCommand.h"
#include "ModelCommand.h"
#include "PlotCommand.h"
#include "PredictCommand.h"
#include "SynthCommand.h"
#include "TrainCommand.h"

namespace {

const char* kUsage = R"(longmim -- train and inspect models that predict the signed difference map
between a baseline and a follow-up chest X-ray (Longitudinal MIM Studio).

Usage: longmim <command> [options]      longmim <command> --help for its options

Commands:
  config show [--preset P] [--config F] [--set KEY=VALUE ...]
                     Print the effective configuration as JSON (keys are the seed's constants).
  config keys        List every configuration key, its allowed values and meaning.
  data check DIR [--json] [--headers-only] [--threads N]
                     Validate a dataset folder: per case, missing / unreadable / non-2-D files,
                     NaN or Inf pixels, constant images, differing sizes.
  synth -n N -o DIR [--profile reference|demo] [--seed S] [--size 512] [--ct FILE_OR_DIR ...]
        [--lung-seg FILE_OR_DIR] [--min-change FRACTION]
        [--entities CO=0.15,PL=0.15,PN=0.15,CA=0.15,FL=0.15,EX=0.5] [--decay D]
        [--rotation MAX_AXIS,MAX_SUM] [--pairs-per-case K] [--threads T]
                     Generate synthetic longitudinal pairs from a procedural thorax phantom or
                     from CT volumes (DRRs, with the ground-truth difference map).
  model summary [--arch A] [--preset P] [--config F] [--set KEY=VALUE ...] [--json]
                     Parameters per part, output shape and estimated GFLOPs of a model.
  train [-c CKPT] [-n NAME] [--config F] [--preset P] [--data DIR] [--output DIR]
        [--set KEY=VALUE ...] [--tensorboard [DIR]] [--nproc N] [--nnodes M --node-rank R
        --master-addr HOST --master-port P] [--backend auto|gloo|nccl]
                     Train (on the demo dataset without --data); Ctrl-C stops after the current
                     batch with a checkpoint that -c resumes exactly. --nproc: N worker
                     processes, one data-parallel run (also RANK / WORLD_SIZE / MASTER_ADDR /
                     MASTER_PORT from a cluster's launcher).
  predict --checkpoint CKPT PRIOR CURRENT -o OUT.nii.gz [--png OUT.png] [--ground-truth GT]
  predict --checkpoint CKPT --data DIR -o OUTDIR
                     Predicted difference maps, with L1 / L2 / SSIM where ground truth exists.
  evaluate --checkpoint CKPT --data DIR [--split val|train|all] [--json FILE] [--save]
                     L1, L2, SSIM, masked L1, Pearson r and change-detection ROC AUC of the
                     model next to the zeros and normalised-subtraction baselines.
  plot RUN_DIR [--log-y]
                     Draw a run's loss_curves.png and detailed_loss_curves.png again.

Options:
  -h, --help         Show this help.
  --version          Show the version.

Exit status:
  0    success (data check: at least one valid case)
  1    usage error: unknown option, missing argument, unknown or invalid configuration key
  2    data error: folder missing, no valid case, unreadable or corrupt file or checkpoint
  3    the command failed while working (I/O error, training diverged, ...)
  130  interrupted (Ctrl-C)
)";

}  // namespace

int main(int argc, char** argv) {
  // `train` draws its loss plots with Qt widgets, which need a QApplication; on the command line
  // it renders off-screen, with or without a display.
  const bool drawsPlots =
      argc > 1 && (std::string(argv[1]) == "train" || std::string(argv[1]) == "plot");
  if (drawsPlots && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  if (drawsPlots && qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    // Qt's platform plugins want a private runtime folder; without one they warn on every start.
    const std::string runtime = "/tmp/longmim-runtime-" + std::to_string(::getuid());
    ::mkdir(runtime.c_str(), 0700);
    qputenv("XDG_RUNTIME_DIR", QByteArray::fromStdString(runtime));
  }
  // Qt sees the program name only: its platform plugins take options of their own out of the
  // arguments (xcb removes "-name X" / "--name X", "-display", ...), which would silently drop
  // `train --name NAME` whenever a display is in use. The commands read the real arguments.
  static int qtArgc = 1;
  static char* qtArgv[] = {argv[0], nullptr};
  std::unique_ptr<QCoreApplication> app = drawsPlots
                                              ? std::make_unique<QApplication>(qtArgc, qtArgv)
                                              : std::make_unique<QCoreApplication>(qtArgc, qtArgv);
  QCoreApplication::setApplicationName("longmim");
  QCoreApplication::setApplicationVersion("0.1.0");
  using namespace longmim::cli;

  QStringList args;
  for (int i = 0; i < argc; ++i)
    args << QString::fromLocal8Bit(argv[i]);
  if (args.size() < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const QString command = args[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    std::cout << "longmim 0.1.0\n";
    return kExitOk;
  }

  // Subcommands parse "<program> <rest...>" so their own --help and errors read naturally.
  auto rest = [&](int skip) {
    QStringList sub{args[0]};
    sub << args.mid(1 + skip);
    return sub;
  };
  const QString sub = args.size() > 2 ? args[2] : QString();
  return runCommand([&]() -> int {
    if (command == "config" && sub == "show")
      return configShow(rest(2));
    if (command == "config" && sub == "keys")
      return configKeys(rest(2));
    if (command == "data" && sub == "check")
      return dataCheck(rest(2));
    if (command == "synth")
      return synth(rest(1));
    if (command == "model" && sub == "summary")
      return modelSummary(rest(2));
    if (command == "train")
      return train(rest(1));
    if (command == "predict")
      return predict(rest(1));
    if (command == "plot")
      return plot(rest(1));
    if (command == "evaluate")
      return evaluate(rest(1));
    if (command == "config" || command == "data" || command == "model") {
      throw UsageError(sub.isEmpty() ? toStd(command) + " needs a subcommand; see 'longmim --help'"
                                     : "unknown subcommand '" + toStd(command + " " + sub) +
                                           "'; see 'longmim --help'");
    }
    throw UsageError("unknown command '" + toStd(command) + "'; see 'longmim --help'");
  });
}
