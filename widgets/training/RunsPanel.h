// The studio's list of the training runs under an output folder: status, best validation loss and
// progress of each, kept current while runs write their folders, and what a run offers (open,
// compare, resume, predictions, its folder).
#pragma once

#include <QHash>
#include <QPoint>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <optional>
#include <vector>

#include "common/BackgroundJob.h"
#include "train/RunCatalog.h"

class QFileSystemWatcher;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItem;
class QStandardItemModel;
class QTableView;

namespace longmim::studio {

class RunsPanel : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    NameColumn,
    StatusColumn,
    BestValLossColumn,
    BestPearsonColumn,
    EpochsColumn,
    ArchitectureColumn,
    StartedColumn,
    ColumnCount
  };

  explicit RunsPanel(QWidget* parent = nullptr);
  // Waits for a scan still running: its result must not arrive at a destroyed panel.
  ~RunsPanel() override;

  // Lists the runs under `dir` (which need not exist yet) and follows its changes.
  void setOutputDir(const QString& dir);
  QString outputDir() const;
  // The run this studio is training now (empty: none): shown as running, in bold.
  void setActiveRun(const QString& runDir);
  QString activeRun() const;
  // Scans the output folder again, off the GUI thread; refreshed() follows.
  void refresh();
  bool isScanning() const;

  // Run folders in the order the table shows them.
  QStringList runDirs() const;
  QStringList selectedRunDirs() const;
  std::optional<longmim::RunSummary> summary(const QString& dir) const;

 Q_SIGNALS:
  // Double-click, Enter or "Open": the main window loads its curves and checkpoints.
  void runOpened(const QString& runDir);
  // Two runs selected and "Compare", in the order the table shows them.
  void compareRequested(const QString& runA, const QString& runB);
  // Context menu "Resume from" <checkpoint>.
  void resumeRequested(const QString& checkpointPath);
  // Context menu "Show predictions with" <checkpoint>.
  void checkpointChosen(const QString& checkpointPath);
  // Context menu "Evaluate" <checkpoint>: its metrics next to the baselines, evaluation.json.
  void evaluationRequested(const QString& checkpointPath);
  void errorOccurred(const QString& message);
  // The table shows the result of a scan.
  void refreshed();

 private:
  struct ScanResult {
    QString outputDir;
    std::vector<longmim::RunSummary> runs;
    QStringList folders;  // every folder in the output folder, runs or not (yet)
    QString error;
  };

  void launchScan();
  void onScanFinished(const ScanResult& result);
  void showRuns(const std::vector<longmim::RunSummary>& runs, const QStringList& folders);
  void fillRow(int row, const longmim::RunSummary& run);
  int rowOf(const QString& dir) const;
  void watchRunFiles(const QStringList& folders);
  void updateActions();
  void openRun(const QString& dir);
  void openSelectedRun();
  void compareSelectedRuns();
  void showContextMenu(const QPoint& viewportPos);
  void openFolder(const QString& dir);

  QLabel* folderLabel_ = nullptr;
  QLabel* emptyLabel_ = nullptr;
  QPushButton* openButton_ = nullptr;
  QPushButton* compareButton_ = nullptr;
  QPushButton* refreshButton_ = nullptr;
  QTableView* table_ = nullptr;
  QStandardItemModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QFileSystemWatcher* watcher_ = nullptr;
  // Saving a checkpoint renames a temporary file: one save is a burst of changes, one scan.
  QTimer changeDebounce_;
  bool rescanPending_ = false;

  QString outputDir_;
  QString activeRun_;
  QHash<QString, longmim::RunSummary> runs_;  // by cleaned run folder path
  BackgroundJob<ScanResult> scan_;            // last: destroyed (and waited for) first
};

}  // namespace longmim::studio
