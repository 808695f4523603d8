// Disk full and read-only output, with a real `longmim train` process resuming a finished run
// from its first checkpoint, so that it must replace files that already exist. Its writes fail
// three ways: a file-size limit on the process (EFBIG; any user), a full tmpfs (ENOSPC) and a
// read-only remount (EROFS) -- the last two when the test runs as root and may mount. Each time
// the run stops with exit status 3 and a message naming the file and the reason, every checkpoint
// is byte for byte what it was, every file of the folder still reads, and no temporary file
// remains. A resume after the fault is gone completes the run.
#include <sys/resource.h>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "train/CheckpointStore.h"

using namespace longmim;

namespace {

const QString kBinary = QStringLiteral(LONGMIM_BINARY_DIR "/app/longmim");
const qint64 kPage = 4096;

struct Run {
  int exitCode = -1;
  QString err;
};

QByteArray contents(const QString& file) {
  QFile f(file);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every regular file of `dir` (not recursive), name -> bytes.
QMap<QString, QByteArray> snapshot(const QString& dir) {
  QMap<QString, QByteArray> files;
  for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::Files | QDir::Hidden))
    files.insert(info.fileName(), contents(info.filePath()));
  return files;
}

// What a tmpfs needs to hold these files (whole pages each).
qint64 pagesFor(const QMap<QString, QByteArray>& files) {
  qint64 bytes = 0;
  for (const QByteArray& b : files)
    bytes += (b.size() + kPage - 1) / kPage * kPage;
  return bytes;
}

bool copyFolder(const QString& from, const QString& to) {
  if (!QDir().mkpath(to))
    return false;
  for (const QFileInfo& info : QDir(from).entryInfoList(QDir::Files | QDir::Hidden)) {
    if (!QFile::copy(info.filePath(), to + "/" + info.fileName()))
      return false;
  }
  return true;
}

// A tmpfs mounted for the life of the object.
class Mount {
 public:
  Mount(const QString& dir, qint64 bytes) : dir_(dir) {
    QDir().mkpath(dir);
    mounted_ = QProcess::execute(
                   "mount",
                   {"-t", "tmpfs", "-o", QStringLiteral("size=%1").arg(bytes), "tmpfs", dir}) == 0;
  }
  ~Mount() {
    if (mounted_)
      QProcess::execute("umount", {"-l", dir_});
  }
  bool mounted() const { return mounted_; }
  bool remountReadOnly() const {
    return QProcess::execute("mount", {"-o", "remount,ro", dir_}) == 0;
  }

 private:
  QString dir_;
  bool mounted_ = false;
};

}  // namespace

class TestDiskFull : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString path(const QString& name) const { return dir_.filePath(name); }
  QString template_;  // a finished two-epoch run

  Run resume(const QString& runDir, const std::function<void()>& inChild = {}) {
    QProcess process;
    if (inChild)
      process.setChildProcessModifier(inChild);
    process.start(kBinary, {"train", "-c", runDir + "/longitudinal_mim_epoch_1.pt"});
    if (!process.waitForFinished(300000))
      return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardError())};
  }

  // The run stopped with `reason` and left its folder as readable as before.
  void checkStoppedAndIntact(const Run& run, const QString& runDir,
                             const QMap<QString, QByteArray>& before, const QString& reason,
                             const QString& failedFile) {
    qInfo("longmim said: %s", qPrintable(run.err.trimmed()));
    QVERIFY2(run.exitCode == 3,
             qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
    QVERIFY2(run.err.contains(failedFile), qPrintable(run.err));
    QVERIFY2(run.err.contains(reason), qPrintable(run.err));
    for (auto it = before.begin(); it != before.end(); ++it) {
      if (it.key().endsWith(".pt"))
        QVERIFY2(contents(runDir + "/" + it.key()) == it.value(),
                 qPrintable(it.key() + " changed"));
    }
    for (const QFileInfo& info : QDir(runDir).entryInfoList(QDir::Files | QDir::Hidden)) {
      QVERIFY2(!info.fileName().contains(".tmp-"),
               qPrintable(info.fileName() + " (a temporary file) was left behind"));
      if (info.fileName().endsWith(".pt")) {
        try {
          loadCheckpoint(info.filePath().toStdString());
        } catch (const std::exception& e) {
          QFAIL(e.what());
        }
      }
    }
    try {
      std::ifstream in((runDir + "/training_params.json").toStdString());
      const nlohmann::json params = nlohmann::json::parse(in);
      QVERIFY(params.is_object());
    } catch (const std::exception& e) {
      QFAIL(qPrintable("training_params.json: " + QString(e.what())));
    }
    const QList<QByteArray> lines = contents(runDir + "/metrics.csv").split('\n');
    QVERIFY2(lines.last().isEmpty(), "metrics.csv ends inside a row");
    for (qsizetype i = 1; i + 1 < lines.size(); ++i)
      QCOMPARE(lines[i].count(','), lines.first().count(','));
  }

  static bool canMount() { return ::geteuid() == 0; }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QProcess synth;
    synth.start(kBinary, {"synth", "-n", "8", "-o", path("data"), "--size", "64", "--seed", "5"});
    QVERIFY(synth.waitForFinished(120000));
    QCOMPARE(synth.exitCode(), 0);
    QProcess train;
    train.start(kBinary, {"train", "--preset", "tiny", "--data", path("data"), "--output",
                          path("runs"), "-n", "template", "--set", "LONGITUDINAL_MIM_EPOCHS=2",
                          "--set", "LOADER_THREADS=1"});
    QVERIFY(train.waitForFinished(300000));
    QVERIFY2(train.exitCode() == 0, train.readAllStandardError().constData());
    template_ = path("runs/template");
    QVERIFY(QFileInfo::exists(template_ + "/longitudinal_mim_epoch_2.pt"));
  }

  // Any user: files may not grow past 256 kB, so the checkpoint write fails (EFBIG) while the
  // small training_params.json and metrics.csv still go through.
  void aFileSizeLimitStopsTheRunAndKeepsThePreviousCheckpoint() {
    const QString runDir = path("limit/run");
    QVERIFY(copyFolder(template_, runDir));
    const QMap<QString, QByteArray> before = snapshot(runDir);
    const Run run = resume(runDir, [] {
      std::signal(SIGXFSZ, SIG_IGN);  // fail the write instead of killing the process
      rlimit limit{};
      getrlimit(RLIMIT_FSIZE, &limit);
      limit.rlim_cur = 256 * 1024;
      setrlimit(RLIMIT_FSIZE, &limit);
    });
    checkStoppedAndIntact(run, runDir, before, "File too large",
                          runDir + "/longitudinal_mim_epoch_2.pt");
    QVERIFY2(run.err.contains("continue with -c " + runDir + "/longitudinal_mim_epoch_1.pt"),
             qPrintable(run.err));
    std::ifstream in((runDir + "/training_params.json").toStdString());
    const nlohmann::json params = nlohmann::json::parse(in);
    QCOMPARE(QString::fromStdString(params.at("status").get<std::string>()), QString("failed"));

    const Run again = resume(runDir);  // the limit is gone
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
  }

  // Root: a tmpfs with room for the run's files and 256 kB more fills up during the checkpoint.
  void aFullDiskStopsTheRunAndKeepsThePreviousCheckpoint() {
    if (!canMount())
      QSKIP("mounting a small tmpfs needs root; the file-size limit case covers the same writes");
    const QMap<QString, QByteArray> files = snapshot(template_);
    const Mount disk(path("full"), pagesFor(files) + 64 * kPage);
    if (!disk.mounted())
      QSKIP("cannot mount a tmpfs here (no CAP_SYS_ADMIN)");
    const QString runDir = path("full/run");
    QVERIFY(copyFolder(template_, runDir));
    const Run run = resume(runDir);
    checkStoppedAndIntact(run, runDir, files, "No space left on device",
                          runDir + "/longitudinal_mim_epoch_2.pt");
  }

  // Root: the output folder's file system is remounted read-only before the resume.
  void aReadOnlyOutputStopsTheRunAndChangesNothing() {
    if (!canMount())
      QSKIP("remounting a file system read-only needs root");
    const QMap<QString, QByteArray> files = snapshot(template_);
    const Mount disk(path("readonly"), pagesFor(files) * 2 + 64 * kPage);
    if (!disk.mounted())
      QSKIP("cannot mount a tmpfs here (no CAP_SYS_ADMIN)");
    const QString runDir = path("readonly/run");
    QVERIFY(copyFolder(template_, runDir));
    QVERIFY(disk.remountReadOnly());
    const Run run = resume(runDir);
    checkStoppedAndIntact(run, runDir, files, "Read-only file system", runDir);
    QCOMPARE(snapshot(runDir), files);  // not one byte written
  }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "TestDiskFull.moc"
