// The studio's main window. It wires the panels, menus and the dataset check together; the work
// itself lives in the classes it connects.
#pragma once

#include <QMainWindow>
#include <QString>

#include <optional>

#include "config/TrainingConfig.h"
#include "data/PairIndex.h"
#include "train/TrainerObserver.h"

class QDockWidget;
class QTabWidget;
class QToolBar;

namespace longmim::studio {

class ComparisonViewer;
class ComponentCurvesView;
class ConfigForm;
class DatasetPanel;
class DatasetOpener;
class LiveLossPlot;
class LogPanel;
class RecentDatasetsMenu;
class RunFigureWriter;
class RunsPanel;
class TrainingActions;
class TrainingSession;
class TrainingStatusWidget;
class UiStallMonitor;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Checks `dir` like `longmim data check` in the background, then shows it as the open dataset
  // and remembers it. On failure the previous dataset stays open and the error is shown.
  void openDataset(const QString& dir);
  // Reopens the dataset opened last time, if it still exists. Returns false when there is none
  // to reopen.
  bool restoreLastDataset();
  // Opens the embedded demo dataset, generating the pairs it is missing first (in the background,
  // with progress and Cancel in the status bar).
  void openDemoDataset();
  // What the studio opens at start: `dataArg` (--data) when given, else the last dataset, else the
  // demo dataset.
  void openStartupDataset(const QString& dataArg);

  // The dataset opened last (File > Recent's first), or empty.
  QString lastDatasetFolder() const;
  // The open dataset's report, or nullptr when none is open.
  const longmim::PairIndex* dataset() const { return dataset_ ? &*dataset_ : nullptr; }

  // Shows a finished (or running) run's curves and predicts with its best checkpoint.
  void openRun(const QString& runDir);
  // Evaluates `checkpoint` on its run's dataset in a dialog (metrics next to the baselines) and
  // writes RUN_DIR/evaluation.json, like `longmim evaluate --save`.
  void evaluateCheckpoint(const QString& checkpoint);
  // Overlays run B's curves on run A's.
  void compareRuns(const QString& runA, const QString& runB);
  // Where runs are written and listed: OUTPUT_DIR of the form, or the default folder.
  QString outputDir() const;

  // The parts, for tests and for wiring.
  ConfigForm* configForm() const { return configForm_; }
  LiveLossPlot* lossPlot() const { return lossPlot_; }
  ComponentCurvesView* componentCurves() const { return components_; }
  ComparisonViewer* viewer() const { return viewer_; }
  RunsPanel* runsPanel() const { return runsPanel_; }
  TrainingSession* session() const { return session_; }
  TrainingActions* trainingActions() const { return actions_; }
  TrainingStatusWidget* trainingStatus() const { return trainingStatus_; }
  UiStallMonitor* stallMonitor() const { return stallMonitor_; }
  RunFigureWriter* figureWriter() const { return figureWriter_; }
  QTabWidget* centralTabs() const { return tabs_; }

 Q_SIGNALS:
  void datasetOpened(const QString& root);
  void datasetOpenFailed(const QString& message);
  void trainingFinished(const QString& runDir, const QString& outcome);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void createTrainingMenu();
  void createLogDock();
  void createTrainingDocks();
  void createStatusBar();
  void connectSession();
  void reportError(const QString& title, const QString& message);
  void updateViewerCases();
  void onRunStarted(const longmim::RunInfo& info);
  void onRunFinished(const longmim::RunResult& result);
  void onTrainingStateChanged(longmim::TrainerState state);
  void restoreFormConfig();
  void onDatasetOpened(const longmim::PairIndex& index);
  void updateTitle();

  DatasetPanel* datasetPanel_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  ConfigForm* configForm_ = nullptr;
  QDockWidget* formDock_ = nullptr;
  LiveLossPlot* lossPlot_ = nullptr;
  ComponentCurvesView* components_ = nullptr;
  ComparisonViewer* viewer_ = nullptr;
  RunsPanel* runsPanel_ = nullptr;
  QDockWidget* runsDock_ = nullptr;
  QToolBar* trainingToolBar_ = nullptr;
  TrainingSession* session_ = nullptr;
  TrainingActions* actions_ = nullptr;
  TrainingStatusWidget* trainingStatus_ = nullptr;
  UiStallMonitor* stallMonitor_ = nullptr;
  RunFigureWriter* figureWriter_ = nullptr;
  // During a run the viewer follows the trainer's sample until the user picks another case.
  bool viewerFollowsSample_ = true;
  QString lastSampleCase_;
  // Close the window once the run has stopped (the user chose "Stop and Quit").
  bool closeWhenStopped_ = false;
  LogPanel* logPanel_ = nullptr;
  QDockWidget* logDock_ = nullptr;
  DatasetOpener* opener_ = nullptr;
  RecentDatasetsMenu* recentMenu_ = nullptr;
  std::optional<longmim::PairIndex> dataset_;
};

}  // namespace longmim::studio
