#include "shell/StudioReactions.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

#include "dataset/DataCheckDialog.h"
#include "shell/MainWindow.h"
#include "viewer/ComparisonViewer.h"

namespace longmim::studio {

QString browseStartFolder(const MainWindow& window) {
  QString start = window.dataset() ? QString::fromStdString(window.dataset()->root())
                                   : window.lastDatasetFolder();
  return start.isEmpty() ? QDir::homePath() : start;
}

OpenDatasetReaction::OpenDatasetReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("&Open Dataset…"));
  action->setObjectName(QStringLiteral("openDatasetAction"));
  action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
  action->setStatusTip(tr("Check a dataset folder and make it the studio's dataset"));
}

void OpenDatasetReaction::onTriggered() {
  window_->openDataset(
      QFileDialog::getExistingDirectory(window_, tr("Open Dataset"), browseStartFolder(*window_)));
}

OpenDemoDatasetReaction::OpenDemoDatasetReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("Open &Demo Dataset"));
  action->setObjectName(QStringLiteral("openDemoDatasetAction"));
  action->setStatusTip(
      tr("Open the synthetic demo dataset; the first time, its pairs are generated into your data "
         "folder"));
}

void OpenDemoDatasetReaction::onTriggered() {
  window_->openDemoDataset();
}

CheckDatasetReaction::CheckDatasetReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("&Check Dataset…"));
  action->setObjectName(QStringLiteral("checkDatasetAction"));
  action->setStatusTip(tr("List every problem in a dataset folder, like longmim data check"));
}

void CheckDatasetReaction::onTriggered() {
  const QString folder =
      QFileDialog::getExistingDirectory(window_, tr("Check Dataset"), browseStartFolder(*window_));
  if (folder.isEmpty())
    return;
  auto* dialog = new DataCheckDialog(window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &DataCheckDialog::openRequested, window_, &MainWindow::openDataset);
  dialog->show();
  dialog->check(folder);
}

OpenPairReaction::OpenPairReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("Open &Pair in Viewer…"));
  action->setObjectName(QStringLiteral("openPairAction"));
  action->setStatusTip(
      tr("Show a prior / current pair (NIfTI, DICOM, PNG or JPEG) in the viewer, with its "
         "ground truth if you have one"));
}

void OpenPairReaction::onTriggered() {
  // DICOM files often have no extension: "All files" reads them too (by their content).
  const QString filter =
      tr("X-ray images (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg);;NIfTI (*.nii *.nii.gz);;"
         "DICOM (*.dcm);;PNG or JPEG (*.png *.jpg *.jpeg);;All files (*)");
  const QString truthFilter = tr("NIfTI images (*.nii *.nii.gz);;All files (*)");
  const QString prior = QFileDialog::getOpenFileName(window_, tr("Prior (Baseline) X-ray"),
                                                     browseStartFolder(*window_), filter);
  if (prior.isEmpty())
    return;
  const QString folder = QFileInfo(prior).path();
  const QString current =
      QFileDialog::getOpenFileName(window_, tr("Current (Follow-up) X-ray"), folder, filter);
  if (current.isEmpty())
    return;
  const QString truth = QFileDialog::getOpenFileName(
      window_, tr("Ground-Truth Difference Map (optional: Cancel for none)"), folder, truthFilter);
  window_->viewer()->openPair(prior, current, truth);
  window_->centralTabs()->setCurrentWidget(window_->viewer());
}

ExportViewerReaction::ExportViewerReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("Export &Viewer as PNG…"));
  action->setObjectName(QStringLiteral("exportViewerAction"));
  action->setStatusTip(tr("Write the four panels at twice the screen resolution"));
}

void ExportViewerReaction::onTriggered() {
  const QString path = QFileDialog::getSaveFileName(window_, tr("Export Viewer"),
                                                    QDir::home().filePath("comparison.png"),
                                                    tr("PNG images (*.png)"));
  if (path.isEmpty())
    return;
  if (window_->viewer()->exportPng(path, 2.0))
    window_->statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
}

EvaluateCheckpointReaction::EvaluateCheckpointReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("&Evaluate Checkpoint…"));
  action->setObjectName(QStringLiteral("evaluateCheckpointAction"));
  action->setStatusTip(tr("Measure a checkpoint against the all-zeros and subtraction baselines"));
}

void EvaluateCheckpointReaction::onTriggered() {
  const QString checkpoint =
      QFileDialog::getOpenFileName(window_, tr("Evaluate Checkpoint"), window_->outputDir(),
                                   tr("Checkpoints (*.pt);;All files (*)"));
  if (!checkpoint.isEmpty())
    window_->evaluateCheckpoint(checkpoint);
}

AboutReaction::AboutReaction(QAction* action, MainWindow* window)
    : Reaction(action), window_(window) {
  action->setText(tr("&About Longitudinal MIM Studio"));
  action->setObjectName(QStringLiteral("aboutAction"));
  action->setMenuRole(QAction::AboutRole);
}

void AboutReaction::onTriggered() {
  auto* box = new QMessageBox(window_);
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

}  // namespace longmim::studio
