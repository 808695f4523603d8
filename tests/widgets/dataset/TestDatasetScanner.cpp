// Tests the background dataset check: progress and result arrive on the GUI thread, a newer
// request replaces an older one, failures carry core's message, and destruction mid-check is safe.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "IsolatedSettings.h"
#include "TestImages.h"
#include "dataset/DatasetScanner.h"

using namespace longmim;
using namespace longmim::studio;
using namespace longmim::test;

class TestDatasetScanner : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir data_;
  QString smallRoot_;
  QString manyRoot_;

  QString at(const QString& relative) const { return data_.filePath(relative); }

 private Q_SLOTS:
  void initTestCase() {
    smallRoot_ = at(QStringLiteral("small"));
    for (int i = 0; i < 3; ++i)
      writeCase(at(QStringLiteral("small/case_%1").arg(i)).toStdString(), 8, 8, i);
    manyRoot_ = at(QStringLiteral("many"));
    for (int i = 0; i < 40; ++i)
      writeCase(at(QStringLiteral("many/case_%1").arg(i)).toStdString(), 64, 64, i);
  }

  void reportsProgressAndResultOnTheGuiThread() {
    DatasetScanner scanner;
    QSignalSpy finished(&scanner, &DatasetScanner::finished);
    QList<QPair<int, int>> progress;
    bool allOnGuiThread = true;
    connect(&scanner, &DatasetScanner::progressed, this, [&](int done, int total) {
      progress.append({done, total});
      allOnGuiThread = allOnGuiThread && QThread::currentThread() == thread();
    });
    size_t validCases = 0;
    connect(&scanner, &DatasetScanner::succeeded, this,
            [&](const PairIndex& index) { validCases = index.validCount(); });

    scanner.start(smallRoot_);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(validCases, size_t(3));
    QCOMPARE(progress.size(), 3);  // one per case, all delivered before the result
    QVERIFY(progress.contains(qMakePair(3, 3)));
    QVERIFY(allOnGuiThread);
    QVERIFY(!scanner.isRunning());
  }

  void aNewerRequestReplacesTheRunningOne() {
    DatasetScanner scanner;
    QSignalSpy finished(&scanner, &DatasetScanner::finished);
    QSignalSpy succeeded(&scanner, &DatasetScanner::succeeded);
    QSignalSpy progressed(&scanner, &DatasetScanner::progressed);
    QString reportedRoot;
    connect(&scanner, &DatasetScanner::succeeded, this,
            [&](const PairIndex& index) { reportedRoot = QString::fromStdString(index.root()); });

    scanner.start(manyRoot_);
    QVERIFY(progressed.wait(20000));  // the first check is under way
    QList<int> totalsAfterSwitch;
    connect(&scanner, &DatasetScanner::progressed, this,
            [&](int, int total) { totalsAfterSwitch.append(total); });
    scanner.start(smallRoot_);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(succeeded.size(), 1);
    QCOMPARE(reportedRoot, smallRoot_);
    // Progress the abandoned check made after the switch never reaches the UI.
    QCOMPARE(totalsAfterSwitch, QList<int>({3, 3, 3}));
  }

  void aMissingFolderFailsWithCoresMessage() {
    DatasetScanner scanner;
    QSignalSpy finished(&scanner, &DatasetScanner::finished);
    QSignalSpy failed(&scanner, &DatasetScanner::failed);
    const QString missing = at(QStringLiteral("missing"));
    scanner.start(missing);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).toString(), missing);
    QCOMPARE(failed.first().at(1).toString(), missing + QStringLiteral(": folder not found"));
  }

  void destroyingItMidCheckIsSafe() {
    auto scanner = std::make_unique<DatasetScanner>();
    QSignalSpy finished(scanner.get(), &DatasetScanner::finished);
    scanner->start(manyRoot_);
    scanner.reset();  // waits for the worker instead of leaving it writing to a dead object
    QCoreApplication::processEvents();  // queued progress for the destroyed scanner is dropped
    QCOMPARE(finished.size(), 0);
  }
};

QTEST_MAIN(TestDatasetScanner)
#include "TestDatasetScanner.moc"
