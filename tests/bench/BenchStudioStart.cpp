// Benchmark: the studio's Start on the demo as a first-time user does it -- the window opens, the
// demo dataset is generated (a fresh folder), then Start trains the cpu-demo preset on it -- with
// the anchor in the same run: `longmim train --preset cpu-demo` on the same dataset, no window.
// Prints the generation time, each epoch's time on both paths, the whole training time of both,
// and the CPU time the studio's GUI thread used (what the window takes away from the trainer).
// Not a test: run on demand under a display; numbers go into docs/benchmarks.md (issue 10: the
// studio path must take at most 5 minutes with the generation).
//
//   xvfb-run -a -s '-screen 0 1600x1000x24' bench_studio_start WORKDIR [--skip-cli] [--reuse-demo]
//   (--reuse-demo: keep the demo dataset of an earlier run in WORKDIR, to measure the training)
//   (LONGMIM_CLI: the `longmim` executable, else the one next to this program's build folder)
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <ctime>
#include <vector>

#include "shell/MainWindow.h"
#include "shell/StudioPlatform.h"
#include "synth/DemoDataset.h"
#include "train/RunFolder.h"
#include "training/RunFigureWriter.h"
#include "training/TrainingActions.h"
#include "training/TrainingSession.h"

using namespace longmim;
using namespace longmim::studio;

namespace {

double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double processCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Each epoch's length, from the times its end was reported.
void printEpochs(const char* label, const std::vector<double>& endsSeconds, double startSeconds) {
  std::printf("%s epochs (s):", label);
  double previous = startSeconds;
  for (double end : endsSeconds) {
    std::printf(" %.1f", end - previous);
    previous = end;
  }
  std::printf("\n");
}

// The CLI's epoch lines carry no time; its stdout is read as it comes and each "Epoch N/M" line
// ending an epoch is stamped.
double runCommandLine(const QString& program, const QString& data, const QString& output,
                      std::vector<double>& epochEnds) {
  QProcess process;
  process.setProcessChannelMode(QProcess::MergedChannels);
  QElapsedTimer clock;
  QByteArray pending;
  QObject::connect(&process, &QProcess::readyRead, [&] {
    pending += process.readAll();
    int newline = 0;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const QByteArray line = pending.left(newline);
      pending.remove(0, newline + 1);
      if (line.contains("Val Loss"))
        epochEnds.push_back(double(clock.elapsed()) / 1000.0);
    }
  });
  clock.start();
  process.start(program,
                {QStringLiteral("train"), QStringLiteral("--preset"), QStringLiteral("cpu-demo"),
                 QStringLiteral("--data"), data, QStringLiteral("--output"), output});
  if (!process.waitForStarted(30000)) {
    std::fprintf(stderr, "cannot start %s\n", qPrintable(program));
    return -1.0;
  }
  process.waitForFinished(-1);
  pending += process.readAll();
  if (process.exitCode() != 0)
    std::fprintf(stderr, "longmim train failed:\n%s\n", pending.constData());
  return double(clock.elapsed()) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_studio_start WORKDIR [--skip-cli]\n");
    return 2;
  }
  const QString work = QDir(QString::fromLocal8Bit(argv[1])).absolutePath();
  bool skipCli = false;
  bool reuseDemo = false;
  for (int i = 2; i < argc; ++i) {
    skipCli = skipCli || QByteArray(argv[i]) == "--skip-cli";
    reuseDemo = reuseDemo || QByteArray(argv[i]) == "--reuse-demo";
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // A first-time user: no remembered dataset, the demo generated into a fresh data folder (where
  // the studio's runs go too).
  const QString home = QDir(work).filePath(QStringLiteral("data-home"));
  qputenv("XDG_DATA_HOME", home.toLocal8Bit());
  qunsetenv("LONGMIM_DEMO_DIR");
  const QString demo = QString::fromStdString(synth::defaultDemoDatasetDir());
  if (reuseDemo)
    QDir(QString::fromStdString(RunFolder::defaultOutputDir())).removeRecursively();
  else
    QDir(home).removeRecursively();
  QDir(QDir(work).filePath(QStringLiteral("cli-run"))).removeRecursively();
  QDir().mkpath(home);
  QStandardPaths::setTestModeEnabled(true);
  const QString settings = QDir(work).filePath(QStringLiteral("settings"));
  QDir(settings).removeRecursively();
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings);

  prepareStudioPlatform();
  QApplication app(argc, argv);
  const QString cli = RunFigureWriter::findCommandLineTool();

  MainWindow window;
  window.resize(1500, 920);
  window.show();
  QElapsedTimer clock;
  clock.start();
  const double guiCpuAtStart = threadCpuSeconds();
  double generated = -1.0;
  double trainingStart = 0.0;
  double trainingEnd = -1.0;
  std::vector<double> studioEpochs;
  QObject::connect(&window, &MainWindow::datasetOpened, &window, [&] {
    if (generated >= 0.0)
      return;
    generated = double(clock.elapsed()) / 1000.0;
    // As the user does once the demo is open: Start with what the form shows.
    QTimer::singleShot(0, &window, [&] {
      trainingStart = double(clock.elapsed()) / 1000.0;
      window.trainingActions()->start()->trigger();
    });
  });
  QObject::connect(window.session(), &TrainingSession::epochFinished, &window,
                   [&] { studioEpochs.push_back(double(clock.elapsed()) / 1000.0); });
  QObject::connect(&window, &MainWindow::trainingFinished, &window, [&] {
    trainingEnd = double(clock.elapsed()) / 1000.0;
    window.figureWriter()->waitForIdle(60000);
    QCoreApplication::quit();
  });
  window.openStartupDataset(QString());
  QApplication::exec();
  const double guiCpu = threadCpuSeconds() - guiCpuAtStart;
  const double processCpu = processCpuSeconds();
  if (trainingEnd < 0.0) {
    std::fprintf(stderr, "the studio's run did not finish\n");
    return 1;
  }
  std::printf("studio: demo generated in %.1f s, training %.1f s, all %.1f s (target <= 300)\n",
              generated, trainingEnd - trainingStart, trainingEnd);
  std::printf("studio: GUI thread CPU %.1f s, whole process CPU %.1f s\n", guiCpu, processCpu);
  printEpochs("studio", studioEpochs, trainingStart);

  if (!skipCli && !cli.isEmpty()) {
    std::vector<double> cliEpochs;
    const double cliSeconds =
        runCommandLine(cli, demo, QDir(work).filePath(QStringLiteral("cli-run")), cliEpochs);
    std::printf("cli (anchor): training %.1f s on the same dataset\n", cliSeconds);
    printEpochs("cli", cliEpochs, 0.0);
    if (cliSeconds > 0.0)
      std::printf("studio / cli training time: %.2f\n", (trainingEnd - trainingStart) / cliSeconds);
  }
  return 0;
}
