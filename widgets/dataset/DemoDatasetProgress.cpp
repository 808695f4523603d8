#include "dataset/DemoDatasetProgress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "dataset/DemoDatasetGenerator.h"

namespace longmim::studio {

DemoDatasetProgress::DemoDatasetProgress(DemoDatasetGenerator* generator, QWidget* parent)
    : QWidget(parent), generator_(generator) {
  setObjectName(QStringLiteral("demoProgress"));

  label_ = new QLabel(this);
  label_->setObjectName(QStringLiteral("demoProgressLabel"));
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("demoProgressBar"));
  bar_->setMaximumWidth(180);
  bar_->setTextVisible(false);  // the label says it in words
  cancelButton_ = new QPushButton(tr("Cancel"), this);
  cancelButton_->setObjectName(QStringLiteral("cancelDemoButton"));
  cancelButton_->setToolTip(
      tr("Stop after the pairs in progress; the next start continues from the pairs written"));
  connect(cancelButton_, &QPushButton::clicked, this, &DemoDatasetProgress::onCancelClicked);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(label_);
  layout->addWidget(bar_);
  layout->addWidget(cancelButton_);

  connect(generator_, &DemoDatasetGenerator::started, this, &DemoDatasetProgress::onStarted);
  connect(generator_, &DemoDatasetGenerator::progressed, this, &DemoDatasetProgress::onProgressed);
  connect(generator_, &DemoDatasetGenerator::finished, this, &QWidget::hide);
  connect(generator_, &DemoDatasetGenerator::failed, this, &QWidget::hide);
  connect(generator_, &DemoDatasetGenerator::cancelled, this, &QWidget::hide);
  hide();
}

void DemoDatasetProgress::onStarted() {
  label_->setText(tr("Generating the demo dataset…"));
  bar_->setRange(0, 0);  // busy until the number of pairs is known
  cancelButton_->setEnabled(true);
  show();
}

void DemoDatasetProgress::onProgressed(int done, int total) {
  bar_->setRange(0, total);
  bar_->setValue(done);
  if (generator_->isCancelling())
    label_->setText(tr("Cancelling the demo dataset: %1/%2 pairs").arg(done).arg(total));
  else
    label_->setText(tr("Generating the demo dataset: %1/%2 pairs").arg(done).arg(total));
}

void DemoDatasetProgress::onCancelClicked() {
  generator_->cancel();
  cancelButton_->setEnabled(false);
  // The pairs in progress are finished first (no half-written pair), which can take a moment.
  label_->setText(tr("Cancelling the demo dataset: finishing the pairs in progress…"));
}

}  // namespace longmim::studio
