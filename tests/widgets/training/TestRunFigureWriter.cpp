// Tests how the studio keeps a run's figures current: a drawing is a `longmim plot RUN_DIR`
// process at the trainer's niceness; during a run at most one per minimum interval (requests in
// between become one, for the newest state), requestNow() draws at once, waitForIdle() draws what
// is deferred; a tool that fails is reported with its output. The tool here is a script that
// records its arguments and its niceness.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "training/RunFigureWriter.h"

using namespace longmim::studio;

class TestRunFigureWriter : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString tool_;
  QString log_;

  QStringList drawn() const {
    QFile file(log_);
    if (!file.open(QIODevice::ReadOnly))
      return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    log_ = dir_.filePath(QStringLiteral("drawn.log"));
    tool_ = dir_.filePath(QStringLiteral("fake-longmim"));
    QFile script(tool_);
    QVERIFY(script.open(QIODevice::WriteOnly));
    // Field 19 of /proc/PID/stat is the niceness. A run folder named "broken" fails.
    script.write(QStringLiteral("#!/bin/sh\n"
                                "echo \"$1 $2 $(cut -d' ' -f19 /proc/$$/stat)\" >> '%1'\n"
                                "case \"$2\" in *broken) echo \"cannot read $2\"; exit 3;; "
                                "*slow) exec sleep 60;; esac\n")
                     .arg(log_)
                     .toUtf8());
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
  }

  void init() { QFile::remove(log_); }

  void duringARunDrawingsAreAtMostOnePerInterval() {
    RunFigureWriter writer;
    writer.setProgram(tool_);
    writer.setMinimumInterval(60000);
    QSignalSpy written(&writer, &RunFigureWriter::written);
    writer.request(QStringLiteral("/runs/a"));  // the first: at once
    QVERIFY(written.wait(10000));
    writer.request(QStringLiteral("/runs/a"));  // within the minute: deferred
    writer.request(QStringLiteral("/runs/a"));  // ... and the same one
    QVERIFY(writer.isDeferred());
    QVERIFY(!writer.isBusy());
    QCOMPARE(drawn().size(), 1);
    QCOMPARE(drawn().at(0), QStringLiteral("plot /runs/a 10"));  // the trainer's niceness

    // The run ends: drawn now, and nothing is left deferred.
    writer.requestNow(QStringLiteral("/runs/a"));
    QVERIFY(!writer.isDeferred());
    QVERIFY(writer.waitForIdle(10000));
    QCOMPARE(drawn().size(), 2);
  }

  void aDeferredDrawingIsDrawnWhenItsTimeComesOrOnWaitForIdle() {
    RunFigureWriter writer;
    writer.setProgram(tool_);
    writer.setMinimumInterval(300);
    QSignalSpy written(&writer, &RunFigureWriter::written);
    writer.request(QStringLiteral("/runs/b"));
    writer.request(QStringLiteral("/runs/b"));
    QVERIFY(writer.isDeferred());
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 2, 10000);  // the timer drew the deferred one
    QCOMPARE(drawn().size(), 2);

    writer.setMinimumInterval(600000);
    writer.request(QStringLiteral("/runs/b"));
    QVERIFY(writer.isDeferred());
    QVERIFY(writer.waitForIdle(10000));  // closing the window: drawn, not lost
    QCOMPARE(drawn().size(), 3);
  }

  void aFailingDrawingIsReportedWithItsOutput() {
    RunFigureWriter writer;
    writer.setProgram(tool_);
    QSignalSpy failed(&writer, &RunFigureWriter::failed);
    writer.requestNow(QStringLiteral("/runs/broken"));
    QVERIFY(failed.wait(10000));
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("/runs/broken")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("cannot read")), qPrintable(message));
  }

  void destroyedWhileDrawingItWaitsThenKillsTheDrawing() {
    auto* writer = new RunFigureWriter;
    writer->setProgram(tool_);
    QSignalSpy written(writer, &RunFigureWriter::written);
    QSignalSpy failed(writer, &RunFigureWriter::failed);
    writer->requestNow(QStringLiteral("/runs/slow"));
    QTRY_COMPARE(drawn().size(), 1);  // the tool runs
    QVERIFY(writer->isBusy());
    delete writer;  // the drawing outlives the 10 s it is given: killed, nothing reported
    QCOMPARE(written.count(), 0);
    QCOMPARE(failed.count(), 0);
  }

  void aMissingToolIsReportedNotCrashed() {
    RunFigureWriter writer;
    writer.setProgram(QString());
    QSignalSpy failed(&writer, &RunFigureWriter::failed);
    writer.requestNow(QStringLiteral("/runs/c"));
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("LONGMIM_CLI")));
  }
};

QTEST_GUILESS_MAIN(TestRunFigureWriter)
#include "TestRunFigureWriter.moc"
