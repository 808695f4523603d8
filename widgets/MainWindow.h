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
class LogPanel;
class RecentDatasetsMenu;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Checks `dir` like `longmim data check` in the background, then shows it as the open dataset
  // and remembers it. On failure the previous dataset stays open and the error is shown.
  void openDataset(const QString& dir);
  // Reopens the dataset opened last time, if it still exists (called at start without --data).
  void restoreLastDataset();

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
  void updateTitle();
  void updateDatasetSummary();

  DatasetPanel* datasetPanel_ = nullptr;
  LogPanel* logPanel_ = nullptr;
  QDockWidget* logDock_ = nullptr;
  QLabel* datasetSummary_ = nullptr;
  QProgressBar* scanProgress_ = nullptr;
  DatasetScanner* scanner_ = nullptr;
  RecentDatasetsMenu* recentMenu_ = nullptr;
  RecentDatasets recent_;
  std::optional<longmim::PairIndex> dataset_;
};

}  // namespace longmim::studio
