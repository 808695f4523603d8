#include "dataset/DataCheckDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "common/CaseCountText.h"
#include "common/ErrorBox.h"
#include "common/StatusColors.h"
#include "dataset/DatasetScanner.h"

namespace longmim::studio {
namespace {

enum ProblemColumn { CaseColumn, FileColumn, ProblemTextColumn, SeverityColumn, ColumnCount };

QTableWidgetItem* problemItem(const QString& text, const QColor& color) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  item->setForeground(color);
  item->setToolTip(text);
  return item;
}

}  // namespace

DataCheckDialog::DataCheckDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("dataCheckDialog"));
  setWindowTitle(tr("Check Dataset"));
  resize(900, 480);

  scanner_ = new DatasetScanner(this);
  connect(scanner_, &DatasetScanner::started, this, &DataCheckDialog::onStarted);
  connect(scanner_, &DatasetScanner::progressed, this, &DataCheckDialog::onProgressed);
  connect(scanner_, &DatasetScanner::succeeded, this, &DataCheckDialog::onSucceeded);
  connect(scanner_, &DatasetScanner::failed, this, &DataCheckDialog::onFailed);
  connect(scanner_, &DatasetScanner::cancelled, this, &DataCheckDialog::onCancelled);
  connect(scanner_, &DatasetScanner::finished, this, [this](bool ok) {
    setChecking(false);
    Q_EMIT checkFinished(ok);
  });

  summaryLabel_ = new QLabel(this);
  summaryLabel_->setObjectName(QStringLiteral("summaryLabel"));
  summaryLabel_->setWordWrap(true);
  summaryLabel_->setTextFormat(Qt::PlainText);
  summaryLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  progressBar_ = new QProgressBar(this);
  progressBar_->setObjectName(QStringLiteral("progressBar"));
  progressBar_->setFormat(tr("%v of %m cases"));
  progressBar_->setRange(0, 1);
  progressBar_->setValue(0);

  problemTable_ = new QTableWidget(0, ColumnCount, this);
  problemTable_->setObjectName(QStringLiteral("problemTable"));
  problemTable_->setHorizontalHeaderLabels({tr("Case"), tr("File"), tr("Problem"), tr("Severity")});
  problemTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  problemTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  problemTable_->setWordWrap(false);
  problemTable_->verticalHeader()->setVisible(false);
  problemTable_->verticalHeader()->setDefaultSectionSize(problemTable_->fontMetrics().height() + 8);
  QHeaderView* header = problemTable_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  header->setSectionResizeMode(ProblemTextColumn, QHeaderView::Stretch);
  header->setSortIndicator(CaseColumn, Qt::AscendingOrder);
  problemTable_->setSortingEnabled(true);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  openButton_ = buttons->addButton(tr("Open as Dataset"), QDialogButtonBox::AcceptRole);
  openButton_->setObjectName(QStringLiteral("openAsDatasetButton"));
  openButton_->setEnabled(false);
  cancelButton_ = buttons->addButton(tr("Cancel Check"), QDialogButtonBox::ActionRole);
  cancelButton_->setObjectName(QStringLiteral("cancelCheckButton"));
  cancelButton_->setEnabled(false);
  connect(cancelButton_, &QPushButton::clicked, this, &DataCheckDialog::cancelCheck);
  connect(openButton_, &QPushButton::clicked, this, [this] {
    Q_EMIT openRequested(folder_);
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  // Closing the dialog abandons the check; nothing would show its result.
  connect(this, &QDialog::rejected, this, &DataCheckDialog::cancelCheck);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summaryLabel_);
  layout->addWidget(progressBar_);
  layout->addWidget(problemTable_, 1);
  layout->addWidget(buttons);
}

void DataCheckDialog::check(const QString& folder) {
  folder_ = folder;
  scanner_->start(folder);
}

void DataCheckDialog::cancelCheck() {
  scanner_->cancel();
}

bool DataCheckDialog::isChecking() const {
  return scanner_->isRunning();
}

void DataCheckDialog::onStarted(const QString& root) {
  folder_ = root;
  setWindowTitle(tr("Check Dataset — %1").arg(root));
  showSummary(tr("Checking %1…").arg(root), false);
  problemTable_->setRowCount(0);
  progressBar_->setRange(0, 0);  // busy until the number of cases is known
  openButton_->setEnabled(false);
  setChecking(true);
}

void DataCheckDialog::onProgressed(int done, int total) {
  progressBar_->setRange(0, total);
  progressBar_->setValue(done);
}

void DataCheckDialog::onSucceeded(const PairIndex& index) {
  const QString root = QString::fromStdString(index.root());
  const QString counts = caseCountText(index.validCount(), index.invalidCount());
  if (index.cases().empty()) {
    showSummary(tr("%1 in %2. Each case folder needs prior.nii.gz, current.nii.gz and "
                   "diff_map.nii.gz.")
                    .arg(counts, root),
                false);
  } else {
    showSummary(tr("%1 in %2").arg(counts, root), false);
  }
  const int caseCount = static_cast<int>(index.cases().size());
  progressBar_->setRange(0, std::max(1, caseCount));
  progressBar_->setValue(std::max(1, caseCount));

  problemTable_->setSortingEnabled(false);  // rows would move while being filled
  problemTable_->setRowCount(static_cast<int>(index.problems().size()));
  int row = 0;
  for (const DataProblem& p : index.problems()) {
    const QColor color = p.fatal ? errorColor() : warningColor();
    problemTable_->setItem(row, CaseColumn, problemItem(QString::fromStdString(p.caseName), color));
    problemTable_->setItem(row, FileColumn, problemItem(QString::fromStdString(p.file), color));
    problemTable_->setItem(row, ProblemTextColumn,
                           problemItem(QString::fromStdString(p.reason), color));
    problemTable_->setItem(row, SeverityColumn,
                           problemItem(p.fatal ? tr("error") : tr("warning"), color));
    ++row;
  }
  problemTable_->setSortingEnabled(true);
  openButton_->setEnabled(index.validCount() > 0);
}

void DataCheckDialog::onFailed(const QString& /*root*/, const QString& message) {
  showSummary(message, true);
  progressBar_->setRange(0, 1);
  progressBar_->setValue(0);
  showErrorBox(this, tr("Dataset check failed"), message);  // core's message names the folder
}

void DataCheckDialog::onCancelled(const QString& root) {
  showSummary(tr("Check of %1 cancelled.").arg(root), false);
  progressBar_->setRange(0, 1);
  progressBar_->setValue(0);
}

void DataCheckDialog::showSummary(const QString& text, bool isError) {
  showStatusText(summaryLabel_, text, isError);
}

void DataCheckDialog::setChecking(bool checking) {
  cancelButton_->setEnabled(checking);
}

}  // namespace longmim::studio
