#include "training/EvaluationDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/ErrorBox.h"
#include "common/StatusColors.h"
#include "eval/CheckpointEvaluation.h"

namespace longmim::studio {
namespace {

enum Column {
  MetricColumn,
  ModelColumn,
  ZerosColumn,
  SubtractionColumn,
  VsZerosColumn,
  VsSubtractionColumn,
  ColumnCount
};

QTableWidgetItem* cell(const QString& text, Qt::Alignment alignment = Qt::AlignRight) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  item->setTextAlignment(alignment | Qt::AlignVCenter);
  return item;
}

QString number(double value) {
  return QString::number(value, 'g', 4);
}

}  // namespace

EvaluationDialog::EvaluationDialog(QWidget* parent)
    : QDialog(parent),
      job_(
          this, [this](const Outcome& outcome, bool) { onFinished(outcome); },
          [this](int done, int total) {
            progressBar_->setRange(0, total);
            progressBar_->setValue(done);
          }) {
  setObjectName(QStringLiteral("evaluationDialog"));
  setWindowTitle(tr("Evaluate Checkpoint"));
  resize(820, 420);

  summaryLabel_ = new QLabel(this);
  summaryLabel_->setObjectName(QStringLiteral("summaryLabel"));
  summaryLabel_->setWordWrap(true);
  summaryLabel_->setTextFormat(Qt::PlainText);
  summaryLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  dataEdit_ = new QLineEdit(this);
  dataEdit_->setObjectName(QStringLiteral("dataEdit"));
  dataEdit_->setPlaceholderText(tr("the run's own dataset (its validation pairs)"));
  dataEdit_->setToolTip(tr("Dataset folder to evaluate on; empty: the run's own dataset"));
  chooseDataButton_ = new QPushButton(tr("Choose…"), this);
  chooseDataButton_->setObjectName(QStringLiteral("chooseDataButton"));
  connect(chooseDataButton_, &QPushButton::clicked, this, &EvaluationDialog::chooseDataset);
  auto* dataRow = new QHBoxLayout;
  dataRow->addWidget(new QLabel(tr("Dataset:"), this));
  dataRow->addWidget(dataEdit_, 1);
  dataRow->addWidget(chooseDataButton_);

  progressBar_ = new QProgressBar(this);
  progressBar_->setObjectName(QStringLiteral("progressBar"));
  progressBar_->setFormat(tr("%v of %m pairs"));
  progressBar_->setRange(0, 1);
  progressBar_->setValue(0);

  table_ = new QTableWidget(0, ColumnCount, this);
  table_->setObjectName(QStringLiteral("metricTable"));
  table_->setHorizontalHeaderLabels({tr("Metric"), tr("Model"), tr("All zeros"), tr("Subtraction"),
                                     tr("vs zeros"), tr("vs subtraction")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  rerunButton_ = buttons->addButton(tr("Evaluate"), QDialogButtonBox::ActionRole);
  rerunButton_->setObjectName(QStringLiteral("evaluateButton"));
  rerunButton_->setToolTip(tr("Evaluate the checkpoint again on the dataset above"));
  rerunButton_->setEnabled(false);
  cancelButton_ = buttons->addButton(tr("Cancel Evaluation"), QDialogButtonBox::ActionRole);
  cancelButton_->setObjectName(QStringLiteral("cancelEvaluationButton"));
  cancelButton_->setEnabled(false);
  connect(rerunButton_, &QPushButton::clicked, this,
          [this] { evaluate(checkpoint_, dataEdit_->text().trimmed()); });
  connect(cancelButton_, &QPushButton::clicked, this, &EvaluationDialog::cancel);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  // Closing the dialog abandons the evaluation: nothing would show its result.
  connect(this, &QDialog::rejected, this, &EvaluationDialog::cancel);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summaryLabel_);
  layout->addLayout(dataRow);
  layout->addWidget(progressBar_);
  layout->addWidget(table_, 1);
  layout->addWidget(buttons);
}

// The job's destructor cancels the evaluation and waits for it (it stops before its next pair).
EvaluationDialog::~EvaluationDialog() = default;

void EvaluationDialog::evaluate(const QString& checkpoint, const QString& dataDir) {
  if (job_.isRunning())
    return;
  checkpoint_ = checkpoint;
  reportPath_.clear();
  dataEdit_->setText(dataDir);
  setWindowTitle(tr("Evaluate — %1").arg(checkpoint));
  showSummary(tr("Evaluating %1…").arg(checkpoint), false);
  table_->setRowCount(0);
  progressBar_->setRange(0, 0);  // busy until the pairs are known

  eval::EvaluationRequest request;
  request.checkpoint = checkpoint.toStdString();
  request.dataDir = dataDir.toStdString();
  job_.start([request](const JobContext& context) mutable -> Outcome {
    request.cancelled = [&context] { return context.cancelled(); };
    request.progress = context.progress;
    Outcome outcome;
    try {
      outcome.report = eval::evaluateCheckpoint(request);
      const std::string path = eval::evaluationPathFor(request.checkpoint);
      eval::writeEvaluation(outcome.report, path);
      outcome.reportPath = QString::fromStdString(path);
      outcome.kind = Outcome::Kind::Done;
    } catch (const eval::EvaluationCancelled&) {
      outcome.kind = Outcome::Kind::Cancelled;
    } catch (const std::exception& e) {
      outcome.error = jobErrorMessage(e, QStringLiteral("unexpected error while evaluating: "));
    }
    return outcome;
  });
  setEvaluating(true);
}

void EvaluationDialog::cancel() {
  job_.cancel();
}

void EvaluationDialog::chooseDataset() {
  const QString dir = QFileDialog::getExistingDirectory(
      this, tr("Dataset to Evaluate On"),
      dataEdit_->text().isEmpty() ? QDir::homePath() : dataEdit_->text());
  if (!dir.isEmpty())
    dataEdit_->setText(dir);
}

void EvaluationDialog::onFinished(const Outcome& outcome) {
  setEvaluating(false);
  switch (outcome.kind) {
    case Outcome::Kind::Done:
      showReport(outcome.report);
      reportPath_ = outcome.reportPath;
      Q_EMIT reportWritten(reportPath_);
      Q_EMIT evaluationFinished(true);
      return;
    case Outcome::Kind::Cancelled:
      showSummary(tr("Evaluation of %1 cancelled; nothing was written.").arg(checkpoint_), false);
      progressBar_->setRange(0, 1);
      progressBar_->setValue(0);
      Q_EMIT evaluationFinished(false);
      return;
    case Outcome::Kind::Failed:
      showSummary(outcome.error, true);
      progressBar_->setRange(0, 1);
      progressBar_->setValue(0);
      Q_EMIT errorOccurred(outcome.error);
      Q_EMIT evaluationFinished(false);
      return;
  }
}

void EvaluationDialog::showReport(const eval::EvaluationReport& report) {
  const eval::MetricSummary model = report.summary(eval::Method::Model);
  const eval::MetricSummary zeros = report.summary(eval::Method::Zeros);
  const eval::MetricSummary subtraction = report.summary(eval::Method::Subtraction);
  const std::vector<eval::MetricInfo>& metrics = eval::metricInfos();
  table_->setRowCount(static_cast<int>(metrics.size()));
  auto verdict = [&](eval::Method baseline, const eval::MetricInfo& m) {
    const bool beats = report.modelBeats(baseline, m);
    QTableWidgetItem* item = cell(beats ? tr("better") : tr("not better"), Qt::AlignCenter);
    item->setForeground(beats ? validColor() : errorColor());
    return item;
  };
  int row = 0;
  for (const eval::MetricInfo& m : metrics) {
    const QString label = QString::fromUtf8(m.label) +
                          (m.higherIsBetter ? tr(" (higher is better)") : tr(" (lower is better)"));
    table_->setItem(row, MetricColumn, cell(label, Qt::AlignLeft));
    table_->setItem(row, ModelColumn, cell(number(model.*(m.field))));
    table_->setItem(row, ZerosColumn, cell(number(zeros.*(m.field))));
    table_->setItem(row, SubtractionColumn, cell(number(subtraction.*(m.field))));
    table_->setItem(row, VsZerosColumn, verdict(eval::Method::Zeros, m));
    table_->setItem(row, VsSubtractionColumn, verdict(eval::Method::Subtraction, m));
    ++row;
  }
  const int pairs = static_cast<int>(report.pairs().size());
  progressBar_->setRange(0, std::max(1, pairs));
  progressBar_->setValue(std::max(1, pairs));
  dataEdit_->setText(QString::fromStdString(report.dataDir));
  showSummary(tr("%1 pairs (%2 split, %3 with change) of %4: L1 %5x the all-zeros map, %6x the "
                 "subtraction. Written to %7")
                  .arg(pairs)
                  .arg(QString::fromStdString(report.split))
                  .arg(static_cast<int>(report.changedPairs()))
                  .arg(QString::fromStdString(report.dataDir))
                  .arg(report.l1Ratio(eval::Method::Zeros), 0, 'f', 2)
                  .arg(report.l1Ratio(eval::Method::Subtraction), 0, 'f', 2)
                  .arg(QString::fromStdString(eval::evaluationPathFor(report.checkpoint))),
              false);
}

void EvaluationDialog::showSummary(const QString& text, bool isError) {
  showStatusText(summaryLabel_, text, isError);
}

void EvaluationDialog::setEvaluating(bool evaluating) {
  cancelButton_->setEnabled(evaluating);
  rerunButton_->setEnabled(!evaluating && !checkpoint_.isEmpty());
  chooseDataButton_->setEnabled(!evaluating);
  dataEdit_->setEnabled(!evaluating);
}

}  // namespace longmim::studio
