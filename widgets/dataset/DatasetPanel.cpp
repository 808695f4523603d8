#include "dataset/DatasetPanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/CaseCountText.h"
#include "common/StatusColors.h"

namespace longmim::studio {
namespace {

enum CaseColumn { CaseNameColumn, SubjectColumn, StatusColumn, ProblemsColumn, CaseColumnCount };

QTableWidgetItem* readOnlyItem(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  item->setToolTip(text);
  return item;
}

// "current.nii.gz: missing; diff_map.nii.gz: is 3-D (...)" per case, in report order.
QMap<QString, QStringList> problemsByCase(const PairIndex& index) {
  QMap<QString, QStringList> problems;
  for (const DataProblem& p : index.problems()) {
    const QString reason = QString::fromStdString(p.reason);
    problems[QString::fromStdString(p.caseName)]
        << (p.file.empty() ? reason
                           : QString::fromStdString(p.file) + QStringLiteral(": ") + reason);
  }
  return problems;
}

}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("datasetPanel"));
  pages_ = new QStackedWidget(this);
  emptyPage_ = createEmptyPage();
  datasetPage_ = createDatasetPage();
  pages_->addWidget(emptyPage_);
  pages_->addWidget(datasetPage_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(pages_);
  showNoDataset();
}

QWidget* DatasetPanel::createEmptyPage() {
  auto* page = new QWidget;
  auto* message = new QLabel(page);
  message->setObjectName(QStringLiteral("emptyDatasetMessage"));
  message->setTextFormat(Qt::RichText);
  message->setWordWrap(true);
  message->setMinimumWidth(360);
  message->setMaximumWidth(640);
  message->setText(
      tr("<h2>No dataset open.</h2>"
         "<p>Use File ▸ Open Dataset… (Ctrl+O) to pick a folder that holds case folders, each with "
         "<b>prior.nii.gz</b>, <b>current.nii.gz</b> and <b>diff_map.nii.gz</b> (.nii works too; "
         "the reference's case/pair layout is found recursively).</p>"
         "<p>The command line does the same check: <code>longmim data check DIR</code></p>"
         "<p>To try the studio without data of your own, use File ▸ Open Demo Dataset: synthetic "
         "phantom pairs, generated into your data folder the first time.</p>"));

  auto* open = new QPushButton(tr("Open Dataset…"), page);
  open->setObjectName(QStringLiteral("openDatasetButton"));
  connect(open, &QPushButton::clicked, this, &DatasetPanel::openRequested);
  auto* openDemo = new QPushButton(tr("Open Demo Dataset"), page);
  openDemo->setObjectName(QStringLiteral("openDemoDatasetButton"));
  connect(openDemo, &QPushButton::clicked, this, &DatasetPanel::openDemoRequested);

  // Centred by stretches, not by alignment flags: an aligned word-wrapped label gets the height of
  // its size hint instead of the height its wrapped text needs, and its end is cut off.
  auto* messageRow = new QHBoxLayout;
  messageRow->addStretch(1);
  messageRow->addWidget(message, 4);
  messageRow->addStretch(1);
  auto* buttonRow = new QHBoxLayout;
  buttonRow->addStretch(1);
  buttonRow->addWidget(open);
  buttonRow->addWidget(openDemo);
  buttonRow->addStretch(1);
  auto* layout = new QVBoxLayout(page);
  layout->addStretch(1);
  layout->addLayout(messageRow);
  layout->addSpacing(12);
  layout->addLayout(buttonRow);
  layout->addStretch(2);
  return page;
}

QWidget* DatasetPanel::createDatasetPage() {
  auto* page = new QWidget;
  folderLabel_ = new QLabel(page);
  folderLabel_->setObjectName(QStringLiteral("datasetFolderLabel"));
  folderLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  folderLabel_->setWordWrap(true);
  QFont bold = folderLabel_->font();
  bold.setBold(true);
  folderLabel_->setFont(bold);

  countsLabel_ = new QLabel(page);
  countsLabel_->setObjectName(QStringLiteral("datasetCountsLabel"));

  caseTable_ = new QTableWidget(0, CaseColumnCount, page);
  caseTable_->setObjectName(QStringLiteral("caseTable"));
  caseTable_->setHorizontalHeaderLabels({tr("Case"), tr("Subject"), tr("Status"), tr("Problems")});
  caseTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  caseTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  caseTable_->setAlternatingRowColors(true);
  caseTable_->verticalHeader()->setVisible(false);
  caseTable_->verticalHeader()->setDefaultSectionSize(caseTable_->fontMetrics().height() + 8);
  QHeaderView* header = caseTable_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  header->setSectionResizeMode(ProblemsColumn, QHeaderView::Stretch);
  header->setSortIndicator(CaseNameColumn, Qt::AscendingOrder);

  auto* layout = new QVBoxLayout(page);
  layout->addWidget(folderLabel_);
  layout->addWidget(countsLabel_);
  layout->addWidget(caseTable_, 1);
  return page;
}

void DatasetPanel::showDataset(const PairIndex& index) {
  folderLabel_->setText(tr("Dataset: %1").arg(QString::fromStdString(index.root())));
  countsLabel_->setText(caseCountText(index.validCount(), index.invalidCount()));

  const QMap<QString, QStringList> problems = problemsByCase(index);
  caseTable_->setSortingEnabled(false);  // rows would move while being filled
  caseTable_->setRowCount(static_cast<int>(index.cases().size()));
  int row = 0;
  for (const CaseEntry& entry : index.cases()) {
    const QString name = QString::fromStdString(entry.name);
    auto* status = readOnlyItem(entry.valid ? tr("valid") : tr("invalid"));
    status->setForeground(entry.valid ? validColor() : errorColor());
    caseTable_->setItem(row, CaseNameColumn, readOnlyItem(name));
    caseTable_->setItem(row, SubjectColumn, readOnlyItem(QString::fromStdString(entry.subject)));
    caseTable_->setItem(row, StatusColumn, status);
    caseTable_->setItem(row, ProblemsColumn,
                        readOnlyItem(problems.value(name).join(QStringLiteral("; "))));
    ++row;
  }
  caseTable_->setSortingEnabled(true);
  pages_->setCurrentWidget(datasetPage_);
}

void DatasetPanel::showNoDataset() {
  caseTable_->setRowCount(0);
  folderLabel_->clear();
  countsLabel_->clear();
  pages_->setCurrentWidget(emptyPage_);
}

bool DatasetPanel::hasDataset() const {
  return pages_->currentWidget() == datasetPage_;
}

}  // namespace longmim::studio
