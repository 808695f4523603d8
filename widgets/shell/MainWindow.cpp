#include "shell/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include <exception>
#include <string>

#include "Log.h"
#include "RunFigures.h"
#include "common/CaseCountText.h"
#include "common/ErrorBox.h"
#include "config/ConfigJson.h"
#include "config/Presets.h"
#include "curves/ComponentCurvesView.h"
#include "curves/LiveLossPlot.h"
#include "data/CaseSplit.h"
#include "dataset/DataCheckDialog.h"
#include "dataset/DatasetOpener.h"
#include "dataset/DatasetPanel.h"
#include "dataset/DemoDatasetProgress.h"
#include "dataset/RecentDatasetsMenu.h"
#include "shell/LogPanel.h"
#include "shell/StudioSettings.h"
#include "shell/UiStallMonitor.h"
#include "train/ResumePolicy.h"
#include "train/RunCatalog.h"
#include "train/RunFolder.h"
#include "train/Trainer.h"
#include "training/ConfigForm.h"
#include "training/EvaluationDialog.h"
#include "training/RunFigureWriter.h"
#include "training/RunsPanel.h"
#include "training/TrainingActions.h"
#include "training/TrainingSession.h"
#include "training/TrainingStatusWidget.h"
#include "viewer/ComparisonViewer.h"

namespace longmim::studio {
namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kParamsKey = QStringLiteral("training/params");

// The studio opens on the demo: its preset gives a falling loss within a minute on a laptop.
const char* const kDefaultPreset = "cpu-demo";

QString outcomeText(const RunResult& result) {
  return QString::fromLatin1(runOutcomeName(result.outcome));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));

  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("centralTabs"));
  tabs_->setDocumentMode(true);
  lossPlot_ = new LiveLossPlot(tabs_);
  lossPlot_->setObjectName(QStringLiteral("lossPlot"));
  components_ = new ComponentCurvesView(tabs_);
  components_->setObjectName(QStringLiteral("componentCurves"));
  components_->setSource(&lossPlot_->history());
  viewer_ = new ComparisonViewer(tabs_);
  viewer_->setObjectName(QStringLiteral("comparisonViewer"));
  datasetPanel_ = new DatasetPanel(tabs_);
  // In the order of the workflow: look at the data, train, inspect the predictions.
  tabs_->addTab(datasetPanel_, tr("D&ataset"));
  tabs_->addTab(lossPlot_, tr("&Curves"));
  tabs_->addTab(components_, tr("Co&mponents"));
  tabs_->addTab(viewer_, tr("&Viewer"));
  setCentralWidget(tabs_);
  connect(datasetPanel_, &DatasetPanel::openRequested, this, &MainWindow::chooseDatasetToOpen);
  connect(datasetPanel_, &DatasetPanel::openDemoRequested, this, &MainWindow::openDemoDataset);

  opener_ = new DatasetOpener(this);
  connect(opener_, &DatasetOpener::scanStarted, this, [this](const QString& dir) {
    statusBar()->showMessage(tr("Checking %1…").arg(dir));
    scanProgress_->setRange(0, 0);  // busy until the number of cases is known
    scanProgress_->show();
  });
  connect(opener_, &DatasetOpener::scanProgressed, this, [this](int done, int total) {
    scanProgress_->setRange(0, total);
    scanProgress_->setValue(done);
  });
  connect(opener_, &DatasetOpener::scanCancelled, this, [this] { scanProgress_->hide(); });
  connect(opener_, &DatasetOpener::opened, this, &MainWindow::onDatasetOpened);
  connect(opener_, &DatasetOpener::openFailed, this, &MainWindow::onDatasetOpenFailed);
  connect(opener_, &DatasetOpener::demoReadyNotOpened, this, [this] {
    statusBar()->showMessage(tr("The demo dataset is ready: File ▸ Open Demo Dataset"), 10000);
  });
  connect(opener_, &DatasetOpener::demoFailed, this, [this](const QString& message) {
    statusBar()->showMessage(tr("Could not generate the demo dataset"), 10000);
    showErrorBox(this, tr("Could not generate the demo dataset"), message);
  });
  connect(opener_, &DatasetOpener::demoCancelled, this, [this] {
    statusBar()->showMessage(
        tr("Demo dataset cancelled; File ▸ Open Demo Dataset continues from the pairs written"),
        10000);
  });

  session_ = new TrainingSession(this);
  actions_ = new TrainingActions(this);
  stallMonitor_ = new UiStallMonitor(this);
  figureWriter_ = new RunFigureWriter(this);

  createLogDock();
  createTrainingDocks();
  createMenus();
  createStatusBar();
  connectSession();
  restoreFormConfig();
  updateTitle();
  updateDatasetSummary();
  updateStartBlocker();
  stallMonitor_->start();

  resize(1400, 860);
  const QSettings settings = studioSettings();
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::createTrainingDocks() {
  configForm_ = new ConfigForm(this);
  configForm_->setObjectName(QStringLiteral("configForm"));
  formDock_ = new QDockWidget(tr("Hyperparameters"), this);
  formDock_->setObjectName(QStringLiteral("hyperparametersDock"));
  formDock_->setWidget(configForm_);
  addDockWidget(Qt::LeftDockWidgetArea, formDock_);
  resizeDocks({formDock_}, {430}, Qt::Horizontal);

  runsPanel_ = new RunsPanel(this);
  runsPanel_->setObjectName(QStringLiteral("runsPanel"));
  runsDock_ = new QDockWidget(tr("Runs"), this);
  runsDock_->setObjectName(QStringLiteral("runsDock"));
  runsDock_->setWidget(runsPanel_);
  addDockWidget(Qt::BottomDockWidgetArea, runsDock_);
  tabifyDockWidget(logDock_, runsDock_);
  logDock_->raise();

  connect(configForm_, &ConfigForm::validityChanged, this, &MainWindow::updateStartBlocker);
  connect(configForm_, &ConfigForm::configEdited, this, [this] {
    updateStartBlocker();
    if (!session_->isActive())
      runsPanel_->setOutputDir(outputDir());
  });
  connect(configForm_, &ConfigForm::liveEditRequested, session_,
          &TrainingSession::editHyperparameter);
  connect(configForm_, &ConfigForm::errorOccurred, this,
          [this](const QString& message) { logPanel_->appendMessage(LogLevel::Error, message); });

  connect(runsPanel_, &RunsPanel::runOpened, this, &MainWindow::openRun);
  connect(runsPanel_, &RunsPanel::compareRequested, this, &MainWindow::compareRuns);
  connect(runsPanel_, &RunsPanel::resumeRequested, this, &MainWindow::resumeTraining);
  connect(runsPanel_, &RunsPanel::checkpointChosen, this, [this](const QString& checkpoint) {
    viewer_->setCheckpoint(checkpoint);
    tabs_->setCurrentWidget(viewer_);
  });
  connect(runsPanel_, &RunsPanel::evaluationRequested, this, &MainWindow::evaluateCheckpoint);
  connect(runsPanel_, &RunsPanel::errorOccurred, this,
          [this](const QString& message) { reportError(tr("Runs"), message); });

  connect(viewer_, &ComparisonViewer::errorOccurred, this,
          [this](const QString& message) { reportError(tr("Viewer"), message); });
  connect(viewer_, &ComparisonViewer::caseChanged, this, [this](const QString& name) {
    // The user stepped to another case: stop replacing it with the trainer's sample.
    if (session_->isActive() && !lastSampleCase_.isEmpty() && name != lastSampleCase_)
      viewerFollowsSample_ = false;
  });

  connect(figureWriter_, &RunFigureWriter::failed, this,
          [this](const QString& message) { logPanel_->appendMessage(LogLevel::Warning, message); });
}

void MainWindow::createLogDock() {
  logPanel_ = new LogPanel(this);
  logPanel_->installAsCoreLogSink();
  logDock_ = new QDockWidget(tr("Log"), this);
  logDock_->setObjectName(QStringLiteral("logDock"));
  logDock_->setWidget(logPanel_);
  addDockWidget(Qt::BottomDockWidgetArea, logDock_);
  resizeDocks({logDock_}, {170}, Qt::Vertical);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->setObjectName(QStringLiteral("fileMenu"));
  QAction* open = file->addAction(tr("&Open Dataset…"), this, &MainWindow::chooseDatasetToOpen);
  open->setObjectName(QStringLiteral("openDatasetAction"));
  open->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
  open->setStatusTip(tr("Check a dataset folder and make it the studio's dataset"));
  QAction* demo = file->addAction(tr("Open &Demo Dataset"), this, &MainWindow::openDemoDataset);
  demo->setObjectName(QStringLiteral("openDemoDatasetAction"));
  demo->setStatusTip(
      tr("Open the synthetic demo dataset; the first time, its pairs are generated into your data "
         "folder"));
  QAction* check = file->addAction(tr("&Check Dataset…"), this, &MainWindow::chooseDatasetToCheck);
  check->setObjectName(QStringLiteral("checkDatasetAction"));
  check->setStatusTip(tr("List every problem in a dataset folder, like longmim data check"));
  recentMenu_ = new RecentDatasetsMenu(file);
  connect(recentMenu_, &RecentDatasetsMenu::datasetChosen, this, &MainWindow::openDataset);
  connect(opener_, &DatasetOpener::recentChanged, recentMenu_, &RecentDatasetsMenu::refresh);
  file->addMenu(recentMenu_);
  file->addSeparator();
  QAction* openPair =
      file->addAction(tr("Open &Pair in Viewer…"), this, &MainWindow::choosePairToOpen);
  openPair->setObjectName(QStringLiteral("openPairAction"));
  openPair->setStatusTip(
      tr("Show a prior / current pair (NIfTI) in the viewer, with its ground "
         "truth if you have one"));
  QAction* exportViewer =
      file->addAction(tr("Export &Viewer as PNG…"), this, &MainWindow::chooseViewerExport);
  exportViewer->setObjectName(QStringLiteral("exportViewerAction"));
  exportViewer->setStatusTip(tr("Write the four panels at twice the screen resolution"));
  QMenu* exportCurves = file->addMenu(tr("Export &Curves"));
  exportCurves->setObjectName(QStringLiteral("exportCurvesMenu"));
  exportCurves->addAction(lossPlot_->exportImageAction());
  exportCurves->addAction(lossPlot_->exportCsvAction());
  exportCurves->addAction(lossPlot_->exportRunFiguresAction());
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setObjectName(QStringLiteral("quitAction"));
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quit->setMenuRole(QAction::QuitRole);

  createTrainingMenu();

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->setObjectName(QStringLiteral("viewMenu"));
  QAction* toggleLog = logDock_->toggleViewAction();
  toggleLog->setObjectName(QStringLiteral("toggleLogAction"));
  toggleLog->setText(tr("&Log"));
  toggleLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  view->addAction(toggleLog);
  QAction* toggleForm = formDock_->toggleViewAction();
  toggleForm->setObjectName(QStringLiteral("toggleHyperparametersAction"));
  toggleForm->setText(tr("&Hyperparameters"));
  view->addAction(toggleForm);
  QAction* toggleRuns = runsDock_->toggleViewAction();
  toggleRuns->setObjectName(QStringLiteral("toggleRunsAction"));
  toggleRuns->setText(tr("&Runs"));
  view->addAction(toggleRuns);
  view->addSeparator();
  view->addAction(lossPlot_->logScaleAction());
  view->addAction(lossPlot_->fitAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->setObjectName(QStringLiteral("helpMenu"));
  QAction* about =
      help->addAction(tr("&About Longitudinal MIM Studio"), this, &MainWindow::showAbout);
  about->setObjectName(QStringLiteral("aboutAction"));
  about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createTrainingMenu() {
  QMenu* training = menuBar()->addMenu(tr("&Training"));
  training->setObjectName(QStringLiteral("trainingMenu"));
  trainingToolBar_ = addToolBar(tr("Training"));
  trainingToolBar_->setObjectName(QStringLiteral("trainingToolBar"));
  for (QAction* action : {actions_->start(), actions_->resume(), actions_->pause(),
                          actions_->stop(), actions_->stopAfterEpoch()}) {
    training->addAction(action);
    trainingToolBar_->addAction(action);
  }
  training->addSeparator();
  QAction* evaluate = training->addAction(tr("&Evaluate Checkpoint…"), this,
                                          &MainWindow::chooseCheckpointToEvaluate);
  evaluate->setObjectName(QStringLiteral("evaluateCheckpointAction"));
  evaluate->setStatusTip(
      tr("Measure a checkpoint against the all-zeros and subtraction baselines"));
  connect(actions_, &TrainingActions::startTriggered, this, &MainWindow::startTraining);
  connect(actions_, &TrainingActions::resumeTriggered, this, &MainWindow::chooseCheckpointToResume);
  connect(actions_, &TrainingActions::pauseTriggered, session_, &TrainingSession::pause);
  connect(actions_, &TrainingActions::continueTriggered, session_, &TrainingSession::continueRun);
  connect(actions_, &TrainingActions::stopTriggered, session_, &TrainingSession::stopAfterStep);
  connect(actions_, &TrainingActions::stopAfterEpochTriggered, session_,
          &TrainingSession::stopAfterEpoch);
}

void MainWindow::createStatusBar() {
  scanProgress_ = new QProgressBar(this);
  scanProgress_->setObjectName(QStringLiteral("scanProgress"));
  scanProgress_->setMaximumWidth(180);
  scanProgress_->setFormat(tr("%v of %m cases"));
  scanProgress_->hide();
  datasetSummary_ = new QLabel(this);
  datasetSummary_->setObjectName(QStringLiteral("datasetSummaryLabel"));
  demoProgress_ = new DemoDatasetProgress(opener_->demoGenerator(), this);
  trainingStatus_ = new TrainingStatusWidget(this);
  trainingStatus_->setObjectName(QStringLiteral("trainingStatus"));
  statusBar()->addPermanentWidget(trainingStatus_);
  statusBar()->addPermanentWidget(demoProgress_);
  statusBar()->addPermanentWidget(scanProgress_);
  statusBar()->addPermanentWidget(datasetSummary_);
}

void MainWindow::openDataset(const QString& dir) {
  opener_->open(dir);
}

bool MainWindow::restoreLastDataset() {
  return opener_->openLast();
}

void MainWindow::openStartupDataset(const QString& dataArg) {
  opener_->openAtStartup(dataArg);
}

void MainWindow::openDemoDataset() {
  opener_->openDemo();
}

void MainWindow::onDatasetOpened(const PairIndex& index) {
  const QString root = QString::fromStdString(index.root());
  dataset_ = index;
  if (!session_->isActive()) {
    // The open dataset is what Start trains on.
    TrainingConfig config = configForm_->config();
    if (config.dataDir != index.root()) {
      config.dataDir = index.root();
      configForm_->setConfig(config);
    }
  }
  updateViewerCases();
  datasetPanel_->showDataset(index);
  scanProgress_->hide();
  updateTitle();
  updateDatasetSummary();
  statusBar()->showMessage(tr("Opened %1").arg(root), 5000);
  Q_EMIT datasetOpened(root);
}

void MainWindow::onDatasetOpenFailed(const QString& root, const QString& message) {
  scanProgress_->hide();
  statusBar()->showMessage(tr("Could not open %1").arg(root), 10000);
  showErrorBox(this, tr("Could not open dataset"), message);  // core's message names the folder
  Q_EMIT datasetOpenFailed(message);
}

QString MainWindow::chooseFolder(const QString& caption) {
  const QString start =
      dataset_ ? QString::fromStdString(dataset_->root()) : opener_->recent().last();
  return QFileDialog::getExistingDirectory(this, caption,
                                           start.isEmpty() ? QDir::homePath() : start);
}

void MainWindow::chooseDatasetToOpen() {
  openDataset(chooseFolder(tr("Open Dataset")));
}

void MainWindow::chooseDatasetToCheck() {
  const QString folder = chooseFolder(tr("Check Dataset"));
  if (folder.isEmpty())
    return;
  auto* dialog = new DataCheckDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &DataCheckDialog::openRequested, this, &MainWindow::openDataset);
  dialog->show();
  dialog->check(folder);
}

void MainWindow::showAbout() {
  auto* box = new QMessageBox(this);
  box->setObjectName(QStringLiteral("aboutBox"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setWindowTitle(tr("About Longitudinal MIM Studio"));
  box->setIconPixmap(QApplication::windowIcon().pixmap(64, 64));
  box->setTextFormat(Qt::RichText);
  box->setText(
      tr("<h3>Longitudinal MIM Studio %1</h3>"
         "<p>Trains and inspects models that predict a signed, pixel-wise difference map between "
         "a baseline (prior) and a follow-up (current) chest X-ray: positive where a finding "
         "appeared or grew, negative where it resolved or shrank.</p>"
         "<p>The same engine runs without a display from the command line: "
         "<code>longmim</code>.</p>"
         "<p>Built with Qt %2.</p>")
          .arg(QStringLiteral(LONGMIM_VERSION), QString::fromLatin1(qVersion())));
  box->open();
}

void MainWindow::updateTitle() {
  const QString base = tr("Longitudinal MIM Studio");
  if (!dataset_) {
    setWindowTitle(base);
    return;
  }
  const QFileInfo root(QString::fromStdString(dataset_->root()));
  const QString name = root.fileName().isEmpty() ? root.filePath() : root.fileName();
  setWindowTitle(base + QStringLiteral(" \u2014 ") + name);
}

void MainWindow::updateDatasetSummary() {
  datasetSummary_->setText(dataset_
                               ? caseCountText(dataset_->validCount(), dataset_->invalidCount())
                               : tr("No dataset"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (session_->isActive()) {
    event->ignore();
    if (findChild<QMessageBox*>(QStringLiteral("stopTrainingBox")))
      return;  // already asking
    auto* box = new QMessageBox(QMessageBox::Question, tr("Training is running"),
                                tr("A run is in progress. Stop it after the current batch, write a "
                                   "checkpoint you can resume from, and quit?"),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("stopTrainingBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* stop = box->addButton(tr("Stop and Quit"), QMessageBox::AcceptRole);
    stop->setObjectName(QStringLiteral("stopAndQuitButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(stop);
    connect(box, &QMessageBox::buttonClicked, this, [this, stop](QAbstractButton* clicked) {
      if (clicked != stop)
        return;
      closeWhenStopped_ = true;
      statusBar()->showMessage(tr("Stopping after the current batch…"));
      session_->stopAfterStep();
    });
    box->open();
    return;
  }
  // Nothing would show the demo once the window is gone; the generator's destructor waits for the
  // pairs in progress.
  opener_->cancelDemo();
  figureWriter_->waitForIdle(30000);
  saveFormConfig();
  QSettings settings = studioSettings();
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  event->accept();
}

// ---- training -------------------------------------------------------------------------------

void MainWindow::connectSession() {
  connect(session_, &TrainingSession::runStarted, this, &MainWindow::onRunStarted);
  connect(session_, &TrainingSession::stepsLogged, this,
          [this](const std::vector<StepRecord>& steps) {
            for (const StepRecord& step : steps)
              lossPlot_->appendStep(step);
          });
  connect(session_, &TrainingSession::epochFinished, this,
          [this](const EpochRecord& epoch, int bestEpoch) {
            lossPlot_->appendEpoch(epoch, bestEpoch);
            components_->sourceChanged();
            figureWriter_->request(session_->runDir());
          });
  connect(session_, &TrainingSession::hyperparameterEdited, this,
          [this](const EditRecord& edit) { lossPlot_->appendEdit(edit); });
  connect(session_, &TrainingSession::checkpointSaved, this,
          [this](const QString& path, CheckpointKind kind) {
            statusBar()->showMessage(tr("Saved checkpoint: %1").arg(path), 5000);
            // The viewer's other cases are predicted with the newest weights.
            if (kind != CheckpointKind::Interrupted)
              viewer_->setCheckpoint(path);
          });
  connect(session_, &TrainingSession::samplePredicted, this, [this](const SamplePrediction& s) {
    lastSampleCase_ = QString::fromStdString(s.caseName);
    if (viewerFollowsSample_) {
      viewer_->setChangeThreshold(session_->config().changeThreshold);
      viewer_->showSample(s);
    }
  });
  connect(session_, &TrainingSession::stateChanged, this, &MainWindow::onTrainingStateChanged);
  connect(session_, &TrainingSession::progressChanged, trainingStatus_,
          &TrainingStatusWidget::showProgress);
  connect(session_, &TrainingSession::messageLogged, logPanel_, &LogPanel::appendMessage);
  connect(session_, &TrainingSession::finished, this, &MainWindow::onRunFinished);
}

QString MainWindow::outputDir() const {
  const std::string dir = configForm_->config().outputDir;
  return QString::fromStdString(dir.empty() ? RunFolder::defaultOutputDir() : dir);
}

bool MainWindow::startTraining() {
  if (session_->isActive())
    return false;
  if (!configForm_->isValid()) {
    reportError(tr("Cannot start training"),
                tr("Fix the marked hyperparameters first:\n%1")
                    .arg(configForm_->problems().join(QLatin1Char('\n'))));
    return false;
  }
  TrainingConfig config = configForm_->config();
  saveFormConfig();
  lossPlot_->clearComparison();
  lossPlot_->clear();
  components_->sourceChanged();
  tabs_->setCurrentWidget(lossPlot_);
  return session_->start(config);
}

void MainWindow::chooseCheckpointToResume() {
  const QString checkpoint = QFileDialog::getOpenFileName(
      this, tr("Resume from Checkpoint"), outputDir(), tr("Checkpoints (*.pt);;All files (*)"));
  if (!checkpoint.isEmpty())
    resumeTraining(checkpoint);
}

void MainWindow::chooseCheckpointToEvaluate() {
  const QString checkpoint = QFileDialog::getOpenFileName(
      this, tr("Evaluate Checkpoint"), outputDir(), tr("Checkpoints (*.pt);;All files (*)"));
  if (!checkpoint.isEmpty())
    evaluateCheckpoint(checkpoint);
}

void MainWindow::evaluateCheckpoint(const QString& checkpoint) {
  auto* dialog = new EvaluationDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &EvaluationDialog::errorOccurred, this,
          [this](const QString& message) { reportError(tr("Evaluation failed"), message); });
  connect(dialog, &EvaluationDialog::reportWritten, this, [this](const QString& path) {
    logPanel_->appendMessage(LogLevel::Info, tr("Evaluation written to %1").arg(path));
  });
  dialog->show();
  dialog->evaluate(checkpoint);
}

bool MainWindow::resumeTraining(const QString& checkpoint) {
  if (session_->isActive())
    return false;
  TrainingConfig stored;
  try {
    stored = Trainer::checkpointConfig(checkpoint.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Cannot resume"), QString::fromStdString(e.what()));
    return false;
  }
  // The form shows the run being continued, with what this studio sets for the machine (data,
  // outputs, threads, device, logging): the same policy as `longmim train -c` and the trainer.
  configForm_->setConfig(resumedConfig(stored, configForm_->config()));
  lossPlot_->clearComparison();
  tabs_->setCurrentWidget(lossPlot_);
  return session_->start(configForm_->config(), checkpoint);
}

void MainWindow::onRunStarted(const RunInfo& info) {
  lossPlot_->setHistory(info.history);
  components_->sourceChanged();
  lossPlot_->setCaption(runCaption(session_->config(), info.runName));
  configForm_->setLrMultiplier(info.lrMultiplier);
  runsPanel_->setOutputDir(QFileInfo(QString::fromStdString(info.runDir)).path());
  runsPanel_->setActiveRun(QString::fromStdString(info.runDir));
  viewerFollowsSample_ = true;
  lastSampleCase_.clear();
  stallMonitor_->reset();
  tabs_->setCurrentWidget(lossPlot_);
  logPanel_->appendMessage(
      LogLevel::Info,
      tr("%1 %2 in %3: %4 architecture, %5 size (%6 parameters) on %7, %8 training / %9 "
         "validation pairs")
          .arg(info.resumed ? tr("Resumed") : tr("Started"), QString::fromStdString(info.runName),
               QString::fromStdString(info.runDir), QString::fromStdString(info.architecture),
               QString::fromStdString(info.modelSize), QString::number(info.parameters),
               QString::fromStdString(info.device), QString::number(info.trainPairs),
               QString::number(info.valPairs)));
}

void MainWindow::onTrainingStateChanged(TrainerState state) {
  const bool active = session_->isActive();
  actions_->setRunState(active, state);
  trainingStatus_->showState(active, state);
  configForm_->setRunActive(active);
  updateStartBlocker();
}

void MainWindow::onRunFinished(const RunResult& result) {
  const QString runDir = QString::fromStdString(result.runDir);
  actions_->setRunState(false, TrainerState::Finished);
  trainingStatus_->showState(false, TrainerState::Finished);
  configForm_->setRunActive(false);
  runsPanel_->setActiveRun(QString());
  runsPanel_->refresh();
  updateStartBlocker();
  logPanel_->appendMessage(LogLevel::Info, tr("Longest pause of the window during the run: %1 ms")
                                               .arg(stallMonitor_->maxStallMs(), 0, 'f', 1));
  const QString message = QString::fromStdString(result.message);
  switch (result.outcome) {
    case RunOutcome::Completed:
    case RunOutcome::Stopped:
      statusBar()->showMessage(tr("Run %1 %2").arg(runDir, outcomeText(result)), 10000);
      logPanel_->appendMessage(LogLevel::Info, tr("Run %1: %2").arg(outcomeText(result), runDir));
      break;
    case RunOutcome::Interrupted:
      statusBar()->showMessage(tr("Stopped: %1").arg(message), 10000);
      logPanel_->appendMessage(LogLevel::Info, tr("Stopped: %1").arg(message));
      break;
    case RunOutcome::Aborted:
      logPanel_->appendMessage(LogLevel::Warning, tr("Run aborted: %1").arg(runDir));
      break;
    case RunOutcome::Diverged:
    case RunOutcome::Failed:
      reportError(
          result.outcome == RunOutcome::Diverged ? tr("Training diverged") : tr("Training failed"),
          message);
      break;
  }
  if (!runDir.isEmpty() && result.outcome != RunOutcome::Failed)
    figureWriter_->request(runDir);
  Q_EMIT trainingFinished(runDir, outcomeText(result));
  if (closeWhenStopped_) {
    closeWhenStopped_ = false;
    close();
  }
}

void MainWindow::openRun(const QString& runDir) {
  RunSummary run;
  try {
    run = readRun(runDir.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Cannot open run"), QString::fromStdString(e.what()));
    return;
  }
  if (session_->isActive() && runDir != session_->runDir()) {
    // The live curves stay; the other run is drawn beside them.
    lossPlot_->setComparison(run.history, QString::fromStdString(run.name));
  } else if (!session_->isActive()) {
    lossPlot_->clearComparison();
    lossPlot_->setHistory(run.history);
    components_->sourceChanged();
    try {
      lossPlot_->setCaption(runCaption(runDir));
    } catch (const std::exception& e) {
      logPanel_->appendMessage(LogLevel::Warning, QString::fromStdString(e.what()));
    }
  }
  const QString checkpoint = QString::fromStdString(checkpointToOpen(run));
  if (!checkpoint.isEmpty() && !session_->isActive())
    viewer_->setCheckpoint(checkpoint);
  tabs_->setCurrentWidget(lossPlot_);
  logPanel_->appendMessage(LogLevel::Info, tr("Opened run %1 (%2, %3 of %4 epochs)")
                                               .arg(runDir, QString::fromStdString(run.status))
                                               .arg(run.epochsDone)
                                               .arg(run.epochsPlanned));
}

void MainWindow::compareRuns(const QString& runA, const QString& runB) {
  RunSummary a;
  RunSummary b;
  try {
    a = readRun(runA.toStdString());
    b = readRun(runB.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Cannot compare runs"), QString::fromStdString(e.what()));
    return;
  }
  if (!session_->isActive()) {
    lossPlot_->setHistory(a.history);
    components_->sourceChanged();
  }
  lossPlot_->setComparison(b.history, QString::fromStdString(b.name));
  tabs_->setCurrentWidget(lossPlot_);
}

void MainWindow::choosePairToOpen() {
  const QString filter = tr("NIfTI images (*.nii *.nii.gz);;All files (*)");
  const QString start = dataset_ ? QString::fromStdString(dataset_->root()) : QDir::homePath();
  const QString prior =
      QFileDialog::getOpenFileName(this, tr("Prior (Baseline) X-ray"), start, filter);
  if (prior.isEmpty())
    return;
  const QString folder = QFileInfo(prior).path();
  const QString current =
      QFileDialog::getOpenFileName(this, tr("Current (Follow-up) X-ray"), folder, filter);
  if (current.isEmpty())
    return;
  const QString truth = QFileDialog::getOpenFileName(
      this, tr("Ground-Truth Difference Map (optional: Cancel for none)"), folder, filter);
  viewer_->openPair(prior, current, truth);
  tabs_->setCurrentWidget(viewer_);
}

void MainWindow::chooseViewerExport() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export Viewer"), QDir::home().filePath("comparison.png"), tr("PNG images (*.png)"));
  if (path.isEmpty())
    return;
  if (viewer_->exportPng(path, 2.0))
    statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
}

void MainWindow::reportError(const QString& title, const QString& message) {
  logPanel_->appendMessage(LogLevel::Error, message);
  showErrorBox(this, title, message);
}

void MainWindow::updateStartBlocker() {
  if (session_->isActive()) {
    actions_->setStartBlocker(tr("a run is in progress"));
    return;
  }
  const QStringList problems = configForm_->problems();
  actions_->setStartBlocker(problems.isEmpty() ? QString() : problems.join(QStringLiteral("; ")));
}

void MainWindow::updateViewerCases() {
  if (!dataset_)
    return;
  const TrainingConfig config = configForm_->config();
  viewer_->setCases(casesToInspect(dataset_->validCases(), config.valFraction, config.seed));
}

void MainWindow::restoreFormConfig() {
  TrainingConfig config = presetConfig(kDefaultPreset);
  const QString saved = studioSettings().value(kParamsKey).toString();
  if (!saved.isEmpty()) {
    try {
      TrainingConfig restored;
      applyConfigJson(restored, nlohmann::json::parse(saved.toStdString()), "saved settings");
      config = restored;
    } catch (const std::exception& e) {
      logWarning(std::string("the saved hyperparameters could not be restored (") + e.what() +
                 "); showing the " + kDefaultPreset + " preset");
    }
  }
  configForm_->setConfig(config);
  runsPanel_->setOutputDir(outputDir());
}

void MainWindow::saveFormConfig() {
  studioSettings().setValue(kParamsKey,
                            QString::fromStdString(configToJson(configForm_->config()).dump()));
}

}  // namespace longmim::studio
