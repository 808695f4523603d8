// The studio's main window. It wires the panels, menus and the dataset check together; the work
// itself lives in the classes it connects.
#pragma once

#include <QMainWindow>
#include <QString>

#include <optional>

#include "RecentDatasets.h"
#include "data/PairIndex.h"

class QDockWidget;
class QLabel;
class QProgressBar;

namespace longmim::studio {

class DatasetPanel;
class DatasetScanner;
class DemoDatasetGenerator;
class DemoDatasetProgress;
class LogPanel;
class RecentDatasetsMenu;

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

  // The open dataset's report, or nullptr when none is open.
  const longmim::PairIndex* dataset() const { return dataset_ ? &*dataset_ : nullptr; }

 Q_SIGNALS:
  void datasetOpened(const QString& root);
  void datasetOpenFailed(const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void createLogDock();
  void createStatusBar();
  void chooseDatasetToOpen();
  void chooseDatasetToCheck();
  QString chooseFolder(const QString& caption);
  void showAbout();
  void onScanProgressed(int done, int total);
  void onDatasetScanned(const longmim::PairIndex& index);
  void onDatasetScanFailed(const QString& root, const QString& message);
  void onDemoGenerated(const QString& dir);
  void onDemoGenerationFailed(const QString& message);
  void onDemoGenerationCancelled();
  void updateTitle();
  void updateDatasetSummary();

  DatasetPanel* datasetPanel_ = nullptr;
  LogPanel* logPanel_ = nullptr;
  QDockWidget* logDock_ = nullptr;
  QLabel* datasetSummary_ = nullptr;
  QProgressBar* scanProgress_ = nullptr;
  DatasetScanner* scanner_ = nullptr;
  DemoDatasetGenerator* demoGenerator_ = nullptr;
  DemoDatasetProgress* demoProgress_ = nullptr;
  // Open the demo when its generation ends, unless the user has opened another dataset meanwhile.
  bool openDemoWhenGenerated_ = false;
  RecentDatasetsMenu* recentMenu_ = nullptr;
  RecentDatasets recent_;
  std::optional<longmim::PairIndex> dataset_;
};

}  // namespace longmim::studio
