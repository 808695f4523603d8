// Tests the runs panel on real run folders of the tiny preset and hand-written ones: the rows and
// what they say, following the folder as runs appear and change, the active run, opening,
// comparing and the checkpoint menus.
#include <unistd.h>

#include <QAbstractItemModel>
#include <QBrush>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QFont>
#include <QHeaderView>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "IsolatedSettings.h"
#include "TestImages.h"
#include "common/StatusColors.h"
#include "config/Presets.h"
#include "io/AtomicFile.h"
#include "train/Trainer.h"
#include "training/RunsPanel.h"

using namespace longmim;
using namespace longmim::studio;
using namespace longmim::test;
namespace fs = std::filesystem;

namespace {

class BatchHook : public TrainerObserver {
 public:
  std::function<void(int epoch, int batch)> onBatch;
  void batchDone(int epoch, int batch, int, double) override {
    if (onBatch)
      onBatch(epoch, batch);
  }
};

QStringList texts(const QList<QAction*>& actions) {
  QStringList result;
  for (const QAction* action : actions) {
    if (!action->isSeparator())
      result << action->text();
  }
  return result;
}

QAction* actionNamed(const QMenu* menu, const QString& text) {
  for (QAction* action : menu->actions()) {
    if (action->text() == text)
      return action;
  }
  return nullptr;
}

}  // namespace

class TestRunsPanel : public QObject {
  Q_OBJECT

 private:
  IsolatedSettings settings_;
  QTemporaryDir dir_;
  QString runs_;
  QString alphaDir_;
  QString betaDir_;
  QString brokenDir_;
  RunResult alpha_;
  RunResult beta_;
  qint64 startedAfter_ = 0;
  qint64 startedBefore_ = 0;

  std::string path(const QString& relative) const { return dir_.filePath(relative).toStdString(); }

  TrainingConfig tinyConfig(const QString& name) const {
    TrainingConfig c = presetConfig("tiny");
    c.dataDir = path(QStringLiteral("data"));
    c.outputDir = runs_.toStdString();
    c.runName = name.toStdString();
    c.epochs = 2;
    c.numThreads = 1;
    c.seed = 11;
    return c;
  }

  static QTableView* table(const RunsPanel& panel) {
    return panel.findChild<QTableView*>(QStringLiteral("runsTable"));
  }

  static QString cell(const RunsPanel& panel, const QString& dir, int column, int role) {
    const int row = static_cast<int>(panel.runDirs().indexOf(dir));
    return table(panel)->model()->index(row, column).data(role).toString();
  }

  static QString text(const RunsPanel& panel, const QString& dir, int column) {
    return cell(panel, dir, column, Qt::DisplayRole);
  }

  static QVariant data(const RunsPanel& panel, const QString& dir, int column, int role) {
    const int row = static_cast<int>(panel.runDirs().indexOf(dir));
    return table(panel)->model()->index(row, column).data(role);
  }

  static QPoint rowCenter(const RunsPanel& panel, const QString& dir) {
    const int row = static_cast<int>(panel.runDirs().indexOf(dir));
    return table(panel)
        ->visualRect(table(panel)->model()->index(row, RunsPanel::NameColumn))
        .center();
  }

  // A real double-click: press and release, then the double-click press and release.
  static void doubleClick(const RunsPanel& panel, const QString& dir) {
    QWidget* viewport = table(panel)->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::NoModifier, rowCenter(panel, dir));
    QTest::mouseDClick(viewport, Qt::LeftButton, Qt::NoModifier, rowCenter(panel, dir));
  }

  // Shows the panel on `outputDir` and waits for its first scan.
  static void show(RunsPanel& panel, const QString& outputDir) {
    panel.resize(1000, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy refreshed(&panel, &RunsPanel::refreshed);
    panel.setOutputDir(outputDir);
    QVERIFY(refreshed.wait(10000));
  }

  static void writeParams(const QString& runDir, const nlohmann::json& params) {
    fs::create_directories(runDir.toStdString());
    writeFileAtomically(runDir.toStdString() + "/training_params.json", params.dump(2));
  }

 private Q_SLOTS:
  void initTestCase() {
    for (int i = 0; i < 8; ++i)
      writeCase(path(QStringLiteral("data/case_%1").arg(i)), 32, 32, i);
    runs_ = dir_.filePath(QStringLiteral("runs"));
    startedAfter_ = QDateTime::currentSecsSinceEpoch();

    BatchHook none;
    Trainer alpha({tinyConfig(QStringLiteral("alpha")), {}, true, {}}, &none);
    alpha_ = alpha.run();
    QVERIFY2(alpha_.outcome == RunOutcome::Completed, alpha_.message.c_str());

    BatchHook stopper;
    Trainer beta({tinyConfig(QStringLiteral("beta")), {}, true, {}}, &stopper);
    stopper.onBatch = [&](int epoch, int batch) {
      if (epoch == 2 && batch == 1)
        beta.post({TrainerCommand::Kind::StopAfterStep});
    };
    beta_ = beta.run();
    QVERIFY2(beta_.outcome == RunOutcome::Interrupted, beta_.message.c_str());
    startedBefore_ = QDateTime::currentSecsSinceEpoch();

    alphaDir_ = runs_ + QStringLiteral("/alpha");
    betaDir_ = runs_ + QStringLiteral("/beta");
    brokenDir_ = runs_ + QStringLiteral("/longitudinal_mim_broken");
    fs::create_directories(brokenDir_.toStdString());
    writeBytes(brokenDir_.toStdString() + "/training_params.json", "{\"status\": \"runn");
    fs::create_directories(path(QStringLiteral("runs/notes")));
  }

  void eachRunIsARowWithItsStatusLossAndEpochs() {
    RunsPanel panel;
    show(panel, runs_);
    QCOMPARE(table(panel)->model()->rowCount(), 3);  // the folder without a run is not listed
    const QStringList listed = panel.runDirs();
    QCOMPARE(QSet<QString>(listed.cbegin(), listed.cend()),
             (QSet<QString>{alphaDir_, betaDir_, brokenDir_}));

    QCOMPARE(text(panel, alphaDir_, RunsPanel::NameColumn), QStringLiteral("alpha"));
    QCOMPARE(text(panel, alphaDir_, RunsPanel::StatusColumn), QStringLiteral("completed"));
    QCOMPARE(
        data(panel, alphaDir_, RunsPanel::StatusColumn, Qt::ForegroundRole).value<QBrush>().color(),
        validColor());
    QCOMPARE(text(panel, alphaDir_, RunsPanel::BestValLossColumn),
             QString::number(alpha_.history.bestValLoss, 'g', 4));
    // The best validation r of the run, from the per-epoch metrics the trainer wrote.
    double bestR = -2.0;
    for (const EpochRecord& e : alpha_.history.epochs)
      bestR = std::max(bestR, e.valMetrics ? e.valMetrics->pearson : -2.0);
    QVERIFY(bestR > -2.0);
    QCOMPARE(text(panel, alphaDir_, RunsPanel::BestPearsonColumn), QString::number(bestR, 'f', 2));
    QCOMPARE(text(panel, brokenDir_, RunsPanel::BestPearsonColumn), QString());
    QCOMPARE(text(panel, alphaDir_, RunsPanel::EpochsColumn), QStringLiteral("2/2"));
    QCOMPARE(text(panel, alphaDir_, RunsPanel::ArchitectureColumn), QStringLiteral("big (tiny)"));
    const QDateTime started = QDateTime::fromString(
        text(panel, alphaDir_, RunsPanel::StartedColumn), QStringLiteral("yyyy-MM-dd HH:mm"));
    QVERIFY(started.isValid());
    QVERIFY(started.toSecsSinceEpoch() >= startedAfter_ - 60);
    QVERIFY(started.toSecsSinceEpoch() <= startedBefore_);

    QCOMPARE(text(panel, betaDir_, RunsPanel::StatusColumn), QStringLiteral("interrupted"));
    QCOMPARE(
        data(panel, betaDir_, RunsPanel::StatusColumn, Qt::ForegroundRole).value<QBrush>().color(),
        warningColor());
    QCOMPARE(text(panel, betaDir_, RunsPanel::EpochsColumn), QStringLiteral("1/2"));
    QCOMPARE(text(panel, betaDir_, RunsPanel::BestValLossColumn),
             QString::number(beta_.history.bestValLoss, 'g', 4));
    QVERIFY(cell(panel, betaDir_, RunsPanel::StatusColumn, Qt::ToolTipRole)
                .contains(QStringLiteral("continue with -c ")));

    QCOMPARE(text(panel, brokenDir_, RunsPanel::StatusColumn), QStringLiteral("unreadable"));
    QCOMPARE(data(panel, brokenDir_, RunsPanel::StatusColumn, Qt::ForegroundRole)
                 .value<QBrush>()
                 .color(),
             errorColor());
    QVERIFY(cell(panel, brokenDir_, RunsPanel::StatusColumn, Qt::ToolTipRole)
                .contains(brokenDir_ + QStringLiteral("/training_params.json is not valid JSON")));
    QCOMPARE(text(panel, brokenDir_, RunsPanel::EpochsColumn), QString());

    const std::optional<RunSummary> alpha = panel.summary(alphaDir_);
    QVERIFY(alpha.has_value());
    QCOMPARE(alpha->history.epochs.size(), size_t(2));
    QVERIFY(!panel.summary(dir_.filePath(QStringLiteral("runs/notes"))).has_value());

    // Sorting by the best validation loss: lowest first, a run without one last.
    QHeaderView* header = table(panel)->horizontalHeader();
    const QPoint bestHeader(header->sectionViewportPosition(RunsPanel::BestValLossColumn) + 5,
                            header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, bestHeader);
    if (header->sortIndicatorOrder() != Qt::AscendingOrder)
      QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, bestHeader);
    QCOMPARE(header->sortIndicatorSection(), int(RunsPanel::BestValLossColumn));
    const QStringList byLoss = alpha_.history.bestValLoss <= beta_.history.bestValLoss
                                   ? QStringList{alphaDir_, betaDir_, brokenDir_}
                                   : QStringList{betaDir_, alphaDir_, brokenDir_};
    QCOMPARE(panel.runDirs(), byLoss);
  }

  void runsAppearingAndChangingAreFollowed() {
    const QString live = dir_.filePath(QStringLiteral("live"));
    const QString first = live + QStringLiteral("/longitudinal_mim_first");
    writeParams(first, {{"status", "completed"}, {"epochs", 3}, {"current_epoch", 3}});
    RunsPanel panel;
    show(panel, live);
    QCOMPARE(panel.runDirs(), QStringList{first});

    // A trainer creates the folder first and writes its file a moment later.
    const QString second = live + QStringLiteral("/longitudinal_mim_second");
    QSignalSpy refreshed(&panel, &RunsPanel::refreshed);
    fs::create_directories(second.toStdString());
    QVERIFY(refreshed.wait(10000));
    QCOMPARE(panel.runDirs(), QStringList{first});
    writeParams(second, {{"status", "running"},
                         {"process_id", static_cast<int64_t>(::getpid())},
                         {"epochs", 4},
                         {"current_epoch", 1},
                         {"best_val_loss", 0.5}});
    QTRY_COMPARE_WITH_TIMEOUT(table(panel)->model()->rowCount(), 2, 10000);
    QCOMPARE(text(panel, second, RunsPanel::StatusColumn), QStringLiteral("running"));
    QCOMPARE(text(panel, second, RunsPanel::EpochsColumn), QStringLiteral("1/4"));

    // Each epoch the trainer renames a new file over the old one.
    writeParams(
        second,
        {{"status", "completed"}, {"epochs", 4}, {"current_epoch", 4}, {"best_val_loss", 0.125}});
    QTRY_COMPARE_WITH_TIMEOUT(text(panel, second, RunsPanel::StatusColumn),
                              QStringLiteral("completed"), 10000);
    QCOMPARE(text(panel, second, RunsPanel::EpochsColumn), QStringLiteral("4/4"));
    QCOMPARE(text(panel, second, RunsPanel::BestValLossColumn), QStringLiteral("0.125"));

    fs::remove_all(first.toStdString());
    QTRY_COMPARE_WITH_TIMEOUT(panel.runDirs(), QStringList{second}, 10000);
  }

  void theActiveRunIsShownRunningInBold() {
    RunsPanel panel;
    show(panel, runs_);
    panel.setActiveRun(alphaDir_);
    QCOMPARE(text(panel, alphaDir_, RunsPanel::StatusColumn), QStringLiteral("running"));
    QVERIFY(data(panel, alphaDir_, RunsPanel::NameColumn, Qt::FontRole).value<QFont>().bold());
    QVERIFY(!data(panel, betaDir_, RunsPanel::NameColumn, Qt::FontRole).value<QFont>().bold());
    panel.setActiveRun(QString());
    QCOMPARE(text(panel, alphaDir_, RunsPanel::StatusColumn), QStringLiteral("completed"));
    QVERIFY(!data(panel, alphaDir_, RunsPanel::NameColumn, Qt::FontRole).value<QFont>().bold());
  }

  void doubleClickAndEnterOpenARun() {
    RunsPanel panel;
    show(panel, runs_);
    QSignalSpy opened(&panel, &RunsPanel::runOpened);
    QSignalSpy errors(&panel, &RunsPanel::errorOccurred);
    QWidget* viewport = table(panel)->viewport();
    doubleClick(panel, alphaDir_);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.takeFirst().at(0).toString(), alphaDir_);

    QTest::mouseClick(viewport, Qt::LeftButton, Qt::NoModifier, rowCenter(panel, betaDir_));
    QTest::keyClick(table(panel), Qt::Key_Return);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.takeFirst().at(0).toString(), betaDir_);

    // An unreadable run cannot be opened: the user is told why instead.
    doubleClick(panel, brokenDir_);
    QCOMPARE(opened.size(), 0);
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.takeFirst().at(0).toString().contains(QStringLiteral("is not valid JSON")));
  }

  void twoSelectedRunsCanBeCompared() {
    RunsPanel panel;
    show(panel, runs_);
    auto* compare = panel.findChild<QPushButton*>(QStringLiteral("compareRunsButton"));
    auto* open = panel.findChild<QPushButton*>(QStringLiteral("openRunButton"));
    QWidget* viewport = table(panel)->viewport();
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::NoModifier, rowCenter(panel, alphaDir_));
    QVERIFY(!compare->isEnabled());
    QVERIFY(open->isEnabled());
    QTest::mouseClick(viewport, Qt::LeftButton, Qt::ControlModifier, rowCenter(panel, betaDir_));
    QVERIFY(compare->isEnabled());
    QVERIFY(!open->isEnabled());

    QSignalSpy compared(&panel, &RunsPanel::compareRequested);
    QTest::mouseClick(compare, Qt::LeftButton);
    QCOMPARE(compared.size(), 1);
    QStringList expected{alphaDir_, betaDir_};
    if (panel.runDirs().indexOf(betaDir_) < panel.runDirs().indexOf(alphaDir_))
      expected = QStringList{betaDir_, alphaDir_};
    QCOMPARE((QStringList{compared.at(0).at(0).toString(), compared.at(0).at(1).toString()}),
             expected);
  }

  void theContextMenuOffersTheCheckpointsNewestFirst() {
    RunsPanel panel;
    show(panel, runs_);
    QSignalSpy resumed(&panel, &RunsPanel::resumeRequested);
    QSignalSpy chosen(&panel, &RunsPanel::checkpointChosen);
    QSignalSpy evaluated(&panel, &RunsPanel::evaluationRequested);
    QWidget* viewport = table(panel)->viewport();
    const QPoint at = rowCenter(panel, betaDir_);
    QContextMenuEvent rightClick(QContextMenuEvent::Mouse, at, viewport->mapToGlobal(at));
    QApplication::sendEvent(viewport, &rightClick);

    auto* menu = panel.findChild<QMenu*>(QStringLiteral("runContextMenu"));
    QVERIFY(menu);
    QTRY_VERIFY(menu->isVisible());
    QCOMPARE(texts(menu->actions()),
             (QStringList{"Open", "Compare", "Resume from", "Show predictions with", "Evaluate",
                          "Open folder"}));
    QVERIFY(actionNamed(menu, QStringLiteral("Open"))->isEnabled());
    QVERIFY(!actionNamed(menu, QStringLiteral("Compare"))->isEnabled());  // one run selected
    QCOMPARE(panel.selectedRunDirs(), QStringList{betaDir_});

    auto* resume = menu->findChild<QMenu*>(QStringLiteral("resumeMenu"));
    QVERIFY(resume && resume->menuAction()->isEnabled());
    const QStringList newestFirst{"Interrupted", "Best (epoch 1)", "Epoch 1"};
    QCOMPARE(texts(resume->actions()), newestFirst);
    actionNamed(resume, QStringLiteral("Interrupted"))->trigger();
    QCOMPARE(resumed.size(), 1);
    QCOMPARE(resumed.at(0).at(0).toString(),
             betaDir_ + QStringLiteral("/longitudinal_mim_interrupted.pt"));
    QCOMPARE(QString::fromStdString(beta_.lastCheckpoint), resumed.at(0).at(0).toString());

    auto* predictions = menu->findChild<QMenu*>(QStringLiteral("predictionsMenu"));
    QVERIFY(predictions);
    QCOMPARE(texts(predictions->actions()), newestFirst);
    actionNamed(predictions, QStringLiteral("Best (epoch 1)"))->trigger();
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.at(0).at(0).toString(), betaDir_ + QStringLiteral("/longitudinal_mim_best.pt"));

    auto* evaluate = menu->findChild<QMenu*>(QStringLiteral("evaluateMenu"));
    QVERIFY(evaluate && evaluate->menuAction()->isEnabled());
    QCOMPARE(texts(evaluate->actions()), newestFirst);
    actionNamed(evaluate, QStringLiteral("Best (epoch 1)"))->trigger();
    QCOMPARE(evaluated.size(), 1);
    QCOMPARE(evaluated.at(0).at(0).toString(),
             betaDir_ + QStringLiteral("/longitudinal_mim_best.pt"));
    menu->close();
    QTRY_VERIFY(!panel.findChild<QMenu*>(QStringLiteral("runContextMenu")));

    // The run being trained cannot be resumed a second time; its predictions can be shown.
    panel.setActiveRun(alphaDir_);
    const QPoint alphaAt = rowCenter(panel, alphaDir_);
    QContextMenuEvent onActive(QContextMenuEvent::Mouse, alphaAt, viewport->mapToGlobal(alphaAt));
    QApplication::sendEvent(viewport, &onActive);
    menu = panel.findChild<QMenu*>(QStringLiteral("runContextMenu"));
    QVERIFY(menu);
    QCOMPARE(panel.selectedRunDirs(), QStringList{alphaDir_});
    QVERIFY(!menu->findChild<QMenu*>(QStringLiteral("resumeMenu"))->menuAction()->isEnabled());
    auto* activePredictions = menu->findChild<QMenu*>(QStringLiteral("predictionsMenu"));
    QVERIFY(activePredictions->menuAction()->isEnabled());
    // The best checkpoint is rewritten after the epoch checkpoint of each new best epoch.
    const QStringList alphaNewestFirst = alpha_.history.bestEpoch == 2
                                             ? QStringList{"Best (epoch 2)", "Epoch 2", "Epoch 1"}
                                             : QStringList{"Epoch 2", "Best (epoch 1)", "Epoch 1"};
    QCOMPARE(texts(activePredictions->actions()), alphaNewestFirst);
    menu->close();
  }

  void anOutputPathThatIsAFileIsReported() {
    const QString file = dir_.filePath(QStringLiteral("not_a_folder"));
    writeBytes(file.toStdString(), "x");
    RunsPanel panel;
    QSignalSpy errors(&panel, &RunsPanel::errorOccurred);
    panel.setOutputDir(file);
    QVERIFY(errors.wait(10000));
    QCOMPARE(errors.at(0).at(0).toString(),
             file + QStringLiteral(" is not a folder; choose the folder that holds runs"));
    QVERIFY(panel.runDirs().isEmpty());
  }
};

QTEST_MAIN(TestRunsPanel)
#include "TestRunsPanel.moc"
