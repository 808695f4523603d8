#include "training/RunsPanel.h"

#include <QAction>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <limits>

#include "training/RunMenu.h"
#include "training/RunRow.h"

namespace longmim::studio {
namespace {

constexpr int kChangeDebounceMs = 250;

const QString kParamsFile = QStringLiteral("training_params.json");

}  // namespace

RunsPanel::RunsPanel(QWidget* parent)
    : QWidget(parent),
      scan_(this, [this](const ScanResult& result, bool) { onScanFinished(result); }) {
  setObjectName(QStringLiteral("runsPanel"));

  folderLabel_ = new QLabel(this);
  folderLabel_->setObjectName(QStringLiteral("runsFolderLabel"));
  folderLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  folderLabel_->setWordWrap(true);
  folderLabel_->setText(tr("No output folder"));

  refreshButton_ = new QPushButton(tr("Refresh"), this);
  refreshButton_->setObjectName(QStringLiteral("refreshRunsButton"));
  connect(refreshButton_, &QPushButton::clicked, this, &RunsPanel::refresh);
  openButton_ = new QPushButton(tr("Open"), this);
  openButton_->setObjectName(QStringLiteral("openRunButton"));
  connect(openButton_, &QPushButton::clicked, this, &RunsPanel::openSelectedRun);
  compareButton_ = new QPushButton(tr("Compare"), this);
  compareButton_->setObjectName(QStringLiteral("compareRunsButton"));
  compareButton_->setToolTip(tr("Select two runs to compare their curves"));
  connect(compareButton_, &QPushButton::clicked, this, &RunsPanel::compareSelectedRuns);

  model_ = new QStandardItemModel(0, ColumnCount, this);
  model_->setHorizontalHeaderLabels({tr("Name"), tr("Status"), tr("Best val loss"), tr("Best r"),
                                     tr("Epochs"), tr("Architecture"), tr("Started")});
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(SortRole);
  proxy_->setDynamicSortFilter(true);

  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("runsTable"));
  table_->setModel(proxy_);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setSortingEnabled(true);
  table_->sortByColumn(StartedColumn, Qt::DescendingOrder);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QTableView::customContextMenuRequested, this, &RunsPanel::showContextMenu);
  // Double-click or Enter, as the platform defines activation.
  connect(table_, &QTableView::activated, this, [this](const QModelIndex& index) {
    openRun(index.siblingAtColumn(NameColumn).data(DirRole).toString());
  });
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunsPanel::updateActions);

  emptyLabel_ = new QLabel(this);
  emptyLabel_->setObjectName(QStringLiteral("noRunsLabel"));
  emptyLabel_->setWordWrap(true);
  emptyLabel_->setText(tr("No runs here yet: each training run writes its folder here."));

  watcher_ = new QFileSystemWatcher(this);
  changeDebounce_.setSingleShot(true);
  changeDebounce_.setInterval(kChangeDebounceMs);
  connect(&changeDebounce_, &QTimer::timeout, this, &RunsPanel::refresh);
  connect(watcher_, &QFileSystemWatcher::directoryChanged, this,
          [this] { changeDebounce_.start(); });
  connect(watcher_, &QFileSystemWatcher::fileChanged, this, [this] { changeDebounce_.start(); });

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(folderLabel_, 1);
  buttons->addWidget(refreshButton_);
  buttons->addWidget(openButton_);
  buttons->addWidget(compareButton_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(table_, 1);
  layout->addWidget(emptyLabel_);
  updateActions();
}

RunsPanel::~RunsPanel() = default;  // the scan's job waits for a scan still running

void RunsPanel::setOutputDir(const QString& dir) {
  const QString cleaned = cleanDir(dir);
  if (cleaned != outputDir_) {
    outputDir_ = cleaned;
    runs_.clear();
    model_->removeRows(0, model_->rowCount());
    if (!watcher_->files().isEmpty())
      watcher_->removePaths(watcher_->files());
    if (!watcher_->directories().isEmpty())
      watcher_->removePaths(watcher_->directories());
    folderLabel_->setText(outputDir_.isEmpty() ? tr("No output folder")
                                               : tr("Runs in %1").arg(outputDir_));
    folderLabel_->setToolTip(outputDir_);
    emptyLabel_->setVisible(true);
    updateActions();
  }
  refresh();
}

QString RunsPanel::outputDir() const {
  return outputDir_;
}

void RunsPanel::setActiveRun(const QString& runDir) {
  activeRun_ = cleanDir(runDir);
  for (int row = 0; row < model_->rowCount(); ++row) {
    const auto it = runs_.constFind(model_->item(row, NameColumn)->data(DirRole).toString());
    if (it != runs_.cend())
      fillRow(row, *it);
  }
  // A run that has just started has just written its folder.
  refresh();
}

QString RunsPanel::activeRun() const {
  return activeRun_;
}

void RunsPanel::refresh() {
  changeDebounce_.stop();
  if (scan_.isRunning()) {
    rescanPending_ = true;
    return;
  }
  if (outputDir_.isEmpty()) {
    showRuns({}, {});
    Q_EMIT refreshed();
    return;
  }
  launchScan();
}

bool RunsPanel::isScanning() const {
  return scan_.isRunning();
}

void RunsPanel::launchScan() {
  const QString dir = outputDir_;
  // A folder of long runs holds large histories: parsing them must not freeze the studio.
  scan_.start([dir](const JobContext&) -> ScanResult {
    ScanResult result;
    result.outputDir = dir;
    try {
      result.runs = scanRuns(dir.toStdString());
      const QDir root(dir);
      for (const QString& name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        result.folders << cleanDir(root.filePath(name));
    } catch (const std::exception& e) {
      result.error = jobErrorMessage(e, tr("unexpected error while reading the runs: "));
    }
    return result;
  });
}

void RunsPanel::onScanFinished(const ScanResult& result) {
  const bool current = result.outputDir == outputDir_;
  if (current) {
    if (result.error.isEmpty())
      showRuns(result.runs, result.folders);
    else
      Q_EMIT errorOccurred(result.error);
  }
  if (rescanPending_ || !current) {
    rescanPending_ = false;
    launchScan();
    return;
  }
  Q_EMIT refreshed();
}

void RunsPanel::showRuns(const std::vector<RunSummary>& runs, const QStringList& folders) {
  QSet<QString> present;
  runs_.clear();
  for (const RunSummary& run : runs) {
    const QString dir = cleanDir(run.dir);
    present.insert(dir);
    runs_.insert(dir, run);
    int row = rowOf(dir);
    if (row < 0) {
      QList<QStandardItem*> items;
      for (int column = 0; column < ColumnCount; ++column) {
        auto* item = new QStandardItem;
        item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
        if (column == BestValLossColumn || column == BestPearsonColumn || column == EpochsColumn)
          item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        items << item;
      }
      items[NameColumn]->setData(dir, DirRole);
      model_->appendRow(items);
      row = model_->rowCount() - 1;
    }
    fillRow(row, run);
  }
  for (int row = model_->rowCount() - 1; row >= 0; --row) {
    if (!present.contains(model_->item(row, NameColumn)->data(DirRole).toString()))
      model_->removeRow(row);
  }
  emptyLabel_->setVisible(model_->rowCount() == 0);
  watchRunFiles(folders);
  updateActions();
}

void RunsPanel::fillRow(int row, const RunSummary& run) {
  const QString dir = model_->item(row, NameColumn)->data(DirRole).toString();
  fillRunRow(*model_, row, run, !activeRun_.isEmpty() && dir == activeRun_, table_->font());
}

int RunsPanel::rowOf(const QString& dir) const {
  for (int row = 0; row < model_->rowCount(); ++row) {
    if (model_->item(row, NameColumn)->data(DirRole).toString() == dir)
      return row;
  }
  return -1;
}

// The output folder shows runs appearing and disappearing. Every folder in it is watched, run or
// not yet: the trainer creates a run's folder a moment before its training_params.json, and a scan
// in between must not miss the file's arrival. A run's file is watched too: the trainer renames a
// new one over it each epoch, and an edit in place changes only the file.
void RunsPanel::watchRunFiles(const QStringList& folders) {
  QSet<QString> wanted(folders.cbegin(), folders.cend());
  if (QFileInfo(outputDir_).isDir())
    wanted.insert(outputDir_);
  for (auto it = runs_.cbegin(); it != runs_.cend(); ++it) {
    wanted.insert(it.key());
    const QString params = it.key() + QLatin1Char('/') + kParamsFile;
    if (QFileInfo::exists(params))
      wanted.insert(params);
  }
  const QStringList watchedList = watcher_->directories() + watcher_->files();
  const QSet<QString> watched(watchedList.cbegin(), watchedList.cend());
  const QSet<QString> stale = watched - wanted;
  const QSet<QString> added = wanted - watched;
  if (!stale.isEmpty())
    watcher_->removePaths(QStringList(stale.cbegin(), stale.cend()));
  if (!added.isEmpty())
    watcher_->addPaths(QStringList(added.cbegin(), added.cend()));
}

QStringList RunsPanel::runDirs() const {
  QStringList dirs;
  for (int row = 0; row < proxy_->rowCount(); ++row)
    dirs << proxy_->index(row, NameColumn).data(DirRole).toString();
  return dirs;
}

QStringList RunsPanel::selectedRunDirs() const {
  QModelIndexList rows = table_->selectionModel()->selectedRows(NameColumn);
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QStringList dirs;
  for (const QModelIndex& index : rows)
    dirs << index.data(DirRole).toString();
  return dirs;
}

std::optional<RunSummary> RunsPanel::summary(const QString& dir) const {
  const auto it = runs_.constFind(cleanDir(dir));
  if (it == runs_.cend())
    return std::nullopt;
  return *it;
}

void RunsPanel::updateActions() {
  const int selected = static_cast<int>(table_->selectionModel()->selectedRows().size());
  openButton_->setEnabled(selected == 1);
  compareButton_->setEnabled(selected == 2);
}

void RunsPanel::openRun(const QString& dir) {
  const std::optional<RunSummary> run = summary(dir);
  if (!run)
    return;
  if (run->status == kStatusUnreadable) {
    Q_EMIT errorOccurred(QString::fromStdString(run->message));
    return;
  }
  Q_EMIT runOpened(dir);
}

void RunsPanel::openSelectedRun() {
  const QStringList selected = selectedRunDirs();
  if (selected.size() == 1)
    openRun(selected.front());
}

void RunsPanel::compareSelectedRuns() {
  const QStringList selected = selectedRunDirs();
  if (selected.size() != 2)
    return;
  for (const QString& dir : selected) {
    const std::optional<RunSummary> run = summary(dir);
    if (run && run->status == kStatusUnreadable) {
      Q_EMIT errorOccurred(QString::fromStdString(run->message));
      return;
    }
  }
  Q_EMIT compareRequested(selected[0], selected[1]);
}

void RunsPanel::showContextMenu(const QPoint& viewportPos) {
  const QModelIndex index = table_->indexAt(viewportPos);
  if (!index.isValid())
    return;
  // As in file managers: a right-click outside the selection acts on the clicked run alone.
  if (!table_->selectionModel()->isRowSelected(index.row(), index.parent())) {
    table_->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  }
  const QString dir = index.siblingAtColumn(NameColumn).data(DirRole).toString();
  const std::optional<RunSummary> run = summary(dir);
  if (!run)
    return;
  const bool readable = run->status != kStatusUnreadable;
  const bool training = dir == activeRun_ || run->status == "running";

  RunMenuActions actions;
  actions.open = [this, dir] { openRun(dir); };
  actions.compare = [this] { compareSelectedRuns(); };
  actions.openFolder = [this, dir] { openFolder(dir); };
  actions.resume = [this](const QString& path) { Q_EMIT resumeRequested(path); };
  actions.showPredictions = [this](const QString& path) { Q_EMIT checkpointChosen(path); };
  actions.evaluate = [this](const QString& path) { Q_EMIT evaluationRequested(path); };
  const RunMenuState state{readable, training, selectedRunDirs().size() == 2};
  makeRunMenu(this, *run, state, actions)->popup(table_->viewport()->mapToGlobal(viewportPos));
}

void RunsPanel::openFolder(const QString& dir) {
  if (!QDesktopServices::openUrl(QUrl::fromLocalFile(dir)))
    Q_EMIT errorOccurred(tr("Cannot show the folder %1: no file manager is set up").arg(dir));
}

}  // namespace longmim::studio
