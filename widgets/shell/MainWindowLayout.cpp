// The main window's parts and where they sit -- the docks (hyperparameters, runs, log), the
// menus and toolbar with their reactions, the status bar -- and how the docks are wired. Members
// of MainWindow, kept apart from what it does with them (MainWindow.cpp).
#include <QAction>
#include <QDockWidget>
#include <QKeySequence>
#include <QMenuBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include "Log.h"
#include "curves/LiveLossPlot.h"
#include "dataset/DatasetOpener.h"
#include "dataset/DatasetPanel.h"
#include "dataset/DatasetStatus.h"
#include "dataset/RecentDatasetsMenu.h"
#include "shell/LogPanel.h"
#include "shell/MainWindow.h"
#include "shell/StudioReactions.h"
#include "training/ConfigForm.h"
#include "training/RunFigureWriter.h"
#include "training/RunsPanel.h"
#include "training/TrainingActions.h"
#include "training/TrainingSession.h"
#include "training/TrainingStatusWidget.h"
#include "viewer/ComparisonViewer.h"

namespace longmim::studio {
namespace {

// A menu entry whose behaviour is the reaction R (shell/StudioReactions.h).
template <typename R>
QAction* addReaction(QMenu* menu, MainWindow* window) {
  QAction* action = menu->addAction(QString());
  new R(action, window);
  return action;
}

}  // namespace

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

  connect(configForm_, &ConfigForm::configEdited, this, [this] {
    if (!session_->isActive())
      runsPanel_->setOutputDir(outputDir());
  });
  connect(configForm_, &ConfigForm::liveEditRequested, session_,
          &TrainingSession::editHyperparameter);
  connect(configForm_, &ConfigForm::errorOccurred, this,
          [this](const QString& message) { logPanel_->appendMessage(LogLevel::Error, message); });

  connect(runsPanel_, &RunsPanel::runOpened, this, &MainWindow::openRun);
  connect(runsPanel_, &RunsPanel::compareRequested, this, &MainWindow::compareRuns);
  connect(runsPanel_, &RunsPanel::resumeRequested, this,
          [this](const QString& checkpoint) { actions_->resumeRun(checkpoint); });
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
  QAction* open = addReaction<OpenDatasetReaction>(file, this);
  connect(datasetPanel_, &DatasetPanel::openRequested, open, &QAction::trigger);
  QAction* demo = addReaction<OpenDemoDatasetReaction>(file, this);
  connect(datasetPanel_, &DatasetPanel::openDemoRequested, demo, &QAction::trigger);
  addReaction<CheckDatasetReaction>(file, this);
  recentMenu_ = new RecentDatasetsMenu(file);
  connect(recentMenu_, &RecentDatasetsMenu::datasetChosen, this, &MainWindow::openDataset);
  connect(opener_, &DatasetOpener::recentChanged, recentMenu_, &RecentDatasetsMenu::refresh);
  file->addMenu(recentMenu_);
  file->addSeparator();
  addReaction<OpenPairReaction>(file, this);
  addReaction<ExportViewerReaction>(file, this);
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
  addReaction<AboutReaction>(help, this);
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
  // Data-parallel: the studio's trainer is rank 0 of this many processes (docs/distributed.md).
  auto* workers = new QSpinBox(this);
  workers->setObjectName(QStringLiteral("workerProcessesSpin"));
  workers->setRange(1, 64);
  workers->setPrefix(tr("Workers: "));
  workers->setToolTip(
      tr("Worker processes of the next run: one data-parallel run, BATCH_SIZE per "
         "worker, the cores shared between them"));
  trainingToolBar_->addWidget(workers);
  connect(workers, qOverload<int>(&QSpinBox::valueChanged), session_,
          &TrainingSession::setWorkerProcesses);
  connect(session_, &TrainingSession::stateChanged, workers,
          [this, workers] { workers->setEnabled(!session_->isActive()); });
  connect(session_, &TrainingSession::finished, workers, [workers] { workers->setEnabled(true); });
  training->addSeparator();
  addReaction<EvaluateCheckpointReaction>(training, this);
  connect(actions_, &TrainingActions::runStarting, this,
          [this] { tabs_->setCurrentWidget(lossPlot_); });
  connect(actions_, &TrainingActions::errorOccurred, this, &MainWindow::reportError);
}

void MainWindow::createStatusBar() {
  trainingStatus_ = new TrainingStatusWidget(this);
  trainingStatus_->setObjectName(QStringLiteral("trainingStatus"));
  statusBar()->addPermanentWidget(trainingStatus_);
  new DatasetStatus(opener_, statusBar(), this);
}

}  // namespace longmim::studio
