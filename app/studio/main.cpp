// longmim-studio: the desktop studio. Sets up the platform, parses the command line and shows the
// main window.
#include <QApplication>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstring>

#include "shell/MainWindow.h"
#include "shell/StudioPlatform.h"

namespace {

const QCommandLineOption& dataOption() {
  static const QCommandLineOption option(
      QStringLiteral("data"),
      QStringLiteral("Open the dataset in DIR (instead of the one opened last time, or the "
                     "demo dataset)."),
      QStringLiteral("DIR"));
  return option;
}

void describeCommandLine(QCommandLineParser& parser) {
  parser.setApplicationDescription(QStringLiteral(
      "Longitudinal MIM Studio: train and inspect models that predict the difference map between "
      "a prior and a current chest X-ray."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOption(dataOption());
}

// --help and --version print text only; they must work without a display (e.g. over ssh).
bool onlyPrintsText(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    for (const char* flag : {"-h", "-?", "--help", "--help-all", "-v", "--version"}) {
      if (std::strcmp(argv[i], flag) == 0)
        return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char* argv[]) {
  QCoreApplication::setApplicationName(QStringLiteral("longmim-studio"));
  QCoreApplication::setOrganizationName(QStringLiteral("longmim"));
  QCoreApplication::setApplicationVersion(QStringLiteral(LONGMIM_VERSION));
  QCommandLineParser parser;
  describeCommandLine(parser);

  if (onlyPrintsText(argc, argv)) {
    const QCoreApplication textOnly(argc, argv);
    parser.process(textOnly);  // prints and exits
    return 0;
  }

  // Must precede QApplication: it picks the platform plugin and OpenGL format at construction.
  longmim::studio::prepareStudioPlatform();
  QApplication app(argc, argv);
  parser.process(app);

  longmim::studio::MainWindow window;
  window.show();
  window.openStartupDataset(parser.value(dataOption()));
  return QApplication::exec();
}
