// `longmim train` as several worker processes on c10d (issue 13), end to end on loopback: the
// --nproc launcher, workers started by hand with torchrun's variables, a resume of a 2-worker
// checkpoint in one process, and a worker that dies.
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <signal.h>
#include <unistd.h>

#include "dist/FreePort.h"

namespace {

const QString kCli = QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim");

int freePort() {
  return longmim::dist::freeLoopbackPort();
}

void startWorker(QProcess& process, int rank, int port, const QStringList& arguments) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("RANK", QString::number(rank));
  env.insert("WORLD_SIZE", "2");
  env.insert("MASTER_ADDR", "127.0.0.1");
  env.insert("MASTER_PORT", QString::number(port));
  env.insert("LONGMIM_DIST_TIMEOUT", "60");
  process.setProcessEnvironment(env);
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.start(kCli, arguments);
}

}  // namespace

class TestDistributedTraining : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString path(const QString& name) const { return dir_.filePath(name); }

  QStringList trainArguments(const QString& name, int epochs) const {
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
            QStringLiteral("LONGITUDINAL_MIM_EPOCHS=%1").arg(epochs)};
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QProcess synth;
    synth.start(kCli, {"synth", "-n", "8", "-o", path("data"), "--size", "64", "--seed", "5"});
    QVERIFY(synth.waitForFinished(300000));
    QCOMPARE(synth.exitCode(), 0);
  }

  void launcherTrainsOneRunWithTwoWorkers() {
    QProcess train;
    train.setProcessChannelMode(QProcess::MergedChannels);
    train.start(kCli, trainArguments("pair", 2) << "--nproc"
                                                << "2");
    QVERIFY(train.waitForFinished(600000));
    const QString out = QString::fromUtf8(train.readAll());
    QVERIFY2(train.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains("Starting 2 worker processes (ranks 0..1 of 2"), qPrintable(out));
    QVERIFY2(out.contains("2 workers: effective batch 2 x 1 x 2 = 4 pairs per optimizer step"),
             qPrintable(out));
    QVERIFY2(out.contains("Training complete: 2 epochs"), qPrintable(out));
    // One run folder, written once (rank 0), and one "Run" line.
    QCOMPARE(out.count("Run " + path("runs")), 1);
    QCOMPARE(QDir(path("runs")).entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList{"pair"});
    for (const char* file : {"longitudinal_mim_epoch_2.pt", "longitudinal_mim_best.pt",
                             "metrics.csv", "training_params.json"}) {
      QVERIFY2(QFileInfo::exists(path("runs/pair/") + file), file);
    }
    // Each worker trained half of the 6 training pairs: 2 batches of at most 2 per epoch.
    QFile params(path("runs/pair/training_params.json"));
    QVERIFY(params.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(params.readAll()).object().value("status").toString(),
             QStringLiteral("completed"));

    // The validation metrics, summed over the two shards, are those one process computes for the
    // saved weights (rank 0's, BatchNorm statistics included).
    QProcess evaluate;
    evaluate.start(kCli, {"evaluate", "--checkpoint", path("runs/pair/longitudinal_mim_epoch_2.pt"),
                          "--data", path("data"), "--split", "val", "--json", path("eval.json")});
    QVERIFY(evaluate.waitForFinished(300000));
    QCOMPARE(evaluate.exitCode(), 0);
    QFile json(path("eval.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject model = QJsonDocument::fromJson(json.readAll())
                                  .object()
                                  .value("summary")
                                  .toObject()
                                  .value("model")
                                  .toObject();
    QFile csv(path("runs/pair/metrics.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    const QList<QByteArray> header = lines.first().split(',');
    const QList<QByteArray> last = lines.last().split(',');  // epoch 2, validation
    QCOMPARE(last.at(header.indexOf("split")), QByteArray("val"));
    QCOMPARE(last.at(header.indexOf("epoch")), QByteArray("2"));
    const double l1 = last.at(header.indexOf("L1")).toDouble();
    QVERIFY2(std::fabs(l1 - model.value("l1").toDouble()) < 1e-6,
             qPrintable(QString("%1 vs %2").arg(l1).arg(model.value("l1").toDouble())));
    const QByteArray r = last.at(header.indexOf("val_pearson_r"));
    if (!r.isEmpty())
      QVERIFY(std::fabs(r.toDouble() - model.value("pearson_r").toDouble()) < 1e-6);
  }

  // Launcher options that cannot work are refused before anything starts, naming the option.
  void badLauncherOptionsAreRefused_data() {
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("message");
    QTest::newRow("no workers") << QStringList{"--nproc", "0"}
                                << "--nproc must be a whole number of at least 1 (got '0')";
    QTest::newRow("not a number") << QStringList{"--nproc", "two"}
                                  << "--nproc must be a whole number of at least 1 (got 'two')";
    QTest::newRow("node rank") << QStringList{"--nnodes", "2", "--node-rank", "2"}
                               << "--node-rank must be below --nnodes";
    QTest::newRow("several machines, no port")
        << QStringList{"--nnodes", "2", "--node-rank", "1", "--master-addr", "127.0.0.1"}
        << "--master-port is needed when the run spans several machines";
    QTest::newRow("backend") << QStringList{"--backend", "mpi"}
                             << "--backend must be auto, gloo or nccl (got 'mpi')";
  }
  void badLauncherOptionsAreRefused() {
    QFETCH(QStringList, options);
    QFETCH(QString, message);
    QProcess train;
    train.start(kCli, trainArguments("refused", 1) + options);
    QVERIFY(train.waitForFinished(120000));
    const QString err = QString::fromUtf8(train.readAllStandardError());
    QCOMPARE(train.exitCode(), 1);
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(!QFileInfo::exists(path("runs/refused")));
  }

  // A checkpoint of the 2-worker run goes on in one process (the schedule and position are
  // global).
  void twoWorkerCheckpointResumesInOneProcess() {
    const QString checkpoint = path("runs/pair/longitudinal_mim_epoch_1.pt");
    QVERIFY(QFileInfo::exists(checkpoint));
    QProcess resume;
    resume.setProcessChannelMode(QProcess::MergedChannels);
    resume.start(kCli, {"train", "-c", checkpoint});
    QVERIFY(resume.waitForFinished(600000));
    const QString out = QString::fromUtf8(resume.readAll());
    QVERIFY2(resume.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains("Resuming ") && out.contains("Training complete: 2 epochs"),
             qPrintable(out));
  }

  // Two processes started by hand with torchrun's variables form one run, as a cluster's
  // launcher (srun, mpirun wrappers) starts them.
  void workersStartedByHandFormOneRun() {
    const int port = freePort();
    QProcess rank0;
    QProcess rank1;
    startWorker(rank0, 0, port, trainArguments("byhand", 1));
    startWorker(rank1, 1, port, trainArguments("byhand", 1));
    QVERIFY(rank0.waitForFinished(600000));
    QVERIFY(rank1.waitForFinished(600000));
    const QString out0 = QString::fromUtf8(rank0.readAll());
    const QString out1 = QString::fromUtf8(rank1.readAll());
    QVERIFY2(rank0.exitCode() == 0, qPrintable(out0));
    QVERIFY2(rank1.exitCode() == 0, qPrintable(out1));
    QVERIFY2(out0.contains("Training complete: 1 epochs"), qPrintable(out0));
    QVERIFY2(!out1.contains("Training complete"), qPrintable(out1));  // rank 0 speaks for the run
    QVERIFY(QFileInfo::exists(path("runs/byhand/longitudinal_mim_epoch_1.pt")));
  }

  // Ctrl-C on the launcher: rank 0 stops every worker at the same batch with one interrupted
  // checkpoint, which the same number of workers resumes to the end.
  void ctrlCWritesOneCheckpointThatResumes() {
    QProcess train;
    train.setProcessChannelMode(QProcess::MergedChannels);
    train.start(kCli, trainArguments("ctrlc", 8) << "--nproc"
                                                 << "2");
    QString out;
    while (!out.contains("Epoch 1/8")) {
      QVERIFY2(train.waitForReadyRead(300000), qPrintable(out));
      out += QString::fromUtf8(train.readAll());
    }
    ::kill(static_cast<pid_t>(train.processId()), SIGINT);
    QVERIFY(train.waitForFinished(300000));
    out += QString::fromUtf8(train.readAll());
    QVERIFY2(train.exitCode() == 130, qPrintable(out));
    const QString checkpoint = path("runs/ctrlc/longitudinal_mim_interrupted.pt");
    QVERIFY2(QFileInfo::exists(checkpoint), qPrintable(out));
    QCOMPARE(out.count("Interrupted: "), 1);

    QProcess resume;
    resume.setProcessChannelMode(QProcess::MergedChannels);
    resume.start(kCli, {"train", "-c", checkpoint, "--nproc", "2"});
    QVERIFY(resume.waitForFinished(600000));
    const QString resumed = QString::fromUtf8(resume.readAll());
    QVERIFY2(resume.exitCode() == 0, qPrintable(resumed));
    QVERIFY2(resumed.contains("Training complete: 8 epochs"), qPrintable(resumed));
  }

  // A worker killed mid-run: the other stops with a message naming itself and the failed
  // collective, instead of waiting for ever.
  void aDeadWorkerStopsTheOther() {
    const int port = freePort();
    QProcess rank0;
    QProcess rank1;
    startWorker(rank0, 0, port, trainArguments("dead", 200));
    startWorker(rank1, 1, port, trainArguments("dead", 200));
    QString out0;
    while (!out0.contains("Epoch 1/200")) {
      QVERIFY2(rank0.waitForReadyRead(300000), qPrintable(out0));
      out0 += QString::fromUtf8(rank0.readAll());
    }
    rank1.kill();
    QVERIFY(rank1.waitForFinished(60000));
    QVERIFY(rank0.waitForFinished(300000));
    out0 += QString::fromUtf8(rank0.readAll());
    QVERIFY2(rank0.exitCode() != 0, qPrintable(out0));
    QVERIFY2(out0.contains("worker 0 of 2:") && out0.contains("another worker stopped"),
             qPrintable(out0));
  }
};

QTEST_GUILESS_MAIN(TestDistributedTraining)
#include "TestDistributedTraining.moc"
