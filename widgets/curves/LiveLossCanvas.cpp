#include "curves/LiveLossCanvas.h"

#include <QScopedValueRollback>
#include <QWidget>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>

#include "LossSeries.h"

namespace longmim::studio {
namespace {

// Matplotlib's tab:green for the learning rate, tab:purple and tab:orange for a compared run: none
// of them can be taken for the run's own blue and red.
const QColor kLearningRateColor(0x2c, 0xa0, 0x2c);
const QColor kComparisonTrainColor(0x94, 0x67, 0xbd);
const QColor kComparisonValidationColor(0xff, 0x7f, 0x0e);

// A two-point series spanning `low`..`high`, to reuse LossSeries' range padding without handing
// it every point.
LossSeries span(double keyLow, double keyHigh, double valueLow, double valueHigh) {
  LossSeries series;
  series.x = {keyLow, keyHigh};
  series.y = {valueLow, valueHigh};
  return series;
}

}  // namespace

void LiveLossCanvas::Extent::include(double key, double value) {
  keyLow = any ? std::min(keyLow, key) : key;
  keyHigh = any ? std::max(keyHigh, key) : key;
  valueLow = any ? std::min(valueLow, value) : value;
  valueHigh = any ? std::max(valueHigh, value) : value;
  any = true;
}

void LiveLossCanvas::Extent::include(const Extent& other) {
  if (!other.any)
    return;
  include(other.keyLow, other.valueLow);
  include(other.keyHigh, other.valueHigh);
}

LiveLossCanvas::LiveLossCanvas(QWidget* parent, const LossChartStyle& style)
    : QObject(parent), style_(style) {
  plot_ = new QCustomPlot(parent);
  plot_->setObjectName(QStringLiteral("lossPlotCanvas"));
  plot_->setMinimumSize(320, 200);
  plot_->setMouseTracking(true);  // hover read-out without a button held
  style_.resetPlot(plot_);

  QCPLayoutGrid* layout = plot_->plotLayout();
  layout->setMargins(QMargins(style_.px(4), style_.px(2), style_.px(6), style_.px(2)));
  layout->setRowSpacing(0);
  legend_ = style_.makeLegendRow(layout, 0, 0);  // above the curves, never over them
  legend_->setWrap(5);                           // up to 9 entries: two rows, none cut short
  rect_ = new QCPAxisRect(plot_);
  layout->addElement(1, 0, rect_);
  layout->setRowStretchFactor(0, 0.001);
  style_.styleAxisRect(rect_, QString());
  // Solid lines segment by segment: a bold line through thousands of points strokes ~20x faster
  // (vector exports still get whole polylines).
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  createAxes();
  createGraphs();
  noData_ = style_.makeNoDataText(plot_, rect_);
}

void LiveLossCanvas::createAxes() {
  QCPAxis* epochs = rect_->axis(QCPAxis::atBottom);
  QCPAxis* loss = rect_->axis(QCPAxis::atLeft);
  QCPAxis* learningRate = rect_->axis(QCPAxis::atRight);
  learningRate->setTicks(true);
  learningRate->setTickLabels(true);
  learningRate->setLabel(tr("learning rate"));
  learningRate->setLabelColor(kLearningRateColor);
  learningRate->setTickLabelColor(kLearningRateColor);
  learningRate->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  learningRate->setNumberFormat(QStringLiteral("g"));
  learningRate->setNumberPrecision(2);

  // Wheel and drag move the epochs and both value axes together.
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  rect_->setRangeDrag(Qt::Horizontal | Qt::Vertical);
  rect_->setRangeZoom(Qt::Horizontal | Qt::Vertical);
  rect_->setRangeDragAxes({epochs}, {loss, learningRate});
  rect_->setRangeZoomAxes({epochs}, {loss, learningRate});
  QCPAxis* framing = rect_->axis(QCPAxis::atTop);
  connect(epochs, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), framing,
          [framing](const QCPRange& range) { framing->setRange(range); });
  for (QCPAxis* axis : {epochs, loss, learningRate}) {
    connect(axis, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this] {
      if (!settingRange_)
        Q_EMIT viewMovedByUser();
    });
  }
}

void LiveLossCanvas::createGraphs() {
  using C = LossCurve;
  QCPAxis* loss = rect_->axis(QCPAxis::atLeft);
  QCPAxis* learningRate = rect_->axis(QCPAxis::atRight);
  // Graphs draw in the order they join their layer: the learning rate, the logged batches and
  // their smoothed line on the layer beneath ("steps", by styleStepGraph), then on "main" the
  // comparison, the epochs and the best-epoch star on top.
  series(C::LearningRate).graph = addGraph(learningRate, tr("learning rate (right axis)"));
  series(C::Steps).graph = addGraph(loss, tr("train, logged batches"));
  series(C::ComparisonTrain).graph = addGraph(loss, QString());
  series(C::ComparisonValidation).graph = addGraph(loss, QString());
  series(C::SmoothedSteps).graph = addGraph(loss, tr("train, smoothed"));
  series(C::TrainEpochs).graph = addGraph(loss, tr("train"));
  series(C::ValidationEpochs).graph = addGraph(loss, tr("validation"));
  series(C::BestEpoch).graph = addGraph(loss, QString());
  editLegendEntry_ = addGraph(loss, tr("hyperparameter edit"));

  style_.styleStepGraph(graph(C::LearningRate), kLearningRateColor);
  graph(C::LearningRate)->setPen(style_.pen(kLearningRateColor, 1.0, Qt::DashDotLine));
  style_.styleStepGraph(graph(C::Steps), trainLossColor());
  // One pixel wide: Qt strokes a translucent polyline wider than that as one self-overlapping
  // shape, ~0.5 s for 10k noisy steps; at one pixel it takes its fast path (~3 ms).
  QPen rawPen = graph(C::Steps)->pen();
  rawPen.setWidthF(1.0);
  graph(C::Steps)->setPen(rawPen);
  style_.styleStepGraph(graph(C::SmoothedSteps), trainLossColor());
  QPen smoothedPen = style_.pen(trainLossColor(), 1.8);
  smoothedPen.setCapStyle(Qt::RoundCap);  // drawn segment by segment: round ends join them
  graph(C::SmoothedSteps)->setPen(smoothedPen);
  style_.styleEpochGraph(graph(C::TrainEpochs), trainLossColor());
  // A white rim keeps the epoch marks visible on the smoothed line of the same blue.
  graph(C::TrainEpochs)
      ->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, style_.pen(Qt::white, 1.0),
                                        QBrush(trainLossColor()), style_.px(6.5)));
  style_.styleValidationGraph(graph(C::ValidationEpochs));
  for (const auto& [curve, color] :
       {std::pair{C::ComparisonTrain, kComparisonTrainColor},
        std::pair{C::ComparisonValidation, kComparisonValidationColor}}) {
    QCPGraph* g = graph(curve);
    style_.styleEpochGraph(g, color);
    g->setPen(style_.pen(color, 1.4, Qt::DashLine));
    g->setScatterStyle(QCPScatterStyle(
        curve == C::ComparisonTrain ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare,
        style_.pen(color, 1.0), QBrush(Qt::white), style_.px(5)));
  }
  graph(C::BestEpoch)->setLineStyle(QCPGraph::lsNone);
  graph(C::BestEpoch)->setScatterStyle(style_.bestEpochMarker());
  editLegendEntry_->setPen(style_.editLinePen());
  // 100k logged batches stay smooth: QCustomPlot draws a few points per pixel column of them.
  for (const C curve : {C::Steps, C::SmoothedSteps, C::LearningRate})
    graph(curve)->setAdaptiveSampling(true);
}

QCPGraph* LiveLossCanvas::addGraph(QCPAxis* valueAxis, const QString& name) {
  QCPGraph* g = plot_->addGraph(rect_->axis(QCPAxis::atBottom), valueAxis);
  g->setName(name);
  return g;
}

int LiveLossCanvas::pointCount(LossCurve curve) const {
  return graph(curve)->dataCount();
}

void LiveLossCanvas::addPoint(LossCurve curve, double key, double value, int source) {
  Series& target = series(curve);
  // A logarithmic axis cannot show values <= 0; the learning-rate axis is never logarithmic.
  const bool logarithmic = target.graph->valueAxis()->scaleType() == QCPAxis::stLogarithmic;
  if (!std::isfinite(key) || !std::isfinite(value) || (logarithmic && value <= 0.0))
    return;
  const QSharedPointer<QCPGraphDataContainer> points = target.graph->data();
  if (points->isEmpty() || key >= (points->constEnd() - 1)->key) {
    target.source.push_back(source);  // the common case: appended at the end
  } else {
    // Out of order (a history with steps of an epoch logged late): the container inserts it
    // where its key belongs; the sources follow.
    const auto at = points->findBegin(key, false) - points->constBegin();
    target.source.insert(target.source.begin() + at, source);
  }
  target.graph->addData(key, value);
  target.extent.include(key, value);
}

void LiveLossCanvas::clear(LossCurve curve) {
  Series& target = series(curve);
  target.graph->data()->clear();
  target.source.clear();
  target.extent = Extent();
}

int LiveLossCanvas::source(LossCurve curve, int index) const {
  return series(curve).source[size_t(index)];
}

void LiveLossCanvas::updateLegend(bool editMarkers) {
  using C = LossCurve;
  std::vector<QCPGraph*> shown;
  for (const C curve :
       {C::Steps, C::SmoothedSteps, C::TrainEpochs, C::ValidationEpochs, C::BestEpoch,
        C::LearningRate, C::ComparisonTrain, C::ComparisonValidation}) {
    QCPGraph* g = graph(curve);
    if (g->visible() && !g->data()->isEmpty())
      shown.push_back(g);
  }
  if (editMarkers)
    shown.push_back(editLegendEntry_);
  if (shown == legendShown_)
    return;  // the legend reads names when drawn; only a new set of entries needs a refill
  legendShown_ = shown;
  legend_->clearItems();
  for (QCPGraph* g : shown)
    g->addToLegend(legend_);
  legend_->setVisible(!shown.empty());
}

void LiveLossCanvas::fitAxes(const QVector<double>& keys) {
  using C = LossCurve;
  const QScopedValueRollback<bool> programmatic(settingRange_, true);
  Extent loss;
  for (const C curve : {C::Steps, C::SmoothedSteps, C::TrainEpochs, C::ValidationEpochs,
                        C::BestEpoch, C::ComparisonTrain, C::ComparisonValidation}) {
    if (graph(curve)->visible())
      loss.include(series(curve).extent);
  }
  Extent epochs = loss;
  const Extent& learningRate = series(C::LearningRate).extent;
  const bool learningRateShown = graph(C::LearningRate)->visible() && learningRate.any;
  if (learningRateShown)
    epochs.include(learningRate);
  for (const double x : keys)
    epochs.include(x, epochs.any ? epochs.valueLow : 0.0);

  const LossAxisScale scale = style_.yScale;
  const LossSeries epochSpan = span(epochs.keyLow, epochs.keyHigh, 0.0, 0.0);
  const LossSeries lossSpan = span(0.0, 0.0, loss.valueLow, loss.valueHigh);
  const auto epochRangeShown = epochs.any ? epochRange({&epochSpan}) : std::nullopt;
  const auto lossRangeShown = loss.any ? valueRange({&lossSpan}, scale) : std::nullopt;
  rect_->axis(QCPAxis::atBottom)
      ->setRange(epochRangeShown ? QCPRange(epochRangeShown->first, epochRangeShown->second)
                                 : QCPRange(0.0, 1.0));
  const QCPRange lossFallback =
      scale == LossAxisScale::Logarithmic ? QCPRange(0.01, 1.0) : QCPRange(0.0, 1.0);
  rect_->axis(QCPAxis::atLeft)
      ->setRange(lossRangeShown ? QCPRange(lossRangeShown->first, lossRangeShown->second)
                                : lossFallback);
  QCPRange learningRateRange(0.0, 1.0);
  if (learningRateShown) {
    const LossSeries rates = span(0.0, 0.0, learningRate.valueLow, learningRate.valueHigh);
    const auto padded = valueRange({&rates}, LossAxisScale::Linear);
    // A rate is never negative: padding below a small rate must not show negative ticks.
    learningRateRange =
        QCPRange(learningRate.valueLow >= 0.0 ? std::max(0.0, padded->first) : padded->first,
                 padded->second);
  }
  rect_->axis(QCPAxis::atRight)->setRange(learningRateRange);
}

void LiveLossCanvas::setLossAxisLabel(const QString& label) {
  rect_->axis(QCPAxis::atLeft)->setLabel(label);
}

void LiveLossCanvas::setLogScale(bool on) {
  const QScopedValueRollback<bool> programmatic(settingRange_, true);
  style_.yScale = on ? LossAxisScale::Logarithmic : LossAxisScale::Linear;
  style_.styleValueAxis(rect_->axis(QCPAxis::atLeft));
}

void LiveLossCanvas::setLearningRateVisible(bool on) {
  graph(LossCurve::LearningRate)->setVisible(on);
  QCPAxis* axis = rect_->axis(QCPAxis::atRight);
  axis->setTicks(on);
  axis->setTickLabels(on);
  axis->setLabel(on ? tr("learning rate") : QString());
}

void LiveLossCanvas::setCaption(const QString& title, const QString& subtitle) {
  QCPLayoutGrid* layout = plot_->plotLayout();
  if (!title_) {
    layout->insertRow(0);
    layout->insertRow(0);
    title_ = style_.makeTitle(plot_, QString(), 11, true);
    subtitle_ = style_.makeTitle(plot_, QString(), 8.5, false);
    layout->addElement(0, 0, title_);
    layout->addElement(1, 0, subtitle_);
    layout->setRowStretchFactor(0, 0.001);
    layout->setRowStretchFactor(1, 0.001);
  }
  title_->setText(title);
  subtitle_->setText(subtitle);
}

void LiveLossCanvas::setNoDataVisible(bool on) {
  noData_->setVisible(on);
}

}  // namespace longmim::studio
