// Tests the `longmim` command line end to end: output, JSON, exit codes, error messages.
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>

#include <itkPNGImageIO.h>

#include "TestImages.h"
#include "TestRadiographs.h"
#include "io/AtomicFile.h"
#include "io/NiftiIO.h"

using namespace longmim::test;

namespace {

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Run {
  int exitCode = -1;
  QString out;
  QString err;
};

Run runLongmim(const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim"), arguments);
  if (!process.waitForFinished(120000))
    return {};
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

QJsonObject jsonOf(const QString& text) {
  return QJsonDocument::fromJson(text.toUtf8()).object();
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString path(const QString& name) const { return dir_.filePath(name); }

 private Q_SLOTS:
  void initTestCase() {
    writeCase(path("good/case_a").toStdString(), 16, 16, 0);
    writeCase(path("good/case_b").toStdString(), 16, 16, 1);
    writeCase(path("good/case_c").toStdString(), 16, 16, 2);
    std::filesystem::remove(path("good/case_c/current.nii.gz").toStdString());
    writeCase(path("bad/only").toStdString(), 16, 16);
    writeBytes(path("bad/only/diff_map.nii.gz").toStdString(), "not an image");
  }

  void helpListsCommandsAndExitCodes() {
    const Run run = runLongmim({"--help"});
    QCOMPARE(run.exitCode, 0);
    for (const char* text :
         {"config show", "config keys", "data check", "synth -n N -o DIR", "Exit status", "130"}) {
      QVERIFY2(run.out.contains(text), text);
    }
    QCOMPARE(runLongmim({}).exitCode, 1);
    QCOMPARE(runLongmim({"--version"}).out.trimmed(), QString("longmim 0.1.0"));
    const Run sub = runLongmim({"data", "check", "--help"});
    QCOMPARE(sub.exitCode, 0);
    QVERIFY2(sub.out.contains("longmim data check"), qPrintable(sub.out));
    QVERIFY(sub.out.contains("--json"));
  }

  void unknownCommandsAreUsageErrors() {
    const Run unknown = runLongmim({"frobnicate"});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
    QCOMPARE(runLongmim({"config"}).exitCode, 1);
    QCOMPARE(runLongmim({"config", "shuw"}).exitCode, 1);
    const Run option = runLongmim({"config", "show", "--bogus"});
    QCOMPARE(option.exitCode, 1);
    QVERIFY2(option.err.contains("bogus"), qPrintable(option.err));
  }

  void configShowPrintsTheEffectiveConfiguration() {
    const Run paper = runLongmim({"config", "show"});
    QCOMPARE(paper.exitCode, 0);
    const QJsonObject json = jsonOf(paper.out);
    QCOMPARE(json["BATCH_SIZE"].toInt(), 4);
    QCOMPARE(json["UPDATE_EVERY_BATCHES"].toInt(), 12);
    QCOMPARE(json["MAX_LR"].toDouble(), 6e-4);
    QCOMPARE(json["IMG_SIZE"].toInt(), 512);
    QCOMPARE(json["PRESET"].toString(), QString("paper"));
    QVERIFY(json.size() >= 40);

    const Run tiny = runLongmim(
        {"config", "show", "--preset", "tiny", "--set", "SEED=9", "--set", "USE_SSIM=true"});
    QCOMPARE(tiny.exitCode, 0);
    const QJsonObject t = jsonOf(tiny.out);
    QCOMPARE(t["IMG_SIZE"].toInt(), 64);
    QCOMPARE(t["SEED"].toInt(), 9);
    QCOMPARE(t["USE_SSIM"].toBool(), true);

    longmim::writeFileAtomically(path("params.json").toStdString(),
                                 R"({"PRESET": "cpu-demo", "BATCH_SIZE": 6})");
    const QJsonObject f =
        jsonOf(runLongmim({"config", "show", "--config", path("params.json")}).out);
    QCOMPARE(f["BATCH_SIZE"].toInt(), 6);
    QCOMPARE(f["IMG_SIZE"].toInt(), 128);
  }

  void configErrorsNameTheKey_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key") << QStringList{"--set", "BACH_SIZE=2"}
                                 << "unknown key 'BACH_SIZE' (did you mean BATCH_SIZE?)";
    QTest::newRow("wrong type") << QStringList{"--set", "MAX_LR=fast"} << "MAX_LR must be a number";
    QTest::newRow("out of range") << QStringList{"--set", "IMG_SIZE=100"}
                                  << "a multiple of 32 (got 100)";
    QTest::newRow("unknown preset") << QStringList{"--preset", "huge"} << "unknown preset 'huge'";
    QTest::newRow("missing file") << QStringList{"--config", "/nonexistent/p.json"}
                                  << "/nonexistent/p.json";
  }
  void configErrorsNameTheKey() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Run run = runLongmim(QStringList{"config", "show"} + arguments);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(run.out.isEmpty());
  }

  void configKeysDescribesEveryKey() {
    const Run run = runLongmim({"config", "keys"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("[Losses]"));
    QVERIFY(run.out.contains("LAMBDA_SSIM"));
    QVERIFY(run.out.contains("editable during a run"));
  }

  void dataCheckTable() {
    const Run run = runLongmim({"data", "check", path("good")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("2 valid, 1 invalid case (3 case folders found)"),
             qPrintable(run.out));
    QVERIFY2(run.out.contains("case_c"), qPrintable(run.out));
    QVERIFY2(run.out.contains("current.nii.gz  error: missing"), qPrintable(run.out));
  }

  void dataCheckJson() {
    const Run run = runLongmim({"data", "check", "--json", path("good")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject json = jsonOf(run.out);
    QCOMPARE(json["valid_cases"].toInt(), 2);
    QCOMPARE(json["invalid_cases"].toInt(), 1);
    const QJsonArray problems = json["problems"].toArray();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems[0].toObject()["case"].toString(), QString("case_c"));
    QCOMPARE(problems[0].toObject()["file"].toString(), QString("current.nii.gz"));
    QCOMPARE(problems[0].toObject()["reason"].toString(), QString("missing"));
  }

  void dataCheckExitCodes() {
    const Run none = runLongmim({"data", "check", path("bad")});
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.out.contains("0 valid, 1 invalid"), qPrintable(none.out));
    QVERIFY2(none.out.contains("diff_map.nii.gz"), qPrintable(none.out));
    const Run missing = runLongmim({"data", "check", path("nowhere")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("nowhere: folder not found"), qPrintable(missing.err));
    QCOMPARE(runLongmim({"data", "check"}).exitCode, 1);
    QCOMPARE(runLongmim({"data", "check", path("good"), path("bad")}).exitCode, 1);
    QCOMPARE(runLongmim({"data", "check", "--threads", "zero", path("good")}).exitCode, 1);
    const Run headers =
        runLongmim({"data", "check", "--headers-only", "--threads", "1", path("good")});
    QCOMPARE(headers.exitCode, 0);
  }

  void synthGeneratesACheckableDataset() {
    const Run run = runLongmim({"synth", "-n", "2", "-o", path("synth"), "--size", "64", "--seed",
                                "3", "--entities", "CO=1,EX=0"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("Generated 2 pairs in"), qPrintable(run.out));
    const Run check = runLongmim({"data", "check", path("synth")});
    QCOMPARE(check.exitCode, 0);
    QVERIFY2(check.out.contains("2 valid, 0 invalid"), qPrintable(check.out));
    const Run again = runLongmim({"synth", "-n", "2", "-o", path("synth"), "--size", "64", "--seed",
                                  "3", "--entities", "CO=1,EX=0"});
    QVERIFY2(again.out.contains("Generated 0 pairs (2 already complete)"), qPrintable(again.out));
  }

  void synthRefusesBadInput_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no -n") << QStringList{"-o", "X"} << 1 << "synth needs -n N";
    QTest::newRow("no -o") << QStringList{"-n", "2"} << 1 << "synth needs -o DIR";
    QTest::newRow("zero pairs") << QStringList{"-n", "0", "-o", "X"} << 1
                                << "-n must be a positive number";
    QTest::newRow("not a number") << QStringList{"-n", "many", "-o", "X"} << 1
                                  << "-n expects an integer";
    QTest::newRow("bad entities") << QStringList{"-n", "2", "-o", "X", "--entities", "CO=0.1,ZZ=1"}
                                  << 1 << "'ZZ=1' is not CODE=PROBABILITY";
    QTest::newRow("bad rotation") << QStringList{"-n", "2", "-o", "X", "--rotation", "10"} << 1
                                  << "--rotation expects MAX_AXIS,MAX_SUM";
    QTest::newRow("missing CT") << QStringList{"-n", "2",    "-o",
                                               "X",  "--ct", "/nonexistent/ct.nii.gz"}
                                << 2 << "/nonexistent/ct.nii.gz: CT file or folder not found";
    QTest::newRow("output under a file")
        << QStringList{"-n", "2", "-o", "FILE/out"} << 3 << "cannot create the output folder";
    QTest::newRow("unknown profile") << QStringList{"-n", "2", "-o", "X", "--profile", "easy"} << 1
                                     << "unknown generator profile 'easy' (reference or demo)";
    QTest::newRow("bad min-change") << QStringList{"-n", "2", "-o", "X", "--min-change", "2"} << 1
                                    << "--min-change expects a fraction between 0 and 1";
  }

  void synthDemoProfileIsRecordedAndKept() {
    const Run run = runLongmim(
        {"synth", "-n", "2", "-o", path("synth_demo"), "--size", "64", "--profile", "demo"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QFile file(path("synth_demo/synth_settings.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const nlohmann::json settings = nlohmann::json::parse(file.readAll().toStdString());
    QCOMPARE(settings["profile"].get<std::string>(), std::string("demo"));
    QCOMPARE(settings["min_changed_fraction"].get<double>(), 0.01);
    QCOMPARE(settings["rotation_degrees"]["max_axis"].get<double>(), 2.0);
    // Continuing the folder with the reference's settings is refused, and nothing is added.
    const Run other = runLongmim({"synth", "-n", "3", "-o", path("synth_demo"), "--size", "64"});
    QCOMPARE(other.exitCode, 1);
    QVERIFY2(other.err.contains("holds pairs generated with other settings"),
             qPrintable(other.err));
    QVERIFY(!QFileInfo::exists(path("synth_demo/case_002")));
  }
  void synthRefusesBadInput() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    writeBytes(path("FILE").toStdString(), "x");
    for (QString& a : arguments) {
      if (a == "X")
        a = path("never");
      if (a == "FILE/out")
        a = path("FILE") + "/out";
    }
    const Run run = runLongmim(QStringList{"synth"} + arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(!QFileInfo::exists(path("never")));
  }

  void modelSummaryReportsPartsShapeAndFlops() {
    const Run tiny =
        runLongmim({"model", "summary", "--arch", "big", "--preset", "tiny", "--json"});
    QCOMPARE(tiny.exitCode, 0);
    const QJsonObject t = jsonOf(tiny.out);
    QCOMPARE(t["architecture"].toString(), QString("big"));
    QCOMPARE(t["output_shape"].toArray().size(), 4);
    QCOMPARE(t["output_shape"].toArray()[3].toInt(), 64);
    QVERIFY(t["forward_gflops"].toDouble() > 0.0);
    QCOMPARE(t["backward_gflops"].toDouble(), 2 * t["forward_gflops"].toDouble());
    QVERIFY(t["parts"].toArray().size() >= 4);
    const Run paper = runLongmim({"model", "summary", "--arch", "reference", "--preset", "paper"});
    QCOMPARE(paper.exitCode, 0);
    QVERIFY2(paper.out.contains("110887538"), qPrintable(paper.out));
    QVERIFY2(paper.out.contains("287 state-dict keys"), qPrintable(paper.out));
    QVERIFY(paper.out.contains("Output shape for one pair: [1, 1, 512, 512]"));
    const Run bad = runLongmim({"model", "summary", "--arch", "vit"});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("MODEL_ARCH must be one of: big, reference"), qPrintable(bad.err));
  }

  void trainWritesTheRunFolderAndTheSeedsConsole() {
    QVERIFY(
        runLongmim({"synth", "-n", "10", "-o", path("train_data"), "--size", "64", "--seed", "4"})
            .exitCode == 0);
    const Run run = runLongmim({"train", "--preset", "tiny", "--data", path("train_data"),
                                "--output", path("runs"), "-n", "cli", "--set",
                                "LONGITUDINAL_MIM_EPOCHS=2", "--tensorboard", path("tb")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    for (const char* text : {"Epoch 1/2", "] Train Loss: ", "Epoch 1 Complete: Train Loss: ",
                             " | Val Loss: ", "Saved checkpoint: longitudinal_mim_epoch_1.pt",
                             "Training complete: 2 epochs", "x zeros, r "}) {
      QVERIFY2(run.out.contains(text), text);
    }
    const QString dir = path("runs/cli");
    for (const char* file :
         {"longitudinal_mim_epoch_1.pt", "longitudinal_mim_epoch_2.pt", "longitudinal_mim_best.pt",
          "training_params.json", "metrics.csv", "loss_curves.png", "detailed_loss_curves.png"}) {
      QVERIFY2(QFileInfo::exists(dir + "/" + file), file);
    }
    QCOMPARE(QImage(dir + "/loss_curves.png").size(), QSize(2100, 750));
    QCOMPARE(QDir(path("tb/cli")).entryList(QDir::Files).size(), 1);
    // The same name again is refused (resume with -c instead), and nothing is overwritten.
    const QByteArray params =
        QFile(dir + "/training_params.json").exists() ? QByteArray("x") : QByteArray();
    // The seed's flag names the same folder.
    const Run again =
        runLongmim({"train", "--preset", "tiny", "--data", path("train_data"), "--output",
                    path("runs"), "--save_name", "cli", "--set", "LONGITUDINAL_MIM_EPOCHS=2"});
    QCOMPARE(again.exitCode, 3);
    QVERIFY2(again.err.contains(dir + " already holds a run"), qPrintable(again.err));
    QVERIFY(!params.isEmpty());
    // A name that is not one folder name is refused before anything is written. Under a display
    // (QT_QPA_PLATFORM=xcb, as in CTest) Qt's xcb plugin used to take --name out of the
    // arguments, and the run started under a timestamp instead.
    const Run nested =
        runLongmim({"train", "--preset", "tiny", "--data", path("train_data"), "--output",
                    path("runs"), "--name", "../escape", "--set", "LONGITUDINAL_MIM_EPOCHS=1"});
    QVERIFY2(nested.exitCode == 1, qPrintable(nested.out + nested.err));
    QVERIFY2(nested.err.contains("RUN_NAME '../escape' must be one folder name"),
             qPrintable(nested.err));
    QVERIFY(!QFileInfo::exists(path("escape")));

    // `plot` draws the same figures again from training_params.json.
    const QByteArray before = readAll(dir + "/loss_curves.png");
    QVERIFY(QFile::remove(dir + "/loss_curves.png"));
    QVERIFY(QFile::remove(dir + "/detailed_loss_curves.png"));
    const Run plot = runLongmim({"plot", dir});
    QVERIFY2(plot.exitCode == 0, qPrintable(plot.err));
    QCOMPARE(readAll(dir + "/loss_curves.png"), before);
    QVERIFY(QFileInfo(dir + "/detailed_loss_curves.png").size() > 1000);
    const Run logY = runLongmim({"plot", "--log-y", dir});
    QCOMPARE(logY.exitCode, 0);
    QVERIFY(readAll(dir + "/loss_curves.png") != before);
    const Run notARun = runLongmim({"plot", path("train_data")});
    QCOMPARE(notARun.exitCode, 2);
    QVERIFY2(notARun.err.contains("training_params.json"), qPrintable(notARun.err));
  }

  void ctrlCStopsWithACheckpointThatResumes() {
    QVERIFY(
        QFileInfo::exists(path("train_data")) ||
        runLongmim({"synth", "-n", "10", "-o", path("train_data"), "--size", "64", "--seed", "4"})
                .exitCode == 0);
    QProcess process;
    process.start(QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim"),
                  {"train", "--preset", "tiny", "--data", path("train_data"), "--output",
                   path("runs"), "-n", "ctrlc", "--set", "LONGITUDINAL_MIM_EPOCHS=400"});
    QVERIFY(process.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("Epoch 2/400"),
                             120000);
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(120000));
    out += process.readAllStandardOutput();
    QCOMPARE(process.exitCode(), 130);
    const QString checkpoint = path("runs/ctrlc/longitudinal_mim_interrupted.pt");
    QVERIFY2(QFileInfo::exists(checkpoint), out.constData());
    QVERIFY2(out.contains("Interrupted: stopped at epoch"), out.constData());
    const auto params = QJsonDocument::fromJson([&] {
                          QFile f(path("runs/ctrlc/training_params.json"));
                          f.open(QIODevice::ReadOnly);
                          return f.readAll();
                        }())
                            .object();
    QCOMPARE(params["status"].toString(), QString("interrupted"));
    // Resuming continues in the same folder (with fewer epochs left to keep the test short: the
    // epoch count is part of the schedule, so it cannot change -- the resumed run is stopped
    // again).
    QProcess resumed;
    resumed.start(QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim"), {"train", "-c", checkpoint});
    QVERIFY(resumed.waitForStarted());
    QByteArray resumedOut;
    QTRY_VERIFY_WITH_TIMEOUT(
        (resumedOut += resumed.readAllStandardOutput()).contains("Epoch 3/400"), 120000);
    QVERIFY2(resumedOut.contains("Resuming " + path("runs/ctrlc").toUtf8()),
             resumedOut.constData());
    ::kill(static_cast<pid_t>(resumed.processId()), SIGINT);
    QVERIFY(resumed.waitForFinished(120000));
    QCOMPARE(resumed.exitCode(), 130);
  }

  void trainRefusesBadInput_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key") << QStringList{"--set", "LAMBDA_L3=1"} << 1
                                 << "unknown key 'LAMBDA_L3'";
    QTest::newRow("wrong type") << QStringList{"--set", "BATCH_SIZE=two"} << 1
                                << "BATCH_SIZE must be an integer";
    QTest::newRow("missing data") << QStringList{"--data", "/nonexistent/data"} << 2
                                  << "folder not found";
    QTest::newRow("no valid case") << QStringList{"--data", "EMPTY"} << 2 << "no valid case found";
    QTest::newRow("unwritable output")
        << QStringList{"--output", "FILE/runs"} << 3 << "cannot create the run folder";
    QTest::newRow("corrupt checkpoint")
        << QStringList{"-c", "CORRUPT"} << 2 << "corrupt or truncated checkpoint";
    QTest::newRow("missing checkpoint")
        << QStringList{"-c", "/nonexistent/x.pt"} << 2 << "checkpoint not found";
    QTest::newRow("positional") << QStringList{"data"} << 1 << "takes no positional argument";
  }
  void trainRefusesBadInput() {
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    QDir().mkpath(path("empty_data/case"));
    writeBytes(path("empty_data/case/prior.nii.gz").toStdString(), "x");
    writeBytes(path("a_file").toStdString(), "x");
    writeBytes(path("corrupt.pt").toStdString(), std::string(1000, 'z'));
    for (QString& a : arguments) {
      if (a == "EMPTY")
        a = path("empty_data");
      if (a == "FILE/runs")
        a = path("a_file") + "/runs";
      if (a == "CORRUPT")
        a = path("corrupt.pt");
    }
    QStringList full{"train", "--preset", "tiny", "--output", path("bad_runs"), "-n", "bad"};
    if (!arguments.contains("--data") && !arguments.contains("-c"))
      full << "--data" << path("train_data");
    if (arguments.contains("-c"))
      full = QStringList{"train", "--output", path("bad_runs")};
    const Run run = runLongmim(full + arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(!QFileInfo::exists(path("bad_runs/bad")));
  }

  void predictAPairAndADataset() {
    const QString checkpoint = path("runs/cli/longitudinal_mim_best.pt");
    QVERIFY(QFileInfo::exists(checkpoint));
    const QString pair = path("train_data/case_000/pair_000");
    const Run single = runLongmim({"predict", "--checkpoint", checkpoint, pair + "/prior.nii.gz",
                                   pair + "/current.nii.gz", "-o", path("pred.nii.gz"), "--png",
                                   path("pred.png"), "--ground-truth", pair + "/diff_map.nii.gz"});
    QVERIFY2(single.exitCode == 0, qPrintable(single.err));
    QVERIFY(single.out.contains("L1 ") && single.out.contains("SSIM "));
    const longmim::Image2D map = longmim::readImage2D(path("pred.nii.gz").toStdString());
    const longmim::Image2D current = longmim::readImage2D((pair + "/current.nii.gz").toStdString());
    QCOMPARE(map.rows, current.rows);  // in the follow-up's size and geometry
    QCOMPARE(map.cols, current.cols);
    QCOMPARE(map.geometry.spacing[0], current.geometry.spacing[0]);
    for (float v : map.pixels)
      QVERIFY(v > -1.0f && v < 1.0f);
    QCOMPARE(QImage(path("pred.png")).size(), QSize(current.cols, current.rows));

    const Run dataset = runLongmim({"predict", "--checkpoint", checkpoint, "--data",
                                    path("train_data"), "-o", path("predictions")});
    QVERIFY2(dataset.exitCode == 0, qPrintable(dataset.err));
    QVERIFY(dataset.out.contains("mean"));
    QVERIFY(QFileInfo::exists(path("predictions/case_003/pair_000/prediction.nii.gz")));
    QVERIFY(QFileInfo::exists(path("predictions/case_003/pair_000/overlay.png")));
    QFile csv(path("predictions/metrics.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), 11);  // header + 10 cases

    const Run bad =
        runLongmim({"predict", "--checkpoint", path("corrupt.pt"), pair + "/prior.nii.gz",
                    pair + "/current.nii.gz", "-o", path("never.nii.gz")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("corrupt or truncated checkpoint"));
    QVERIFY(!QFileInfo::exists(path("never.nii.gz")));
    QCOMPARE(runLongmim({"predict", "--checkpoint", checkpoint, "-o", path("x.nii.gz")}).exitCode,
             1);
    QCOMPARE(runLongmim({"predict", "--checkpoint", checkpoint, pair + "/prior.nii.gz",
                         pair + "/current.nii.gz", "-o", path("x.png")})
                 .exitCode,
             1);
  }

  // A follow-up from a DICOM export (extension-less, with its spacing and date) against a prior
  // from a PNG collection, neither square: the map comes back in the follow-up's own grid.
  void predictReadsDicomAndPng() {
    const QString checkpoint = path("runs/cli/longitudinal_mim_best.pt");
    QVERIFY(QFileInfo::exists(checkpoint));
    std::vector<short> values(40 * 48);
    std::vector<unsigned short> deep(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] = static_cast<short>((i % 48) * 20 + (i / 48) * 3);
      deep[i] = static_cast<unsigned short>(values[i] * 30);
    }
    QDir().mkpath(path("hospital"));
    longmim::test::writeTestDicom(path("hospital/IM0002").toStdString(), 40, 48, values,
                                  {{"0008|0022", "20240211"}}, 0.25, 0.5);
    longmim::test::writeTestRaster<unsigned short>(path("hospital/prior.png").toStdString(), 40, 48,
                                                   deep, itk::PNGImageIO::New());
    const Run run = runLongmim({"predict", "--checkpoint", checkpoint, path("hospital/prior.png"),
                                path("hospital/IM0002"), "-o", path("hospital/pred.nii.gz")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains("Prior date unknown, follow-up 2024-02-11 (acquisition)"),
             qPrintable(run.out));
    const longmim::Image2D map = longmim::readImage2D(path("hospital/pred.nii.gz").toStdString());
    QCOMPARE(map.rows, 40);
    QCOMPARE(map.cols, 48);
    QCOMPARE(map.geometry.spacing[0], 0.25);
    QCOMPARE(map.geometry.spacing[1], 0.5);
    // The overlay is written beside the map unless --png names another file.
    QCOMPARE(QImage(path("hospital/pred_overlay.png")).size(), QSize(48, 40));

    longmim::test::writeFileBytes(path("hospital/empty.png").toStdString(), {});
    const Run bad = runLongmim({"predict", "--checkpoint", checkpoint, path("hospital/empty.png"),
                                path("hospital/IM0002"), "-o", path("hospital/never.nii.gz")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(path("hospital/empty.png") + ": file is empty"), qPrintable(bad.err));
    QVERIFY(!QFileInfo::exists(path("hospital/never.nii.gz")));
  }

  void evaluateComparesWithTheBaselines() {
    const QString checkpoint = path("runs/cli/longitudinal_mim_best.pt");
    QVERIFY(QFileInfo::exists(checkpoint));
    // The run's own dataset: its validation pairs by default.
    const Run run = runLongmim({"evaluate", "--checkpoint", checkpoint, "--data",
                                path("train_data"), "--json", path("eval.json"), "--save"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    for (const char* text : {"(val split)", "subtraction", "AUC", "vs zeros", "x zeros"})
      QVERIFY2(run.out.contains(text), text);
    QFile file(path("eval.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const nlohmann::json report = nlohmann::json::parse(file.readAll().toStdString());
    QCOMPARE(report["split"].get<std::string>(), std::string("val"));
    QVERIFY(report["pairs"].get<int>() >= 1 && report["pairs"].get<int>() < 10);
    for (const char* method : {"model", "zeros", "subtraction"})
      QVERIFY2(report["summary"][method].contains("pearson_r"), method);
    QVERIFY(report["model_beats"]["zeros"].contains("auc"));
    QVERIFY(QFileInfo::exists(path("runs/cli/evaluation.json")));
    // Every pair with --split all.
    const Run all = runLongmim(
        {"evaluate", "--checkpoint", checkpoint, "--data", path("train_data"), "--split", "all"});
    QVERIFY2(all.exitCode == 0, qPrintable(all.err));
    QVERIFY(all.out.contains("10 pairs"));
    // Bad input: a clear message and the documented exit codes.
    const Run missing =
        runLongmim({"evaluate", "--checkpoint", checkpoint, "--data", path("no_such_data")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("no_such_data"), qPrintable(missing.err));
    const Run split = runLongmim(
        {"evaluate", "--checkpoint", checkpoint, "--data", path("train_data"), "--split", "test"});
    QCOMPARE(split.exitCode, 1);
    QVERIFY2(split.err.contains("--split"), qPrintable(split.err));
    QCOMPARE(runLongmim({"evaluate", "--data", path("train_data")}).exitCode, 1);
    // Without --data: the run's own dataset, hence its validation pairs.
    const Run own = runLongmim({"evaluate", "--checkpoint", checkpoint});
    QVERIFY2(own.exitCode == 0, qPrintable(own.err));
    QVERIFY2(own.out.contains("(val split)"), qPrintable(own.out));
  }

  void checkpointsAreReadableByPythonTorch() {
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import torch"});
    if (!probe.waitForFinished(120000) || probe.exitCode() != 0)
      QSKIP("python3-torch is not installed");
    QProcess python;
    python.start(
        "/usr/bin/python3",
        {"-c",
         "import sys, torch\n"
         "c = torch.load(sys.argv[1])\n"
         "print(sorted(k for k in ['model_state_dict', 'optimizer_state_dict', "
         "'scheduler_state_dict', 'epoch',"
         " 'train_loss', 'val_loss'] if k in c), c['epoch'], type(c['train_loss']).__name__,"
         " len(c['model_state_dict']), len(c['optimizer_state_dict']['param_groups']))\n",
         path("runs/cli/longitudinal_mim_epoch_2.pt")});
    QVERIFY(python.waitForFinished(120000));
    const QString out = python.readAllStandardOutput();
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    QVERIFY2(out.contains("['epoch', 'model_state_dict', 'optimizer_state_dict', "
                          "'scheduler_state_dict', 'train_loss', "
                          "'val_loss'] 2 float"),
             qPrintable(out));
  }

  void aPythonStateDictGivenToResumeIsNamedForWhatItIs() {
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import torch"});
    if (!probe.waitForFinished(120000) || probe.exitCode() != 0)
      QSKIP("python3-torch is not installed");
    const QString file = path("python_state_dict.pt");
    QProcess python;
    python.start("/usr/bin/python3",
                 {"-c",
                  "import sys, torch\n"
                  "torch.save({'conv.weight': torch.zeros(4, 1, 3, 3), 'conv.bias': "
                  "torch.zeros(4)}, sys.argv[1])\n",
                  file});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const Run run = runLongmim({"train", "-c", file});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(file + ": a PyTorch state dict (2 tensors, saved with torch.save), "
                                     "not a checkpoint of this program"),
             qPrintable(run.err));
    QVERIFY2(run.err.contains("--set PRETRAINED_WEIGHTS=" + file), qPrintable(run.err));
    QVERIFY(!run.err.contains("corrupt"));
  }

  void checkingChangesNothingOnDisk() {
    const std::string before =
        longmim::readWholeFile(path("bad/only/diff_map.nii.gz").toStdString());
    runLongmim({"data", "check", path("bad")});
    QCOMPARE(longmim::readWholeFile(path("bad/only/diff_map.nii.gz").toStdString()), before);
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
