#include "curves/LossPlotHover.h"

#include <QCoreApplication>
#include <QStringList>

#include "QCustomPlotHeader.h"

#include <cmath>

namespace longmim::studio {
namespace {

const QString kOverlayLayer = QStringLiteral("overlay");  // QCustomPlot's own buffered top layer

QString tr(const char* text) {
  return QCoreApplication::translate("LiveLossPlot", text);
}

QString formatValue(double value) {
  return QString::number(value, 'g', 6);
}

void addValueLine(QStringList& lines, const QString& curveName, const QString& what,
                  std::optional<double> value) {
  if (value)
    lines << QStringLiteral("%1 %2: %3").arg(curveName, what, formatValue(*value));
}

}  // namespace

LossPlotHover::LossPlotHover(QCustomPlot* plot, QCPAxisRect* rect, const LossChartStyle& style)
    : plot_(plot), rect_(rect), gap_(style.px(6)) {
  tracer_ = new QCPItemTracer(plot_);
  tracer_->setLayer(kOverlayLayer);
  tracer_->setStyle(QCPItemTracer::tsCircle);
  tracer_->setSize(style.px(7));
  tracer_->setPen(style.pen(QColor(0x26, 0x26, 0x26), 1.2));
  tracer_->setBrush(Qt::NoBrush);
  tracer_->setClipAxisRect(rect_);
  tracer_->setVisible(false);
  label_ = new QCPItemText(plot_);
  label_->setLayer(kOverlayLayer);
  label_->setClipToAxisRect(false);
  label_->position->setParentAnchor(tracer_->position);
  label_->setTextAlignment(Qt::AlignLeft);
  label_->setFont(style.font(8.5));
  label_->setColor(QColor(0x26, 0x26, 0x26));
  label_->setPadding(QMargins(style.px(5), style.px(3), style.px(5), style.px(3)));
  label_->setPen(style.pen(QColor(0, 0, 0, 90), 0.8));
  label_->setBrush(QColor(255, 255, 255, 235));
  label_->setVisible(false);
}

void LossPlotHover::show(const QCPGraph* graph, int index, const QString& text) {
  const QCPGraphData& point = *(graph->data()->constBegin() + index);
  tracer_->position->setAxes(graph->keyAxis(), graph->valueAxis());
  tracer_->position->setAxisRect(rect_);
  tracer_->position->setCoords(point.key, point.value);
  const QPointF at = graph->coordsToPixels(point.key, point.value);
  const bool rightHalf = at.x() > rect_->center().x();
  const bool lowerHalf = at.y() > rect_->center().y();
  label_->setPositionAlignment((rightHalf ? Qt::AlignRight : Qt::AlignLeft) |
                               (lowerHalf ? Qt::AlignBottom : Qt::AlignTop));
  label_->position->setCoords(rightHalf ? -gap_ : gap_, lowerHalf ? -gap_ : gap_);
  label_->setText(text);
  setItemsVisible(true);
  plot_->layer(kOverlayLayer)->replot();
}

void LossPlotHover::hide() {
  if (!label_->visible())
    return;
  label_->setText(QString());
  setItemsVisible(false);
  plot_->layer(kOverlayLayer)->replot();
}

bool LossPlotHover::visible() const {
  return label_->visible();
}

QString LossPlotHover::text() const {
  return label_->visible() ? label_->text() : QString();
}

void LossPlotHover::setItemsVisible(bool on) {
  label_->setVisible(on);
  tracer_->setVisible(on);
}

LossPlotHover::Suspended::Suspended(LossPlotHover& hover)
    : hover_(hover), wasVisible_(hover.visible()) {
  hover_.setItemsVisible(false);
}

LossPlotHover::Suspended::~Suspended() {
  hover_.setItemsVisible(wasVisible_);
}

QString describeStep(const StepRecord& step, const QString& curveName, std::optional<double> value,
                     double smoothed) {
  QStringList lines;
  lines << tr("epoch %1 \u00b7 batch %2 of %3 \u00b7 optimizer step %4")
               .arg(step.epoch)
               .arg(step.batch)
               .arg(step.batchesInEpoch)
               .arg(step.optimizerStep);
  addValueLine(lines, curveName, tr("train"), value);
  if (std::isfinite(smoothed))
    addValueLine(lines, curveName, tr("smoothed"), smoothed);
  lines << tr("learning rate: %1").arg(formatValue(step.learningRate));
  return lines.join(QLatin1Char('\n'));
}

QString describeEpoch(const EpochRecord& epoch, const QString& curveName, const CurveValues& values,
                      const std::optional<QString>& comparedRun, bool best) {
  QStringList lines;
  if (comparedRun)
    lines << tr("%1 \u00b7 epoch %2").arg(*comparedRun).arg(epoch.epoch);
  else if (best)
    lines << tr("epoch %1 (best)").arg(epoch.epoch);
  else
    lines << tr("epoch %1").arg(epoch.epoch);
  addValueLine(lines, curveName, tr("train"), values.train(epoch));
  addValueLine(lines, curveName, tr("validation"), values.validation(epoch));
  lines << tr("learning rate: %1").arg(formatValue(epoch.learningRate));
  return lines.join(QLatin1Char('\n'));
}

}  // namespace longmim::studio
