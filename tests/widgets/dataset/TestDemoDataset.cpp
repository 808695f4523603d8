// Tests the embedded demo dataset as a user meets it: the first start generates it with visible
// progress and opens it, later starts open it as it is, File > Open Demo Dataset works, and
// cancelling or closing the window mid-way leaves only complete pairs that a later start completes.
#include <QDirIterator>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include "IsolatedSettings.h"
#include "TestImages.h"
#include "dataset/DatasetScanner.h"
#include "dataset/DemoDatasetGenerator.h"
#include "dataset/RecentDatasets.h"
#include "shell/MainWindow.h"
#include "shell/StudioSettings.h"
#include "synth/DemoDataset.h"

using namespace longmim::studio;
using namespace longmim::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWaitMs = 300000;  // generous: the suite may share two cores with a compiler

const QStringList kPairFiles = {QStringLiteral("prior.nii.gz"), QStringLiteral("current.nii.gz"),
                                QStringLiteral("diff_map.nii.gz"), QStringLiteral("params.json")};

QStringList entriesUnder(const QString& root) {
  QStringList entries;
  QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                  QDirIterator::Subdirectories);
  while (it.hasNext())
    entries << it.next();
  return entries;
}

// Temporary folders of unfinished pairs are hidden ('.'-prefixed).
QStringList hiddenEntriesUnder(const QString& root) {
  QStringList hidden;
  for (const QString& entry : entriesUnder(root)) {
    if (QFileInfo(entry).fileName().startsWith(QLatin1Char('.')))
      hidden << entry;
  }
  return hidden;
}

bool isCompletePair(const QString& folder) {
  return std::all_of(kPairFiles.begin(), kPairFiles.end(), [&folder](const QString& name) {
    return QFileInfo(QDir(folder).filePath(name)).isFile();
  });
}

QStringList pairFoldersUnder(const QString& root) {
  QStringList folders;
  for (const QString& entry : entriesUnder(root)) {
    const QFileInfo info(entry);
    if (info.isDir() && info.fileName().startsWith(QStringLiteral("pair_")))
      folders << entry;
  }
  folders.sort();
  return folders;
}

QStringList incompletePairFoldersUnder(const QString& root) {
  QStringList incomplete;
  for (const QString& folder : pairFoldersUnder(root)) {
    if (!isCompletePair(folder))
      incomplete << folder;
  }
  return incomplete;
}

// Every file's modification time, to the nanosecond: rewriting a file changes it.
std::map<std::string, fs::file_time_type> modificationTimes(const QString& root) {
  std::map<std::string, fs::file_time_type> times;
  for (const auto& entry : fs::recursive_directory_iterator(root.toStdString())) {
    if (entry.is_regular_file())
      times[entry.path().string()] = entry.last_write_time();
  }
  return times;
}

}  // namespace

class TestDemoDataset : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir data_;
  QString demoDir_;

  static DemoDatasetGenerator* generator(const MainWindow& window) {
    return window.findChild<DemoDatasetGenerator*>();
  }
  static QWidget* progressWidget(const MainWindow& window) {
    return window.findChild<QWidget*>(QStringLiteral("demoProgress"));
  }
  static QLabel* progressLabel(const MainWindow& window) {
    return window.findChild<QLabel*>(QStringLiteral("demoProgressLabel"));
  }
  static QString summary(const MainWindow& window) {
    return window.findChild<QLabel*>(QStringLiteral("datasetSummaryLabel"))->text();
  }
  static int caseRows(const MainWindow& window) {
    return window.findChild<QTableWidget*>(QStringLiteral("caseTable"))->rowCount();
  }
  static QString logText(const MainWindow& window) {
    return window.findChild<QPlainTextEdit*>(QStringLiteral("logView"))->toPlainText();
  }

  // Starts the studio as main() does without --data, and waits until the demo is open.
  void startAndWaitUntilOpen(MainWindow& window) {
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openStartupDataset(QString());
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.first().first().toString(), demoDir_);
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(studioSettings().fileName().startsWith(settings_.path())); }

  // Each test gets an empty demo folder of its own and a fresh studio without a last dataset.
  void init() {
    studioSettings().clear();
    demoDir_ = data_.filePath(QString::fromLatin1(QTest::currentTestFunction()));
    qputenv("LONGMIM_DEMO_DIR", demoDir_.toLocal8Bit());
    qputenv("LONGMIM_DEMO_PAIRS", "3");
    QCOMPARE(QString::fromStdString(longmim::synth::defaultDemoDatasetDir()), demoDir_);
  }

  void aFirstStartGeneratesTheDemoWithProgressThenOpensIt() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QWidget* progress = progressWidget(window);
    QVERIFY(progress && !progress->isVisible());

    // What the user sees at each progress report.
    QStringList shown;
    bool alwaysVisible = true;
    bool onGuiThread = true;
    connect(generator(window), &DemoDatasetGenerator::progressed, this, [&](int, int) {
      shown << progressLabel(window)->text();
      alwaysVisible = alwaysVisible && progress->isVisible();
      onGuiThread = onGuiThread && QThread::currentThread() == thread();
    });
    QSignalSpy opened(&window, &MainWindow::datasetOpened);

    window.openStartupDataset(QString());
    QVERIFY(progress->isVisible());  // at once, before the first pair is done
    QVERIFY(window.findChild<QPushButton*>(QStringLiteral("cancelDemoButton"))->isVisible());
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.first().first().toString(), demoDir_);

    QVERIFY2(shown.size() >= 2, qPrintable(shown.join(QStringLiteral(" | "))));
    QCOMPARE(shown.first(), QStringLiteral("Generating the demo dataset: 0/3 pairs"));
    QCOMPARE(shown.last(), QStringLiteral("Generating the demo dataset: 3/3 pairs"));
    const QRegularExpression pattern(
        QStringLiteral("^Generating the demo dataset: (\\d)/3 pairs$"));
    int previous = -1;
    for (const QString& text : shown) {
      const QRegularExpressionMatch match = pattern.match(text);
      QVERIFY2(match.hasMatch(), qPrintable(text));
      QVERIFY2(match.captured(1).toInt() > previous, qPrintable(shown.join(QStringLiteral(" | "))));
      previous = match.captured(1).toInt();
    }
    QVERIFY(alwaysVisible);
    QVERIFY(onGuiThread);

    QVERIFY(!progress->isVisible());
    QCOMPARE(summary(window), QStringLiteral("3 valid, 0 invalid cases"));
    QCOMPARE(caseRows(window), 3);
    QVERIFY(longmim::synth::isDemoDatasetComplete(demoDir_.toStdString()));
    QCOMPARE(hiddenEntriesUnder(demoDir_), QStringList());
    QCOMPARE(RecentDatasets().last(), demoDir_);
    QTRY_VERIFY2(logText(window).contains(QStringLiteral("Generated the demo dataset in ") +
                                          demoDir_ + QStringLiteral(": 3 pairs in ")),
                 qPrintable(logText(window)));
  }

  void aSecondStartOpensTheDemoWithoutRegenerating() {
    {
      MainWindow first;
      first.show();
      startAndWaitUntilOpen(first);
    }
    QCOMPARE(pairFoldersUnder(demoDir_).size(), 3);
    const auto before = modificationTimes(demoDir_);

    // The usual second start: the demo is the last dataset opened.
    {
      MainWindow second;
      second.show();
      QSignalSpy started(generator(second), &DemoDatasetGenerator::started);
      startAndWaitUntilOpen(second);
      QCOMPARE(started.size(), 0);
      QVERIFY(!progressWidget(second)->isVisible());
      QCOMPARE(summary(second), QStringLiteral("3 valid, 0 invalid cases"));
      QCOMPARE(caseRows(second), 3);
    }

    // The last dataset is gone: the studio says so and falls back to the demo, as it is.
    const QString gone = data_.filePath(QStringLiteral("gone"));
    RecentDatasets().add(gone);
    {
      MainWindow third;
      third.show();
      QSignalSpy started(generator(third), &DemoDatasetGenerator::started);
      startAndWaitUntilOpen(third);
      QCOMPARE(started.size(), 0);
      QCOMPARE(summary(third), QStringLiteral("3 valid, 0 invalid cases"));
      QTRY_VERIFY2(logText(third).contains(QStringLiteral("warning: the last dataset, ") + gone +
                                           QStringLiteral(", is no longer there")),
                   qPrintable(logText(third)));
    }
    QVERIFY(modificationTimes(demoDir_) == before);
  }

  void aDataArgumentWinsOverTheDemo() {
    const QString other = data_.filePath(QStringLiteral("other"));
    writeCase(QDir(other).filePath(QStringLiteral("case_a")).toStdString(), 8, 8, 0);
    MainWindow window;
    window.show();
    QSignalSpy started(generator(window), &DemoDatasetGenerator::started);
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openStartupDataset(other);
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.first().first().toString(), other);
    QCOMPARE(started.size(), 0);
    QVERIFY(!QFileInfo::exists(demoDir_));
    QCOMPARE(summary(window), QStringLiteral("1 valid, 0 invalid cases"));
  }

  void theFileMenuOpensTheDemoDataset() {
    const QString other = data_.filePath(QStringLiteral("another"));
    writeCase(QDir(other).filePath(QStringLiteral("case_a")).toStdString(), 8, 8, 0);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(other);
    QVERIFY(opened.wait(kWaitMs));

    auto* action = window.findChild<QAction*>(QStringLiteral("openDemoDatasetAction"));
    QVERIFY(action);
    QCOMPARE(action->text().remove(QLatin1Char('&')), QStringLiteral("Open Demo Dataset"));
    QVERIFY(window.findChild<QMenu*>(QStringLiteral("fileMenu"))->actions().contains(action));

    // Missing: generated first, then opened in place of the dataset that was open.
    QSignalSpy started(generator(window), &DemoDatasetGenerator::started);
    action->trigger();
    QCOMPARE(started.size(), 1);
    QVERIFY(progressWidget(window)->isVisible());
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.last().first().toString(), demoDir_);
    QCOMPARE(summary(window), QStringLiteral("3 valid, 0 invalid cases"));
    QCOMPARE(caseRows(window), 3);

    // Present: opened as it is.
    window.openDataset(other);
    QVERIFY(opened.wait(kWaitMs));
    const auto before = modificationTimes(demoDir_);
    action->trigger();
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.last().first().toString(), demoDir_);
    QCOMPARE(started.size(), 1);
    QCOMPARE(caseRows(window), 3);
    QVERIFY(modificationTimes(demoDir_) == before);
  }

  void aDatasetOpenedDuringGenerationStaysOpen() {
    const QString other = data_.filePath(QStringLiteral("chosen"));
    writeCase(QDir(other).filePath(QStringLiteral("case_a")).toStdString(), 8, 8, 0);
    MainWindow window;
    window.show();
    QSignalSpy finished(generator(window), &DemoDatasetGenerator::finished);
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openStartupDataset(QString());
    window.openDataset(other);  // the user picks a dataset before the demo is ready
    QVERIFY(finished.wait(kWaitMs));
    QTRY_COMPARE(opened.size(), 1);
    QCOMPARE(opened.first().first().toString(), other);
    QVERIFY(!window.findChild<DatasetScanner*>()->isRunning());  // no check of the demo follows
    QCOMPARE(summary(window), QStringLiteral("1 valid, 0 invalid cases"));
    QVERIFY(longmim::synth::isDemoDatasetComplete(demoDir_.toStdString()));
  }

  void cancellingKeepsOnlyCompletePairsAndALaterStartCompletesThem() {
    // The pairs in progress are finished when cancelling, one per core: more pairs than cores make
    // sure the cancel lands mid-way.
    const int count = std::max(3, static_cast<int>(std::thread::hardware_concurrency()) + 2);
    qputenv("LONGMIM_DEMO_PAIRS", QByteArray::number(count));
    std::map<std::string, fs::file_time_type> kept;
    {
      MainWindow window;
      window.show();
      DemoDatasetGenerator* demo = generator(window);
      QSignalSpy progressed(demo, &DemoDatasetGenerator::progressed);
      QSignalSpy cancelled(demo, &DemoDatasetGenerator::cancelled);
      QSignalSpy finished(demo, &DemoDatasetGenerator::finished);
      QSignalSpy opened(&window, &MainWindow::datasetOpened);
      window.openStartupDataset(QString());
      while (progressed.isEmpty() || progressed.last().first().toInt() < 1)
        QVERIFY(progressed.wait(kWaitMs));

      auto* cancel = window.findChild<QPushButton*>(QStringLiteral("cancelDemoButton"));
      QVERIFY(cancel->isVisible() && cancel->isEnabled());
      QTest::mouseClick(cancel, Qt::LeftButton);
      QVERIFY(!cancel->isEnabled());
      QVERIFY2(progressLabel(window)->text().startsWith(QStringLiteral("Cancelling")),
               qPrintable(progressLabel(window)->text()));
      QVERIFY(cancelled.wait(kWaitMs));
      QCOMPARE(finished.size(), 0);
      QCOMPARE(opened.size(), 0);
      QVERIFY(!progressWidget(window)->isVisible());
      QCOMPARE(summary(window), QStringLiteral("No dataset"));
      QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("cancelled")),
               qPrintable(window.statusBar()->currentMessage()));
      QTRY_VERIFY2(logText(window).contains(QStringLiteral("Generation of the demo dataset in ") +
                                            demoDir_ + QStringLiteral(" cancelled")),
                   qPrintable(logText(window)));

      QCOMPARE(hiddenEntriesUnder(demoDir_), QStringList());
      QCOMPARE(incompletePairFoldersUnder(demoDir_), QStringList());
      const int complete = static_cast<int>(pairFoldersUnder(demoDir_).size());
      QVERIFY2(complete >= 1 && complete < count, qPrintable(QString::number(complete)));
      QVERIFY(!longmim::synth::isDemoDatasetComplete(demoDir_.toStdString()));
      kept = modificationTimes(demoDir_);
    }

    // A later start continues from the pairs written: they stay as they are.
    MainWindow later;
    later.show();
    startAndWaitUntilOpen(later);
    QCOMPARE(summary(later), QStringLiteral("%1 valid, 0 invalid cases").arg(count));
    QCOMPARE(caseRows(later), count);
    QCOMPARE(hiddenEntriesUnder(demoDir_), QStringList());
    const auto now = modificationTimes(demoDir_);
    for (const auto& [path, time] : kept) {
      if (QFileInfo(QString::fromStdString(path)).fileName() ==
          QStringLiteral("synth_settings.json"))
        continue;  // rewritten at each run
      QVERIFY2(now.count(path) == 1 && now.at(path) == time, path.c_str());
    }
  }

  void closingTheWindowMidGenerationStopsCleanly() {
    auto window = std::make_unique<MainWindow>();
    window->show();
    QSignalSpy progressed(generator(*window), &DemoDatasetGenerator::progressed);
    window->openStartupDataset(QString());
    // A pair is written, others are in progress.
    while (progressed.isEmpty() || progressed.last().first().toInt() < 1)
      QVERIFY(progressed.wait(kWaitMs));
    QVERIFY(window->close());
    window.reset();                     // waits for the pairs in progress
    QCoreApplication::processEvents();  // reports queued for the destroyed window are dropped

    QCOMPARE(hiddenEntriesUnder(demoDir_), QStringList());
    QCOMPARE(incompletePairFoldersUnder(demoDir_), QStringList());

    MainWindow later;
    later.show();
    startAndWaitUntilOpen(later);
    QCOMPARE(summary(later), QStringLiteral("3 valid, 0 invalid cases"));
  }

  void aDemoFolderThatCannotBeWrittenShowsWhy() {
    writeBytes(demoDir_.toStdString(), "not a folder");
    MainWindow window;
    window.show();
    QSignalSpy failed(generator(window), &DemoDatasetGenerator::failed);
    window.openStartupDataset(QString());
    QVERIFY(failed.wait(kWaitMs));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(demoDir_), qPrintable(message));

    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->windowTitle(), QStringLiteral("Could not generate the demo dataset"));
    QCOMPARE(box->text(), message);
    QVERIFY(!progressWidget(window)->isVisible());
    QCOMPARE(summary(window), QStringLiteral("No dataset"));
    QTRY_VERIFY2(logText(window).contains(
                     QStringLiteral("error: could not generate the demo dataset: ") + message),
                 qPrintable(logText(window)));
    box->accept();
  }
};

QTEST_MAIN(TestDemoDataset)
#include "TestDemoDataset.moc"
