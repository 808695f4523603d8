// The crash harness: a real `longmim train` process killed with SIGKILL at twelve moments drawn
// from a seeded generator (after 1 to 9 lines of its output: inside batches, while validating,
// while writing checkpoints, parameters and figures). After each kill every file of the run
// folder must be readable -- checkpoints load, training_params.json parses, metrics.csv has whole
// rows -- and the run goes on from its newest checkpoint (or, before the first one, starts again
// in the same folder). The finished run's losses must equal those of a run never killed.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "train/CheckpointStore.h"

using namespace longmim;

namespace {

const QString kBinary = QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim");

nlohmann::json readJson(const QString& file) {
  std::ifstream in(file.toStdString());
  return nlohmann::json::parse(in);  // throws on a torn or half-written file
}

// The per-epoch validation losses recorded in a run's parameters.
std::vector<double> valLosses(const QString& runDir) {
  std::vector<double> out;
  const nlohmann::json params = readJson(runDir + "/training_params.json");
  for (const auto& e : params.at("history").at("epochs"))
    out.push_back(e["val_loss"].get<double>());
  return out;
}

}  // namespace

class TestCrashHarness : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString path(const QString& name) const { return dir_.filePath(name); }

  QStringList trainArguments(const QString& name) const {
    return {"train",
            "--preset",
            "tiny",
            "--data",
            path("data"),
            "--output",
            path("runs"),
            "-n",
            name,
            "--set",
            "LONGITUDINAL_MIM_EPOCHS=5",
            "--set",
            "NUM_THREADS=1",  // one reduction order: exact comparisons
            "--set",
            "LOADER_THREADS=1"};
  }

  // Every file a run writes, readable after a kill.
  void checkFolder(const QString& runDir, int kill) {
    const QString where = QStringLiteral("after kill %1: ").arg(kill);
    const QDir folder(runDir);
    for (const QString& name : folder.entryList({"*.pt"}, QDir::Files)) {
      try {
        loadCheckpoint(folder.filePath(name).toStdString());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(where + e.what()));
      }
    }
    if (QFileInfo::exists(folder.filePath("training_params.json"))) {
      try {
        readJson(folder.filePath("training_params.json"));
      } catch (const std::exception& e) {
        QFAIL(qPrintable(where + "training_params.json: " + e.what()));
      }
    }
    QFile csv(folder.filePath("metrics.csv"));
    if (csv.open(QIODevice::ReadOnly)) {
      const QList<QByteArray> lines = csv.readAll().split('\n');
      QVERIFY2(lines.last().isEmpty(), qPrintable(where + "metrics.csv ends inside a row"));
      const qsizetype columns = lines.first().count(',');
      for (qsizetype i = 1; i + 1 < lines.size(); ++i) {
        QVERIFY2(lines[i].count(',') == columns,
                 qPrintable(where + QStringLiteral("metrics.csv row %1 is not whole").arg(i)));
      }
    }
  }

  // The newest checkpoint to go on from: interrupted, else the highest epoch, else the best
  // (written right after its epoch's checkpoint, so it can be the only one after a kill).
  static QString newestCheckpoint(const QString& runDir) {
    const QDir folder(runDir);
    if (folder.exists("longitudinal_mim_interrupted.pt"))
      return folder.filePath("longitudinal_mim_interrupted.pt");
    int best = 0;
    for (const QString& name : folder.entryList({"longitudinal_mim_epoch_*.pt"}, QDir::Files)) {
      const int epoch = name.mid(22, name.size() - 25).toInt();
      best = std::max(best, epoch);
    }
    if (best > 0)
      return folder.filePath(QStringLiteral("longitudinal_mim_epoch_%1.pt").arg(best));
    return folder.exists("longitudinal_mim_best.pt") ? folder.filePath("longitudinal_mim_best.pt")
                                                     : QString();
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QProcess synth;
    synth.start(kBinary, {"synth", "-n", "8", "-o", path("data"), "--size", "64", "--seed", "9"});
    QVERIFY(synth.waitForFinished(120000));
    QCOMPARE(synth.exitCode(), 0);
  }

  void killedRunsStayReadableAndResumeToTheSameLosses() {
    QProcess whole;
    whole.start(kBinary, trainArguments("whole"));
    QVERIFY(whole.waitForFinished(300000));
    QVERIFY2(whole.exitCode() == 0, whole.readAllStandardError().constData());
    const std::vector<double> expected = valLosses(path("runs/whole"));
    QCOMPARE(expected.size(), size_t(5));

    const QString runDir = path("runs/crash");
    std::mt19937 draw(20261201);
    int kills = 0;
    bool finished = false;
    for (int attempt = 0; attempt < 40 && !finished; ++attempt) {
      const QString from = newestCheckpoint(runDir);
      QProcess run;
      run.start(kBinary,
                from.isEmpty() ? trainArguments("crash") : QStringList{"train", "-c", from});
      QVERIFY(run.waitForStarted());
      if (kills >= 12) {  // enough: let it finish
        QVERIFY(run.waitForFinished(300000));
        QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
        finished = true;
        break;
      }
      // Kill after a drawn number of output lines: a condition, whatever the machine's speed.
      const int lines = std::uniform_int_distribution<int>(1, 9)(draw);
      QByteArray out;
      while (out.count('\n') < lines && run.state() != QProcess::NotRunning)
        run.waitForReadyRead(100), out += run.readAllStandardOutput();
      if (run.state() == QProcess::NotRunning) {
        QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
        finished = true;  // it completed before the kill
        break;
      }
      ::kill(static_cast<pid_t>(run.processId()), SIGKILL);
      QVERIFY(run.waitForFinished(60000));
      ++kills;
      checkFolder(runDir, kills);
    }
    QVERIFY2(kills >= 10, qPrintable(QStringLiteral("only %1 kills").arg(kills)));
    QVERIFY(finished);
    const std::vector<double> got = valLosses(runDir);
    QCOMPARE(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      QVERIFY2(std::fabs(got[i] - expected[i]) <= 1e-6 * std::fabs(expected[i]),
               qPrintable(QStringLiteral("epoch %1: %2 vs %3 uninterrupted")
                              .arg(i + 1)
                              .arg(got[i])
                              .arg(expected[i])));
    }
    qInfo("%d kills; every folder readable; the resumed run's losses equal the uninterrupted ones",
          kills);
  }
};

QTEST_GUILESS_MAIN(TestCrashHarness)
#include "TestCrashHarness.moc"
