#include "dataset/DatasetStatus.h"

#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>

#include "common/CaseCountText.h"
#include "common/ErrorBox.h"
#include "data/PairIndex.h"
#include "dataset/DatasetOpener.h"
#include "dataset/DemoDatasetProgress.h"

namespace longmim::studio {

DatasetStatus::DatasetStatus(DatasetOpener* opener, QStatusBar* statusBar, QWidget* dialogParent)
    : QObject(opener), statusBar_(statusBar), dialogParent_(dialogParent) {
  demoProgress_ = new DemoDatasetProgress(opener->demoGenerator(), statusBar);
  scanProgress_ = new QProgressBar(statusBar);
  scanProgress_->setObjectName(QStringLiteral("scanProgress"));
  scanProgress_->setMaximumWidth(180);
  scanProgress_->setFormat(tr("%v of %m cases"));
  scanProgress_->hide();
  summary_ = new QLabel(tr("No dataset"), statusBar);
  summary_->setObjectName(QStringLiteral("datasetSummaryLabel"));
  statusBar->addPermanentWidget(demoProgress_);
  statusBar->addPermanentWidget(scanProgress_);
  statusBar->addPermanentWidget(summary_);

  connect(opener, &DatasetOpener::scanStarted, this, [this](const QString& dir) {
    statusBar_->showMessage(tr("Checking %1…").arg(dir));
    scanProgress_->setRange(0, 0);  // busy until the number of cases is known
    scanProgress_->show();
  });
  connect(opener, &DatasetOpener::scanProgressed, this, [this](int done, int total) {
    scanProgress_->setRange(0, total);
    scanProgress_->setValue(done);
  });
  connect(opener, &DatasetOpener::scanCancelled, this, [this] { scanProgress_->hide(); });
  connect(opener, &DatasetOpener::opened, this, &DatasetStatus::onOpened);
  connect(opener, &DatasetOpener::openFailed, this, &DatasetStatus::onOpenFailed);
  connect(opener, &DatasetOpener::demoReadyNotOpened, this, [this] {
    statusBar_->showMessage(tr("The demo dataset is ready: File ▸ Open Demo Dataset"), 10000);
  });
  connect(opener, &DatasetOpener::demoFailed, this, [this](const QString& message) {
    statusBar_->showMessage(tr("Could not generate the demo dataset"), 10000);
    showErrorBox(dialogParent_, tr("Could not generate the demo dataset"), message);
  });
  connect(opener, &DatasetOpener::demoCancelled, this, [this] {
    statusBar_->showMessage(
        tr("Demo dataset cancelled; File ▸ Open Demo Dataset continues from the pairs written"),
        10000);
  });
}

void DatasetStatus::onOpened(const PairIndex& index) {
  scanProgress_->hide();
  summary_->setText(caseCountText(index.validCount(), index.invalidCount()));
  statusBar_->showMessage(tr("Opened %1").arg(QString::fromStdString(index.root())), 5000);
}

void DatasetStatus::onOpenFailed(const QString& root, const QString& message) {
  scanProgress_->hide();
  statusBar_->showMessage(tr("Could not open %1").arg(root), 10000);
  // Core's message names the folder and the problem.
  showErrorBox(dialogParent_, tr("Could not open dataset"), message);
}

}  // namespace longmim::studio
