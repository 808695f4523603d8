#include "shell/MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include <exception>
#include <string>

#include "Log.h"
#include "RunFigures.h"
#include "common/ErrorBox.h"
#include "curves/ComponentCurvesView.h"
#include "curves/LiveLossPlot.h"
#include "data/CaseSplit.h"
#include "dataset/DatasetOpener.h"
#include "dataset/DatasetPanel.h"
#include "dataset/DatasetStatus.h"
#include "dataset/RecentDatasetsMenu.h"
#include "shell/LogPanel.h"
#include "shell/StudioReactions.h"
#include "shell/StudioSettings.h"
#include "shell/UiStallMonitor.h"
#include "train/RunCatalog.h"
#include "train/RunFolder.h"
#include "training/ConfigForm.h"
#include "training/EvaluationDialog.h"
#include "training/FormSettings.h"
#include "training/HistoryModel.h"
#include "training/RunFigureWriter.h"
#include "training/RunMessages.h"
#include "training/RunsPanel.h"
#include "training/TrainingActions.h"
#include "training/TrainingSession.h"
#include "training/TrainingStatusWidget.h"
#include "viewer/ComparisonViewer.h"

namespace longmim::studio {
namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

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
  viewer_ = new ComparisonViewer(tabs_);
  viewer_->setObjectName(QStringLiteral("comparisonViewer"));
  datasetPanel_ = new DatasetPanel(tabs_);
  // In the order of the workflow: look at the data, train, inspect the predictions.
  tabs_->addTab(datasetPanel_, tr("D&ataset"));
  tabs_->addTab(lossPlot_, tr("&Curves"));
  tabs_->addTab(components_, tr("Co&mponents"));
  tabs_->addTab(viewer_, tr("&Viewer"));
  setCentralWidget(tabs_);

  opener_ = new DatasetOpener(this);
  session_ = new TrainingSession(this);
  // Every curve view draws the session's one history.
  lossPlot_->setModel(session_->historyModel());
  components_->setModel(session_->historyModel());
  stallMonitor_ = new UiStallMonitor(this);
  figureWriter_ = new RunFigureWriter(this);

  createLogDock();
  createTrainingDocks();
  actions_ = new TrainingActions(session_, configForm_, this);
  createMenus();
  createStatusBar();
  // After the status bar's: it has said what happened when the window's reaction runs.
  connect(opener_, &DatasetOpener::opened, this, &MainWindow::onDatasetOpened);
  connect(opener_, &DatasetOpener::openFailed, this,
          [this](const QString&, const QString& message) { Q_EMIT datasetOpenFailed(message); });
  connectSession();
  restoreFormConfig();
  updateTitle();
  stallMonitor_->start();

  resize(1400, 860);
  const QSettings settings = studioSettings();
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray());
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

QString MainWindow::lastDatasetFolder() const {
  return opener_->recent().last();
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
  updateTitle();
  Q_EMIT datasetOpened(root);
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
  saveFormConfig(configForm_->config());
  QSettings settings = studioSettings();
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  event->accept();
}

// ---- training -------------------------------------------------------------------------------

void MainWindow::connectSession() {
  // First: what it logs about a run's end is there for whoever reacts to trainingFinished().
  new RunMessages(session_, logPanel_, statusBar(), stallMonitor_, this);
  connect(session_, &TrainingSession::runStarted, this, &MainWindow::onRunStarted);
  connect(session_, &TrainingSession::epochFinished, this,
          [this] { figureWriter_->request(session_->runDir()); });
  connect(session_, &TrainingSession::checkpointSaved, this,
          [this](const QString& path, CheckpointKind kind) {
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
  connect(session_, &TrainingSession::finished, this, &MainWindow::onRunFinished);
}

QString MainWindow::outputDir() const {
  const std::string dir = configForm_->config().outputDir;
  return QString::fromStdString(dir.empty() ? RunFolder::defaultOutputDir() : dir);
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

void MainWindow::onRunStarted(const RunInfo& info) {
  configForm_->setLrMultiplier(info.lrMultiplier);
  runsPanel_->setOutputDir(QFileInfo(QString::fromStdString(info.runDir)).path());
  runsPanel_->setActiveRun(QString::fromStdString(info.runDir));
  viewerFollowsSample_ = true;
  lastSampleCase_.clear();
  // The viewer's predictions stay on one thread beside the trainer (core/ComputeThreads.h).
  viewer_->setComputeThreads(1);
  tabs_->setCurrentWidget(lossPlot_);
}

void MainWindow::onTrainingStateChanged(TrainerState state) {
  const bool active = session_->isActive();
  trainingStatus_->showState(active, state);
  configForm_->setRunActive(active);
}

void MainWindow::onRunFinished(const RunResult& result) {
  const QString runDir = QString::fromStdString(result.runDir);
  trainingStatus_->showState(false, TrainerState::Finished);
  configForm_->setRunActive(false);
  runsPanel_->setActiveRun(QString());
  runsPanel_->refresh();
  viewer_->setComputeThreads(0);
  if (!runDir.isEmpty() && result.outcome != RunOutcome::Failed)
    figureWriter_->requestNow(runDir);
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
  HistoryModel* shown = session_->historyModel();
  if (session_->isActive() && runDir != session_->runDir()) {
    // The live curves stay; the other run is drawn beside them.
    shown->setComparison(run.history, QString::fromStdString(run.name));
  } else if (!session_->isActive()) {
    shown->clearComparison();
    shown->reset(run.history);
    try {
      shown->setCaption(runCaption(runDir));
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
  if (!session_->isActive())
    session_->historyModel()->reset(a.history);
  session_->historyModel()->setComparison(b.history, QString::fromStdString(b.name));
  tabs_->setCurrentWidget(lossPlot_);
}

void MainWindow::reportError(const QString& title, const QString& message) {
  logPanel_->appendMessage(LogLevel::Error, message);
  showErrorBox(this, title, message);
}

void MainWindow::updateViewerCases() {
  if (!dataset_)
    return;
  const TrainingConfig config = configForm_->config();
  viewer_->setCases(casesToInspect(dataset_->validCases(), config.valFraction, config.seed));
}

void MainWindow::restoreFormConfig() {
  configForm_->setConfig(savedFormConfig(kDefaultPreset));
  runsPanel_->setOutputDir(outputDir());
}

}  // namespace longmim::studio
