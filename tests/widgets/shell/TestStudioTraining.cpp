// Tests training from the studio as a user drives it: Start puts points on the curves and makes a
// run folder, Pause holds and Continue goes on, Stop writes a checkpoint, a lambda edited in the
// form is recorded and marked on the plot, the viewer follows the trainer's sample, closing asks
// first, errors reach a dialog and the log, and the window never stalls. With
// LONGMIM_SCREENSHOT_DIR set it also saves the README's screenshots of the real window.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "ComponentLossCharts.h"
#include "IsolatedSettings.h"
#include "LossSeries.h"
#include "QCustomPlotHeader.h"
#include "config/Presets.h"
#include "curves/ComponentCurvesView.h"
#include "curves/LiveLossPlot.h"
#include "io/NiftiIO.h"
#include "shell/MainWindow.h"
#include "shell/StudioPlatform.h"
#include "shell/UiStallMonitor.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"
#include "train/Trainer.h"
#include "training/ConfigForm.h"
#include "training/RunFigureWriter.h"
#include "training/RunsPanel.h"
#include "training/TrainingActions.h"
#include "training/TrainingSession.h"
#include "training/TrainingStatusWidget.h"
#include "viewer/ComparisonViewer.h"

using namespace longmim;
using namespace longmim::studio;

class TestStudioTraining : public QObject {
  Q_OBJECT

 private:
  test::IsolatedSettings settings_;
  QTemporaryDir dir_;
  QString data_;
  int runs_ = 0;

  QString logText(const MainWindow& window) const {
    return window.findChild<QPlainTextEdit*>(QStringLiteral("logView"))->toPlainText();
  }

  // The tiny preset on the test dataset, written to a fresh output folder.
  QString prepare(MainWindow& window, int epochs, int threads = 1) {
    ConfigForm* form = window.configForm();
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = data_.toStdString();
    config.outputDir = dir_.filePath(QStringLiteral("out%1").arg(++runs_)).toStdString();
    config.epochs = epochs;
    config.numThreads = threads;
    form->setConfig(config);
    return QString::fromStdString(config.outputDir);
  }

  static void show(MainWindow& window) {
    window.resize(1500, 920);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
  }

  static int totalSteps(const MainWindow& window) {
    return int(window.session()->history().steps.size());
  }

  // The validation case whose ground truth changes the most pixels (many synthetic pairs have
  // none).
  static int mostChangedCase(MainWindow& window, const QString& data) {
    int best = 0;
    double bestFraction = -1.0;
    for (int index = 0;; ++index) {
      window.viewer()->showCase(index);
      if (window.viewer()->currentCaseIndex() != index)
        break;
      const Image2D diff =
          readImage2D(QDir(data)
                          .filePath(window.viewer()->currentCaseName() + "/diff_map.nii.gz")
                          .toStdString());
      const auto changed = std::count_if(diff.pixels.begin(), diff.pixels.end(),
                                         [](float value) { return std::abs(value) > 0.05f; });
      const double fraction = double(changed) / double(std::max<size_t>(diff.pixels.size(), 1));
      if (fraction > bestFraction) {
        bestFraction = fraction;
        best = index;
      }
    }
    return best;
  }

  void saveScreenshot(QWidget* widget, const QString& name) {
    const QString folder = qEnvironmentVariable("LONGMIM_SCREENSHOT_DIR");
    if (folder.isEmpty())
      return;
    QDir().mkpath(folder);
    // Everything queued (panel renders, queued replots) painted before the screen is read.
    QCoreApplication::processEvents();
    widget->repaint();
    QCoreApplication::processEvents();
    // The screen's pixels, so the VTK panels (OpenGL) are in the picture as a user sees them.
    const QPoint origin = widget->mapToGlobal(QPoint(0, 0));
    const QPixmap shot =
        widget->screen()->grabWindow(0, origin.x(), origin.y(), widget->width(), widget->height());
    QVERIFY(shot.save(QDir(folder).filePath(name)));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = dir_.filePath(QStringLiteral("data"));
    synth::SynthJob job;
    job.outputDir = data_.toStdString();
    job.count = 8;
    job.seed = 21;
    job.options.size = 64;
    synth::DatasetSynthesizer(job).run();
    QVERIFY2(!RunFigureWriter::findCommandLineTool().isEmpty(), "LONGMIM_CLI is not set");
  }

  void startPutsPointsOnThePlotAndCreatesARunFolder() {
    MainWindow window;
    show(window);
    const QString output = prepare(window, 2);
    QAction* start = window.trainingActions()->start();
    QVERIFY(start->isEnabled());
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    start->trigger();
    QVERIFY(window.session()->isActive());
    QVERIFY(!start->isEnabled());
    QCOMPARE(window.centralTabs()->currentWidget(), window.lossPlot());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("completed"));

    // Points a user sees: every logged step and both epochs, train and validation.
    LiveLossPlot* plot = window.lossPlot();
    QTRY_COMPARE(plot->pointCount(LiveLossPlot::Curve::Steps), totalSteps(window));
    QVERIFY(totalSteps(window) > 0);
    QTRY_COMPARE(plot->pointCount(LiveLossPlot::Curve::TrainEpochs), 2);
    QTRY_COMPARE(plot->pointCount(LiveLossPlot::Curve::ValidationEpochs), 2);

    // The Components tab: a panel per loss term with both epochs and every logged batch; it was
    // hidden during the run, so it draws when shown.
    ComponentCurvesView* components = window.componentCurves();
    QVERIFY(components->isStale());
    window.centralTabs()->setCurrentWidget(components);
    QTRY_VERIFY(!components->isStale());
    const ComponentLossCharts& charts = components->charts();
    QCOMPARE(charts.componentNames(), lossComponentNames(window.session()->history()));
    QVERIFY(charts.panelCount() >= 2);
    for (int i = 0; i < charts.panelCount(); ++i) {
      QCOMPARE(charts.trainGraph(i)->data()->size(), 2);
      QCOMPARE(charts.validationGraph(i)->data()->size(), 2);
      QCOMPARE(charts.trainStepsGraph(i)->data()->size(), totalSteps(window));
    }

    const QString runDir = window.session()->runDir();
    QCOMPARE(QFileInfo(runDir).path(), output);
    QVERIFY(QFileInfo(runDir + "/longitudinal_mim_epoch_2.pt").isFile());
    QVERIFY(QFileInfo(runDir + "/training_params.json").isFile());
    // The figures are drawn by `longmim plot` in its own process, the files the CLI writes.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(runDir + "/loss_curves.png").size() > 1000, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(runDir + "/detailed_loss_curves.png").size() > 1000, 30000);
    QVERIFY(window.figureWriter()->waitForIdle(30000));
    // The runs panel lists the run as completed.
    QTRY_VERIFY_WITH_TIMEOUT(window.runsPanel()->runDirs().contains(runDir), 10000);
    QTRY_COMPARE(QString::fromStdString(window.runsPanel()->summary(runDir)->status),
                 QStringLiteral("completed"));
    QVERIFY(start->isEnabled());
    QVERIFY(logText(window).contains(QStringLiteral("Started longitudinal_mim_")));
  }

  void pauseHoldsAndContinueGoesOnThenStopWritesACheckpoint() {
    MainWindow window;
    show(window);
    prepare(window, 40);
    window.session()->setFlushInterval(20);
    TrainingActions* actions = window.trainingActions();
    QSignalSpy steps(window.session(), &TrainingSession::stepsLogged);
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    actions->start()->trigger();
    QVERIFY(steps.wait(60000));

    actions->pause()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->isPaused(), 30000);
    QVERIFY(actions->pause()->isChecked());
    QCOMPARE(actions->pause()->text().remove('&'), QStringLiteral("Continue"));
    auto* status = window.trainingStatus();
    QCOMPARE(status->etaText(), QStringLiteral("Paused"));
    const int held = totalSteps(window);
    QTest::qWait(300);  // nothing may arrive while paused
    QCOMPARE(totalSteps(window), held);
    // Inspection keeps working while paused: the curves still answer (drawn at their next
    // refresh tick).
    QTRY_COMPARE(window.lossPlot()->pointCount(LiveLossPlot::Curve::Steps), held);

    actions->pause()->trigger();  // Continue
    QTRY_VERIFY_WITH_TIMEOUT(totalSteps(window) > held, 60000);
    QVERIFY(!actions->pause()->isChecked());
    QVERIFY(status->speedText().endsWith(QStringLiteral("samples/s")));

    actions->stop()->trigger();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("interrupted"));
    const QString checkpoint =
        window.session()->runDir() + "/" + QString::fromLatin1(kInterruptedCheckpointName);
    QVERIFY(QFileInfo(checkpoint).isFile());
    QVERIFY(logText(window).contains(QStringLiteral("Stopped:")));
    QVERIFY(actions->resume()->isEnabled());

    // What this studio sets for the machine (here: the loader's threads, typed into the form)
    // applies to the resumed run, as `longmim train -c` keeps its own; the run's settings come
    // from the checkpoint.
    auto* loader =
        qobject_cast<QLineEdit*>(window.configForm()->editorFor(QStringLiteral("LOADER_THREADS")));
    QVERIFY(loader && loader->isEnabled());
    loader->selectAll();
    QTest::keyClicks(loader, QStringLiteral("3"));
    QTest::keyClick(loader, Qt::Key_Return);
    QCOMPARE(window.configForm()->config().loaderThreads, 3);

    // Resume fills the form from the checkpoint and continues the same run's curves.
    QSignalSpy started(window.session(), &TrainingSession::runStarted);
    QVERIFY(window.trainingActions()->resumeRun(checkpoint));
    QVERIFY(started.wait(60000));
    QCOMPARE(window.configForm()->config().epochs, 40);
    QCOMPARE(window.configForm()->config().loaderThreads, 3);
    QFile params(window.session()->runDir() + QStringLiteral("/training_params.json"));
    QVERIFY(params.open(QIODevice::ReadOnly));
    const QJsonObject written = QJsonDocument::fromJson(params.readAll()).object();
    QCOMPARE(written.value(QStringLiteral("LOADER_THREADS")).toInt(), 3);
    QCOMPARE(written.value(QStringLiteral("LONGITUDINAL_MIM_EPOCHS")).toInt(), 40);
    QTRY_VERIFY(window.lossPlot()->pointCount(LiveLossPlot::Curve::Steps) >= totalSteps(window));
    window.session()->abort();
    QVERIFY(finished.wait(60000));
  }

  void aLambdaEditedMidRunIsRecordedAndMarked() {
    MainWindow window;
    show(window);
    prepare(window, 40);
    window.session()->setFlushInterval(20);
    QSignalSpy steps(window.session(), &TrainingSession::stepsLogged);
    QSignalSpy edits(window.session(), &TrainingSession::hyperparameterEdited);
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    window.trainingActions()->start()->trigger();
    QVERIFY(steps.wait(60000));

    // Locked while running, with the reason; the lambda stays editable.
    QWidget* imgSize = window.configForm()->editorFor(QStringLiteral("IMG_SIZE"));
    QVERIFY(!imgSize->isEnabled());
    auto* lambda =
        qobject_cast<QLineEdit*>(window.configForm()->editorFor(QStringLiteral("LAMBDA_L1_ALL")));
    QVERIFY(lambda && lambda->isEnabled());
    lambda->selectAll();
    QTest::keyClicks(lambda, QStringLiteral("3"));
    QTest::keyClick(lambda, Qt::Key_Return);
    QVERIFY(edits.wait(60000));
    QCOMPARE(window.session()->history().edits.back().key, std::string("LAMBDA_L1_ALL"));
    QTRY_COMPARE(window.lossPlot()->editMarkerPositions().size(), 1);
    QVERIFY(
        window.lossPlot()->editMarkerLabels().first().contains(QStringLiteral("LAMBDA_L1_ALL")));

    window.trainingActions()->stop()->trigger();
    QVERIFY(finished.wait(60000));
    QVERIFY(window.configForm()->editorFor(QStringLiteral("IMG_SIZE"))->isEnabled());
  }

  // "Workers: 2" in the training toolbar: the studio's trainer is rank 0 and one `longmim train`
  // process rank 1; one run folder, the curves follow rank 0, the field locked while it runs.
  void twoWorkerProcessesTrainOneRunFromTheStudio() {
    MainWindow window;
    show(window);
    prepare(window, 2);
    auto* workers = window.findChild<QSpinBox*>(QStringLiteral("workerProcessesSpin"));
    QVERIFY(workers);
    workers->setValue(2);
    QCOMPARE(window.session()->workerProcesses(), 2);
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    window.trainingActions()->start()->trigger();
    QVERIFY(!workers->isEnabled());
    QVERIFY(finished.wait(300000));
    QVERIFY2(finished.at(0).at(1).toString() == QStringLiteral("completed"),
             qPrintable(logText(window)));
    const QString runDir = finished.at(0).at(0).toString();
    QVERIFY(QFileInfo::exists(runDir + QStringLiteral("/longitudinal_mim_epoch_2.pt")));
    QVERIFY2(logText(window).contains(QStringLiteral("2 workers: effective batch")),
             qPrintable(logText(window)));
    QTRY_COMPARE(window.lossPlot()->pointCount(LiveLossPlot::Curve::TrainEpochs), 2);
    QVERIFY(workers->isEnabled());
  }

  void theViewerFollowsTheTrainersSample() {
    MainWindow window;
    show(window);
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(data_);
    QVERIFY(opened.wait(20000));
    prepare(window, 1);
    QSignalSpy samples(window.session(), &TrainingSession::samplePredicted);
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    window.trainingActions()->start()->trigger();
    QVERIFY(finished.wait(120000));
    QCOMPARE(samples.count(), 1);
    const auto sample = samples.at(0).at(0).value<SamplePrediction>();
    QCOMPARE(window.viewer()->currentCaseName(), QString::fromStdString(sample.caseName));
    window.centralTabs()->setCurrentWidget(window.viewer());
    QTRY_VERIFY(!window.viewer()->isBusy());
  }

  void startIsDisabledWhileTheFormIsInvalid() {
    MainWindow window;
    show(window);
    prepare(window, 1);
    QAction* start = window.trainingActions()->start();
    QVERIFY(start->isEnabled());
    auto* imgSize =
        qobject_cast<QLineEdit*>(window.configForm()->editorFor(QStringLiteral("IMG_SIZE")));
    QVERIFY(imgSize);
    imgSize->selectAll();
    QTest::keyClicks(imgSize, QStringLiteral("100"));
    QTRY_VERIFY(!start->isEnabled());
    QVERIFY2(start->toolTip().contains(QStringLiteral("IMG_SIZE")), qPrintable(start->toolTip()));
    imgSize->selectAll();
    QTest::keyClicks(imgSize, QStringLiteral("64"));
    QTRY_VERIFY(start->isEnabled());
  }

  void aFailedStartShowsTheErrorAndLeavesNoRunFolder() {
    MainWindow window;
    show(window);
    const QString output = prepare(window, 1);
    TrainingConfig config = window.configForm()->config();
    config.dataDir = dir_.filePath(QStringLiteral("missing_data")).toStdString();
    window.configForm()->setConfig(config);
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    window.trainingActions()->start()->trigger();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("failed"));
    auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("missing_data")), qPrintable(box->text()));
    QVERIFY(logText(window).contains(QStringLiteral("missing_data")));
    QVERIFY(QDir(output).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    box->close();
  }

  void closingDuringTrainingAsksThenStopsWithACheckpoint() {
    auto* window = new MainWindow;
    show(*window);
    prepare(*window, 40);
    window->session()->setFlushInterval(20);
    QSignalSpy steps(window->session(), &TrainingSession::stepsLogged);
    QSignalSpy finished(window, &MainWindow::trainingFinished);
    window->trainingActions()->start()->trigger();
    QVERIFY(steps.wait(60000));
    window->close();
    QVERIFY(window->isVisible());  // not yet: the user is asked
    auto* box = window->findChild<QMessageBox*>(QStringLiteral("stopTrainingBox"));
    QVERIFY(box);
    auto* stopAndQuit = box->findChild<QPushButton*>(QStringLiteral("stopAndQuitButton"));
    QVERIFY(stopAndQuit);
    stopAndQuit->click();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("interrupted"));
    QTRY_VERIFY(!window->isVisible());
    QVERIFY(QFileInfo(window->session()->runDir() + "/" +
                      QString::fromLatin1(kInterruptedCheckpointName))
                .isFile());
    delete window;
  }

  void theWindowNeverStallsDuringTraining() {
    MainWindow window;
    show(window);
    // For the README's screenshots: the demo dataset and preset, the whole demo run.
    const bool screenshots = !qEnvironmentVariableIsEmpty("LONGMIM_SCREENSHOT_DIR");
    const QString data =
        screenshots ? QString::fromStdString(synth::defaultDemoDatasetDir()) : data_;
    if (screenshots && !synth::isDemoDatasetComplete(data.toStdString()))
      synth::DatasetSynthesizer(synth::demoDatasetJob(data.toStdString())).run();
    QSignalSpy opened(&window, &MainWindow::datasetOpened);
    window.openDataset(data);
    QVERIFY(opened.wait(20000));
    if (screenshots) {
      TrainingConfig config = presetConfig("cpu-demo");
      config.dataDir = data.toStdString();
      config.outputDir = dir_.filePath(QStringLiteral("shots")).toStdString();
      // The preset's epochs: the README's demo run, as Start on the demo does it.
      window.configForm()->setConfig(config);
    } else {
      prepare(window, 3, 0);  // every core: the worst case for the GUI thread
    }
    QSignalSpy finished(&window, &MainWindow::trainingFinished);
    QSignalSpy epochs(window.session(), &TrainingSession::epochFinished);
    window.trainingActions()->start()->trigger();
    const int shotAfter = screenshots ? 6 : 2;
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= shotAfter || !finished.isEmpty(), 600000);
    double stallBeforeShot = 0.0;
    if (finished.isEmpty() && screenshots) {
      // Grabbing and encoding the screenshot blocks this thread itself: not the studio's pause.
      stallBeforeShot = window.stallMonitor()->maxStallMs();
      saveScreenshot(&window, QStringLiteral("studio-training.png"));
      window.stallMonitor()->reset();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 600000);
    const double stall = std::max(stallBeforeShot, window.stallMonitor()->maxStallMs());
    QVERIFY(window.figureWriter()->waitForIdle(30000));
    qInfo("longest pause of the window during the run: %.1f ms", stall);
    QVERIFY2(stall < 50.0, qPrintable(QString::number(stall)));
    QVERIFY(logText(window).contains(QStringLiteral("Longest pause of the window")));
    if (screenshots) {
      // The trained model's prediction for a validation case, next to the truth.
      window.centralTabs()->setCurrentWidget(window.viewer());
      window.viewer()->showCase(mostChangedCase(window, data));
      QTRY_VERIFY_WITH_TIMEOUT(!window.viewer()->isBusy(), 60000);
      saveScreenshot(&window, QStringLiteral("studio-viewer.png"));
      window.centralTabs()->setCurrentWidget(window.componentCurves());
      QTRY_VERIFY(!window.componentCurves()->isStale());
      saveScreenshot(&window, QStringLiteral("studio-components.png"));
    }
  }
};

int main(int argc, char** argv) {
  prepareStudioPlatform();  // the viewer's VTK panels need their OpenGL format before QApplication
  QApplication app(argc, argv);
  TestStudioTraining test;
  return QTest::qExec(&test, argc, argv);
}

#include "TestStudioTraining.moc"
