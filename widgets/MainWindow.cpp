#include "MainWindow.h"

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
#include <QStatusBar>

#include <exception>
#include <string>

#include "CaseCountText.h"
#include "DataCheckDialog.h"
#include "DatasetPanel.h"
#include "DatasetScanner.h"
#include "DemoDatasetGenerator.h"
#include "DemoDatasetProgress.h"
#include "ErrorBox.h"
#include "Log.h"
#include "LogPanel.h"
#include "RecentDatasetsMenu.h"
#include "StudioSettings.h"
#include "synth/DemoDataset.h"

namespace longmim::studio {
namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

bool isDemoComplete(const std::string& dir) {
  try {
    return synth::isDemoDatasetComplete(dir);
  } catch (const std::exception&) {
    return false;  // an unreadable folder: the generator reports what is wrong with it
  }
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));

  datasetPanel_ = new DatasetPanel(this);
  setCentralWidget(datasetPanel_);
  connect(datasetPanel_, &DatasetPanel::openRequested, this, &MainWindow::chooseDatasetToOpen);
  connect(datasetPanel_, &DatasetPanel::openDemoRequested, this, &MainWindow::openDemoDataset);

  scanner_ = new DatasetScanner(this);
  connect(scanner_, &DatasetScanner::progressed, this, &MainWindow::onScanProgressed);
  connect(scanner_, &DatasetScanner::succeeded, this, &MainWindow::onDatasetScanned);
  connect(scanner_, &DatasetScanner::failed, this, &MainWindow::onDatasetScanFailed);
  connect(scanner_, &DatasetScanner::cancelled, this, [this] { scanProgress_->hide(); });

  demoGenerator_ = new DemoDatasetGenerator(this);
  demoGenerator_->setObjectName(QStringLiteral("demoDatasetGenerator"));
  connect(demoGenerator_, &DemoDatasetGenerator::finished, this, &MainWindow::onDemoGenerated);
  connect(demoGenerator_, &DemoDatasetGenerator::failed, this, &MainWindow::onDemoGenerationFailed);
  connect(demoGenerator_, &DemoDatasetGenerator::cancelled, this,
          &MainWindow::onDemoGenerationCancelled);

  createLogDock();
  createMenus();
  createStatusBar();
  updateTitle();
  updateDatasetSummary();

  resize(1200, 780);
  const QSettings settings = studioSettings();
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray());
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
  file->addMenu(recentMenu_);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setObjectName(QStringLiteral("quitAction"));
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quit->setMenuRole(QAction::QuitRole);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->setObjectName(QStringLiteral("viewMenu"));
  QAction* toggleLog = logDock_->toggleViewAction();
  toggleLog->setObjectName(QStringLiteral("toggleLogAction"));
  toggleLog->setText(tr("&Log"));
  toggleLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  view->addAction(toggleLog);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->setObjectName(QStringLiteral("helpMenu"));
  QAction* about =
      help->addAction(tr("&About Longitudinal MIM Studio"), this, &MainWindow::showAbout);
  about->setObjectName(QStringLiteral("aboutAction"));
  about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createStatusBar() {
  scanProgress_ = new QProgressBar(this);
  scanProgress_->setObjectName(QStringLiteral("scanProgress"));
  scanProgress_->setMaximumWidth(180);
  scanProgress_->setFormat(tr("%v of %m cases"));
  scanProgress_->hide();
  datasetSummary_ = new QLabel(this);
  datasetSummary_->setObjectName(QStringLiteral("datasetSummaryLabel"));
  demoProgress_ = new DemoDatasetProgress(demoGenerator_, this);
  statusBar()->addPermanentWidget(demoProgress_);
  statusBar()->addPermanentWidget(scanProgress_);
  statusBar()->addPermanentWidget(datasetSummary_);
}

void MainWindow::openDataset(const QString& dir) {
  if (dir.isEmpty())
    return;
  openDemoWhenGenerated_ = false;  // the user's latest choice wins over a demo still generating
  statusBar()->showMessage(tr("Checking %1…").arg(dir));
  scanProgress_->setRange(0, 0);  // busy until the number of cases is known
  scanProgress_->show();
  scanner_->start(dir);
}

bool MainWindow::restoreLastDataset() {
  const QString last = recent_.last();
  if (last.isEmpty())
    return false;
  if (!QFileInfo(last).isDir()) {
    // Not an error box at start: the user did not ask for anything yet.
    logWarning("the last dataset, " + last.toStdString() +
               ", is no longer there; use File > Open Dataset to pick another");
    return false;
  }
  openDataset(last);
  return true;
}

void MainWindow::openStartupDataset(const QString& dataArg) {
  if (!dataArg.isEmpty()) {
    openDataset(dataArg);
    return;
  }
  if (restoreLastDataset())
    return;
  openDemoDataset();
}

void MainWindow::openDemoDataset() {
  const std::string dir = synth::defaultDemoDatasetDir();
  if (isDemoComplete(dir)) {
    openDataset(QString::fromStdString(dir));
    return;
  }
  // A generation already running (e.g. the one started at start-up) goes on and is opened.
  demoGenerator_->start(QString::fromStdString(dir));
  openDemoWhenGenerated_ = true;
}

void MainWindow::onDemoGenerated(const QString& dir) {
  if (!openDemoWhenGenerated_) {
    statusBar()->showMessage(tr("The demo dataset is ready: File ▸ Open Demo Dataset"), 10000);
    return;
  }
  openDataset(dir);
}

void MainWindow::onDemoGenerationFailed(const QString& message) {
  openDemoWhenGenerated_ = false;
  statusBar()->showMessage(tr("Could not generate the demo dataset"), 10000);
  showErrorBox(this, tr("Could not generate the demo dataset"), message);
}

void MainWindow::onDemoGenerationCancelled() {
  openDemoWhenGenerated_ = false;
  statusBar()->showMessage(
      tr("Demo dataset cancelled; File ▸ Open Demo Dataset continues from the pairs written"),
      10000);
}

void MainWindow::onScanProgressed(int done, int total) {
  scanProgress_->setRange(0, total);
  scanProgress_->setValue(done);
}

void MainWindow::onDatasetScanned(const PairIndex& index) {
  const QString root = QString::fromStdString(index.root());
  dataset_ = index;
  recent_.add(root);
  recentMenu_->refresh();
  datasetPanel_->showDataset(index);
  scanProgress_->hide();
  updateTitle();
  updateDatasetSummary();
  statusBar()->showMessage(tr("Opened %1").arg(root), 5000);
  Q_EMIT datasetOpened(root);
}

void MainWindow::onDatasetScanFailed(const QString& root, const QString& message) {
  scanProgress_->hide();
  statusBar()->showMessage(tr("Could not open %1").arg(root), 10000);
  if (!QFileInfo(root).isDir()) {
    recent_.remove(root);  // a remembered folder that is gone is no use in File > Recent
    recentMenu_->refresh();
  }
  showErrorBox(this, tr("Could not open dataset"), message);  // core's message names the folder
  Q_EMIT datasetOpenFailed(message);
}

QString MainWindow::chooseFolder(const QString& caption) {
  const QString start = dataset_ ? QString::fromStdString(dataset_->root()) : recent_.last();
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
  // Nothing would show the demo once the window is gone; the generator's destructor waits for the
  // pairs in progress.
  demoGenerator_->cancel();
  QSettings settings = studioSettings();
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  event->accept();
}

}  // namespace longmim::studio
