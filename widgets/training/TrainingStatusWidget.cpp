#include "training/TrainingStatusWidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <algorithm>
#include <cmath>

#include "common/ProcessMemory.h"

namespace longmim::studio {

TrainingStatusWidget::TrainingStatusWidget(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  epochBar_ = new QProgressBar(this);
  epochBar_->setObjectName(QStringLiteral("epochProgress"));
  epochBar_->setMaximumWidth(170);
  epochBar_->setFormat(tr("Epoch %v of %m"));
  batchBar_ = new QProgressBar(this);
  batchBar_->setObjectName(QStringLiteral("batchProgress"));
  batchBar_->setMaximumWidth(170);
  batchBar_->setFormat(tr("Batch %v of %m"));
  eta_ = new QLabel(this);
  eta_->setObjectName(QStringLiteral("etaLabel"));
  speed_ = new QLabel(this);
  speed_->setObjectName(QStringLiteral("speedLabel"));
  memory_ = new QLabel(this);
  memory_->setObjectName(QStringLiteral("memoryLabel"));
  memory_->setToolTip(tr("Memory used by the studio (resident set)"));
  for (QWidget* w :
       {static_cast<QWidget*>(epochBar_), static_cast<QWidget*>(batchBar_),
        static_cast<QWidget*>(eta_), static_cast<QWidget*>(speed_), static_cast<QWidget*>(memory_)})
    layout->addWidget(w);
  showState(false, longmim::TrainerState::Finished);
  connect(&memoryTimer_, &QTimer::timeout, this, &TrainingStatusWidget::refreshMemory);
  memoryTimer_.start(1000);
  refreshMemory();
}

QString TrainingStatusWidget::formatDuration(double seconds) {
  if (seconds < 0.0 || !std::isfinite(seconds))
    return tr("unknown");
  const long s = std::lround(seconds);
  if (s < 60)
    return tr("%1 s").arg(s);
  if (s < 3600)
    return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

void TrainingStatusWidget::showProgress(const TrainingProgress& p) {
  epochBar_->setRange(0, std::max(p.epochs, 1));
  // The bar counts finished epochs; the text names the one in progress.
  epochBar_->setValue(std::clamp(p.epoch - 1, 0, std::max(p.epochs, 1)));
  epochBar_->setFormat(tr("Epoch %1 of %2").arg(p.epoch).arg(p.epochs));
  batchBar_->setRange(0, std::max(p.batches, 1));
  batchBar_->setValue(p.validating ? p.batches : p.batch);
  batchBar_->setFormat(p.validating ? tr("Validating") : tr("Batch %v of %m"));
  eta_->setText(paused_ ? tr("Paused") : tr("ETA %1").arg(formatDuration(p.etaSeconds)));
  speed_->setText(
      p.samplesPerSecond > 0.0
          ? tr("%1 samples/s").arg(p.samplesPerSecond, 0, 'f', p.samplesPerSecond < 10.0 ? 2 : 1)
          : QString());
}

void TrainingStatusWidget::showState(bool active, longmim::TrainerState state) {
  paused_ = active && state == longmim::TrainerState::Paused;
  epochBar_->setVisible(active);
  batchBar_->setVisible(active);
  eta_->setVisible(active);
  speed_->setVisible(active);
  if (paused_)
    eta_->setText(tr("Paused"));
  if (active && state == longmim::TrainerState::Preparing)
    eta_->setText(tr("Preparing…"));
}

QString TrainingStatusWidget::etaText() const {
  return eta_->text();
}

QString TrainingStatusWidget::speedText() const {
  return speed_->text();
}

QString TrainingStatusWidget::memoryText() const {
  return memory_->text();
}

void TrainingStatusWidget::refreshMemory() {
  const std::int64_t bytes = residentMemoryBytes();
  memory_->setText(bytes > 0 ? tr("Memory %1").arg(formatBytes(bytes)) : QString());
}

}  // namespace longmim::studio
