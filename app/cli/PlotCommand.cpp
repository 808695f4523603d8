#include "PlotCommand.h"

#include <QCommandLineParser>
#include <iostream>

#include "CliCommon.h"
#include "RunFigures.h"

namespace longmim::cli {

int plot(const QStringList& arguments) {
  QCommandLineParser parser;
  const QCommandLineOption logY(
      QStringLiteral("log-y"), QStringLiteral("Logarithmic loss axes (points <= 0 are left out)."));
  parser.addOption(logY);
  parser.addPositionalArgument(
      QStringLiteral("RUN_DIR"),
      QStringLiteral("A run folder written by longmim train or the studio."));
  if (!parseArguments(parser, arguments, QStringLiteral("plot"),
                      QStringLiteral("Draw a run's loss_curves.png and detailed_loss_curves.png "
                                     "again from its training_params.json.")))
    return kExitOk;
  const QStringList runs = parser.positionalArguments();
  if (runs.size() != 1)
    throw UsageError("plot needs exactly one RUN_DIR; see 'longmim plot --help'");
  studio::writeRunFigures(runs[0], parser.isSet(logY) ? studio::LossAxisScale::Logarithmic
                                                      : studio::LossAxisScale::Linear);
  std::cout << "Wrote " << toStd(runs[0]) << "/loss_curves.png and detailed_loss_curves.png\n";
  return kExitOk;
}

}  // namespace longmim::cli
