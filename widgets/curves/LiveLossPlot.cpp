#include "curves/LiveLossPlot.h"

#include <QAction>
#include <QDir>
#include <QMouseEvent>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "LossCsvExport.h"
#include "LossCurvePlots.h"
#include "LossSeries.h"
#include "PlotImageExport.h"
#include "curves/CurveControls.h"
#include "curves/CurveValues.h"
#include "curves/EditMarkers.h"
#include "curves/LossPlotExports.h"
#include "curves/LossPlotHover.h"
#include "curves/NearestGraphPoint.h"

namespace longmim::studio {
namespace {

// Matplotlib's tab:green for the learning rate, tab:purple and tab:orange for a compared run: none
// of them can be taken for the run's own blue and red.
const QColor kLearningRateColor(0x2c, 0xa0, 0x2c);
const QColor kComparisonTrainColor(0x94, 0x67, 0xbd);
const QColor kComparisonValidationColor(0xff, 0x7f, 0x0e);

constexpr int kDefaultRefreshMs = 150;     // about 7 replots a second, however fast steps arrive
constexpr double kDefaultSmoothing = 0.6;  // TensorBoard's default
const QSize kDefaultExportSize(1200, 675);

// A two-point series spanning `low`..`high`, to reuse LossSeries' range padding without handing
// it every point.
LossSeries span(double keyLow, double keyHigh, double valueLow, double valueHigh) {
  LossSeries series;
  series.x = {keyLow, keyHigh};
  series.y = {valueLow, valueHigh};
  return series;
}

}  // namespace

void LiveLossPlot::Extent::include(double key, double value) {
  keyLow = any ? std::min(keyLow, key) : key;
  keyHigh = any ? std::max(keyHigh, key) : key;
  valueLow = any ? std::min(valueLow, value) : value;
  valueHigh = any ? std::max(valueHigh, value) : value;
  any = true;
}

void LiveLossPlot::Extent::include(const Extent& other) {
  if (!other.any)
    return;
  include(other.keyLow, other.valueLow);
  include(other.keyHigh, other.valueHigh);
}

QString LiveLossPlot::totalCurveName() {
  return QStringLiteral("Total");
}

LiveLossPlot::LiveLossPlot(QWidget* parent)
    : QWidget(parent),
      style_(LossChartStyle::forDpi(logicalDpiX())),
      curve_(totalCurveName()),
      smoothing_(kDefaultSmoothing) {
  refreshTimer_ = new QTimer(this);
  refreshTimer_->setSingleShot(true);
  refreshTimer_->setInterval(kDefaultRefreshMs);
  connect(refreshTimer_, &QTimer::timeout, this, &LiveLossPlot::onRefreshTick);

  createActions();
  createPlot();
  createControls();
  rebuild();
}

LiveLossPlot::~LiveLossPlot() = default;

void LiveLossPlot::createActions() {
  fitAction_ = new QAction(tr("Fit"), this);
  fitAction_->setObjectName(QStringLiteral("fitAction"));
  fitAction_->setToolTip(tr("Show all data and follow new data again (double-click the plot)"));
  connect(fitAction_, &QAction::triggered, this, &LiveLossPlot::fit);

  logScaleAction_ = new QAction(tr("Log y"), this);
  logScaleAction_->setObjectName(QStringLiteral("logScaleAction"));
  logScaleAction_->setCheckable(true);
  logScaleAction_->setToolTip(tr("Logarithmic loss axis"));
  connect(logScaleAction_, &QAction::toggled, this, &LiveLossPlot::setLogScale);

  learningRateAction_ = new QAction(tr("Learning rate"), this);
  learningRateAction_->setObjectName(QStringLiteral("learningRateAction"));
  learningRateAction_->setCheckable(true);
  learningRateAction_->setChecked(true);
  learningRateAction_->setToolTip(tr("Show the learning rate on the right axis"));
  connect(learningRateAction_, &QAction::toggled, this, &LiveLossPlot::setLearningRateVisible);

  exports_ = new LossPlotExports(this);
  connect(exports_, &LossPlotExports::exported, this, &LiveLossPlot::exported);
}

void LiveLossPlot::createControls() {
  controls_ =
      new CurveControls(kDefaultSmoothing, {logScaleAction_, learningRateAction_, fitAction_},
                        {exportImageAction(), exportCsvAction(), exportRunFiguresAction()}, this);
  controls_->setCurves({totalCurveName()}, totalCurveName());
  connect(controls_, &CurveControls::curveChosen, this, &LiveLossPlot::onCurveChosen);
  connect(controls_, &CurveControls::smoothingChosen, this, &LiveLossPlot::setSmoothing);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 0);
  layout->addWidget(controls_);
  layout->addWidget(plot_, 1);
}

void LiveLossPlot::createPlot() {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("lossPlotCanvas"));
  plot_->setMinimumSize(320, 200);
  plot_->setMouseTracking(true);  // hover read-out without a button held
  plot_->installEventFilter(this);
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
  hover_ = std::make_unique<LossPlotHover>(plot_, rect_, style_);
  editMarkers_ = std::make_unique<EditMarkers>(plot_, rect_, style_);
  noData_ = style_.makeNoDataText(plot_, rect_);

  connect(plot_, &QCustomPlot::mouseMove, this, &LiveLossPlot::onMouseMove);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { fit(); });
  plot_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* separator = new QAction(this);
  separator->setSeparator(true);
  plot_->addActions({fitAction_, logScaleAction_, learningRateAction_, separator,
                     exportImageAction(), exportCsvAction(), exportRunFiguresAction()});
}

void LiveLossPlot::createAxes() {
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
        autoRange_ = false;  // the user zoomed or panned: keep that view while data arrives
    });
  }
}

void LiveLossPlot::createGraphs() {
  QCPAxis* loss = rect_->axis(QCPAxis::atLeft);
  QCPAxis* learningRate = rect_->axis(QCPAxis::atRight);
  // Graphs draw in the order they join their layer: the learning rate, the logged batches and
  // their smoothed line on the layer beneath ("steps", by styleStepGraph), then on "main" the
  // comparison, the epochs and the best-epoch star on top.
  series(Curve::LearningRate).graph = addGraph(learningRate, tr("learning rate (right axis)"));
  series(Curve::Steps).graph = addGraph(loss, tr("train, logged batches"));
  series(Curve::ComparisonTrain).graph = addGraph(loss, QString());
  series(Curve::ComparisonValidation).graph = addGraph(loss, QString());
  series(Curve::SmoothedSteps).graph = addGraph(loss, tr("train, smoothed"));
  series(Curve::TrainEpochs).graph = addGraph(loss, tr("train"));
  series(Curve::ValidationEpochs).graph = addGraph(loss, tr("validation"));
  series(Curve::BestEpoch).graph = addGraph(loss, QString());
  editLegendEntry_ = addGraph(loss, tr("hyperparameter edit"));

  style_.styleStepGraph(graph(Curve::LearningRate), kLearningRateColor);
  QPen learningRatePen = style_.pen(kLearningRateColor, 1.0, Qt::DashDotLine);
  graph(Curve::LearningRate)->setPen(learningRatePen);
  style_.styleStepGraph(graph(Curve::Steps), trainLossColor());
  // One pixel wide: Qt strokes a translucent polyline wider than that as one self-overlapping
  // shape, ~0.5 s for 10k noisy steps; at one pixel it takes its fast path (~3 ms).
  QPen rawPen = graph(Curve::Steps)->pen();
  rawPen.setWidthF(1.0);
  graph(Curve::Steps)->setPen(rawPen);
  style_.styleStepGraph(graph(Curve::SmoothedSteps), trainLossColor());
  QPen smoothedPen = style_.pen(trainLossColor(), 1.8);
  smoothedPen.setCapStyle(Qt::RoundCap);  // drawn segment by segment: round ends join them
  graph(Curve::SmoothedSteps)->setPen(smoothedPen);
  style_.styleEpochGraph(graph(Curve::TrainEpochs), trainLossColor());
  // A white rim keeps the epoch marks visible on the smoothed line of the same blue.
  graph(Curve::TrainEpochs)
      ->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, style_.pen(Qt::white, 1.0),
                                        QBrush(trainLossColor()), style_.px(6.5)));
  style_.styleValidationGraph(graph(Curve::ValidationEpochs));
  for (const auto& [curve, color] :
       {std::pair{Curve::ComparisonTrain, kComparisonTrainColor},
        std::pair{Curve::ComparisonValidation, kComparisonValidationColor}}) {
    QCPGraph* g = graph(curve);
    style_.styleEpochGraph(g, color);
    g->setPen(style_.pen(color, 1.4, Qt::DashLine));
    g->setScatterStyle(QCPScatterStyle(
        curve == Curve::ComparisonTrain ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare,
        style_.pen(color, 1.0), QBrush(Qt::white), style_.px(5)));
  }
  graph(Curve::BestEpoch)->setLineStyle(QCPGraph::lsNone);
  graph(Curve::BestEpoch)->setScatterStyle(style_.bestEpochMarker());
  editLegendEntry_->setPen(style_.editLinePen());
  // 100k logged batches stay smooth: QCustomPlot draws a few points per pixel column of them.
  for (const Curve curve : {Curve::Steps, Curve::SmoothedSteps, Curve::LearningRate})
    graph(curve)->setAdaptiveSampling(true);
}

QCPGraph* LiveLossPlot::addGraph(QCPAxis* valueAxis, const QString& name) {
  QCPGraph* g = plot_->addGraph(rect_->axis(QCPAxis::atBottom), valueAxis);
  g->setName(name);
  return g;
}

QCPGraph* LiveLossPlot::graph(Curve curve) const {
  return series(curve).graph;
}

int LiveLossPlot::pointCount(Curve curve) const {
  return graph(curve)->dataCount();
}

// Live feed ------------------------------------------------------------------------------------

void LiveLossPlot::appendStep(const StepRecord& step) {
  history_.steps.push_back(step);
  scheduleRefresh();
}

void LiveLossPlot::appendEpoch(const EpochRecord& epoch, int bestEpoch) {
  history_.epochs.push_back(epoch);
  history_.bestEpoch = bestEpoch;
  if (bestEpoch == epoch.epoch && epoch.valTotal)
    history_.bestValLoss = *epoch.valTotal;
  scheduleRefresh();
}

void LiveLossPlot::appendEdit(const EditRecord& edit) {
  history_.edits.push_back(edit);
  scheduleRefresh();
}

void LiveLossPlot::setHistory(const TrainingHistory& history) {
  history_ = history;
  resetCurveNames();
  autoRange_ = true;
  rebuild();
  replotSoon();
}

void LiveLossPlot::clear() {
  setHistory(TrainingHistory());
}

void LiveLossPlot::scheduleRefresh() {
  if (!refreshTimer_->isActive())
    refreshTimer_->start();
}

void LiveLossPlot::setRefreshInterval(int milliseconds) {
  refreshTimer_->setInterval(std::max(0, milliseconds));
}

int LiveLossPlot::refreshInterval() const {
  return refreshTimer_->interval();
}

void LiveLossPlot::onRefreshTick() {
  showPending();
  replotSoon();
}

void LiveLossPlot::refresh() {
  refreshTimer_->stop();
  showPending();
  replotWhenShown_ = false;
  plot_->replot(QCustomPlot::rpImmediateRefresh);
}

void LiveLossPlot::replotSoon() {
  // A hidden plot (another tab) draws once when it is shown instead of at every tick.
  if (!isVisible()) {
    replotWhenShown_ = true;
    return;
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LiveLossPlot::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (replotWhenShown_) {
    replotWhenShown_ = false;
    plot_->replot(QCustomPlot::rpQueuedReplot);
  }
}

void LiveLossPlot::showPending() {
  for (; shownSteps_ < history_.steps.size(); ++shownSteps_)
    showStep(int(shownSteps_));
  for (; shownEpochs_ < history_.epochs.size(); ++shownEpochs_)
    showEpoch(int(shownEpochs_));
  editMarkers_->update(history_);
  updateBestMarker();
  updateLegend();
  noData_->setVisible(history_.steps.empty() && history_.epochs.empty() && !hasComparison_);
  if (autoRange_)
    applyAutoRange();
}

void LiveLossPlot::rebuild() {
  refreshTimer_->stop();
  for (const Curve curve : {Curve::Steps, Curve::SmoothedSteps, Curve::TrainEpochs,
                            Curve::ValidationEpochs, Curve::BestEpoch, Curve::LearningRate})
    clearSeries(series(curve));
  editMarkers_->clear();
  smoothing_.reset();
  smoothedByStep_.clear();
  smoothedByStep_.reserve(history_.steps.size());
  shownSteps_ = 0;
  shownEpochs_ = 0;
  hideHover();
  updateAxisLabels();
  updateComparison();
  showPending();
}

void LiveLossPlot::clearSeries(Series& target) {
  target.graph->data()->clear();
  target.source.clear();
  target.extent = Extent();
}

void LiveLossPlot::addPoint(Series& target, double key, double value, int source) {
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

void LiveLossPlot::showStep(int index) {
  const StepRecord& step = history_.steps[size_t(index)];
  noteComponents(step.components);
  const double x = stepPosition(step);
  double smoothed = std::numeric_limits<double>::quiet_NaN();
  if (const auto value = values_.step(step)) {
    addPoint(series(Curve::Steps), x, *value, index);
    smoothed = smoothing_.add(*value).value_or(smoothed);
    addPoint(series(Curve::SmoothedSteps), x, smoothed, index);
  }
  smoothedByStep_.push_back(smoothed);
  addPoint(series(Curve::LearningRate), x, step.learningRate, index);
}

void LiveLossPlot::showEpoch(int index) {
  const EpochRecord& epoch = history_.epochs[size_t(index)];
  noteComponents(epoch.trainComponents);
  noteComponents(epoch.valComponents);
  noteMetrics(epoch);
  if (const auto value = values_.train(epoch))
    addPoint(series(Curve::TrainEpochs), epoch.epoch, *value, index);
  if (const auto value = values_.validation(epoch))
    addPoint(series(Curve::ValidationEpochs), epoch.epoch, *value, index);
}

void LiveLossPlot::noteMetrics(const EpochRecord& epoch) {
  if (!epoch.valMetrics)
    return;
  for (const std::string& name : metricCurveNames())
    controls_->addCurve(QString::fromStdString(name));
}

void LiveLossPlot::updateBestMarker() {
  Series& best = series(Curve::BestEpoch);
  clearSeries(best);
  const int bestEpoch = history_.bestEpoch;
  graph(Curve::BestEpoch)->setName(tr("best epoch (%1)").arg(bestEpoch));
  if (bestEpoch <= 0)
    return;
  for (auto e = history_.epochs.rbegin(); e != history_.epochs.rend(); ++e) {
    if (e->epoch != bestEpoch)
      continue;
    if (const auto value = values_.validation(*e))
      addPoint(best, bestEpoch, *value, int(history_.epochs.rend() - e) - 1);
    return;
  }
}

void LiveLossPlot::updateComparison() {
  Series& train = series(Curve::ComparisonTrain);
  Series& validation = series(Curve::ComparisonValidation);
  clearSeries(train);
  clearSeries(validation);
  train.graph->setName(tr("train (%1)").arg(comparisonLabel_));
  validation.graph->setName(tr("validation (%1)").arg(comparisonLabel_));
  if (!hasComparison_)
    return;
  for (size_t i = 0; i < comparison_.epochs.size(); ++i) {
    const EpochRecord& epoch = comparison_.epochs[i];
    if (const auto value = values_.train(epoch))
      addPoint(train, epoch.epoch, *value, int(i));
    if (const auto value = values_.validation(epoch))
      addPoint(validation, epoch.epoch, *value, int(i));
  }
}

void LiveLossPlot::updateLegend() {
  std::vector<QCPGraph*> shown;
  for (const Curve curve : {Curve::Steps, Curve::SmoothedSteps, Curve::TrainEpochs,
                            Curve::ValidationEpochs, Curve::BestEpoch, Curve::LearningRate,
                            Curve::ComparisonTrain, Curve::ComparisonValidation}) {
    QCPGraph* g = graph(curve);
    if (g->visible() && !g->data()->isEmpty())
      shown.push_back(g);
  }
  if (!editMarkers_->empty())
    shown.push_back(editLegendEntry_);
  if (shown == legendShown_)
    return;  // the legend reads names when drawn; only a new set of entries needs a refill
  legendShown_ = shown;
  legend_->clearItems();
  for (QCPGraph* g : shown)
    g->addToLegend(legend_);
  legend_->setVisible(!shown.empty());
}

void LiveLossPlot::updateAxisLabels() {
  rect_->axis(QCPAxis::atLeft)
      ->setLabel(curve_ == totalCurveName()            ? tr("total loss")
                 : isMetricCurve(curve_.toStdString()) ? curve_
                                                       : tr("%1 loss").arg(curve_));
}

void LiveLossPlot::applyAutoRange() {
  const QScopedValueRollback<bool> programmatic(settingRange_, true);
  Extent loss;
  for (const Curve curve :
       {Curve::Steps, Curve::SmoothedSteps, Curve::TrainEpochs, Curve::ValidationEpochs,
        Curve::BestEpoch, Curve::ComparisonTrain, Curve::ComparisonValidation}) {
    if (graph(curve)->visible())
      loss.include(series(curve).extent);
  }
  Extent epochs = loss;
  const Extent& learningRate = series(Curve::LearningRate).extent;
  const bool learningRateShown = graph(Curve::LearningRate)->visible() && learningRate.any;
  if (learningRateShown)
    epochs.include(learningRate);
  for (const double x : editMarkers_->positions())  // a marker must not fall off the chart
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

// Curve names ----------------------------------------------------------------------------------

void LiveLossPlot::noteComponents(const ComponentValues& components) {
  if (components.size() == lastComponents_.size() &&
      std::equal(components.begin(), components.end(), lastComponents_.begin(),
                 [](const auto& a, const auto& b) { return a.first == b.first; }))
    return;
  lastComponents_ = components;
  for (const auto& component : components) {
    const std::string& name = component.first;
    if (std::find(componentNames_.begin(), componentNames_.end(), name) != componentNames_.end())
      continue;
    componentNames_.push_back(name);
    controls_->addCurve(QString::fromStdString(name));
  }
}

void LiveLossPlot::resetCurveNames() {
  componentNames_ = lossComponentNames(history_);
  lastComponents_.clear();
  QStringList names{totalCurveName()};
  for (const std::string& name : curveNamesOf(history_))
    names << QString::fromStdString(name);
  const bool keep = names.contains(curve_);
  if (!keep) {
    curve_ = totalCurveName();
    values_ = CurveValues();
  }
  controls_->setCurves(names, curve_);
  if (!keep)
    Q_EMIT curveChanged(curve_);
}

QStringList LiveLossPlot::curveNames() const {
  return controls_->curves();
}

bool LiveLossPlot::setCurve(const QString& name) {
  return controls_->select(name);  // onCurveChosen does the rest
}

void LiveLossPlot::onCurveChosen(const QString& name) {
  if (name == curve_)
    return;
  curve_ = name;
  values_ = CurveValues(name == totalCurveName() ? std::string() : name.toStdString());
  rebuild();
  replotSoon();
  Q_EMIT curveChanged(curve_);
}

// View -----------------------------------------------------------------------------------------

void LiveLossPlot::setSmoothing(double weight) {
  if (!std::isfinite(weight))
    return;
  const double clamped = std::clamp(weight, 0.0, CurveSmoothing::kMaxWeight);
  controls_->showSmoothing(clamped);
  if (clamped == smoothing_.weight())
    return;
  smoothing_.setWeight(clamped);
  rebuild();
  replotSoon();
}

void LiveLossPlot::setLogScale(bool on) {
  if (on == logScale())
    return;
  {
    const QSignalBlocker blocker(logScaleAction_);
    logScaleAction_->setChecked(on);
  }
  const QScopedValueRollback<bool> programmatic(settingRange_, true);
  style_.yScale = on ? LossAxisScale::Logarithmic : LossAxisScale::Linear;
  style_.styleValueAxis(rect_->axis(QCPAxis::atLeft));
  autoRange_ = true;  // a zoomed linear range means nothing on a log axis
  rebuild();
  replotSoon();
}

bool LiveLossPlot::logScale() const {
  return style_.yScale == LossAxisScale::Logarithmic;
}

void LiveLossPlot::setLearningRateVisible(bool on) {
  {
    const QSignalBlocker blocker(learningRateAction_);
    learningRateAction_->setChecked(on);
  }
  graph(Curve::LearningRate)->setVisible(on);
  QCPAxis* axis = rect_->axis(QCPAxis::atRight);
  axis->setTicks(on);
  axis->setTickLabels(on);
  axis->setLabel(on ? tr("learning rate") : QString());
  hideHover();
  showPending();
  replotSoon();
}

bool LiveLossPlot::learningRateVisible() const {
  return graph(Curve::LearningRate)->visible();
}

void LiveLossPlot::fit() {
  autoRange_ = true;
  applyAutoRange();
  replotSoon();
}

// Comparison and caption -----------------------------------------------------------------------

void LiveLossPlot::setComparison(const TrainingHistory& other, const QString& label) {
  comparison_ = other;
  comparisonLabel_ = label;
  hasComparison_ = true;
  hideHover();
  updateComparison();
  showPending();
  replotSoon();
}

void LiveLossPlot::clearComparison() {
  comparison_ = TrainingHistory();
  comparisonLabel_.clear();
  hasComparison_ = false;
  hideHover();
  updateComparison();
  showPending();
  replotSoon();
}

void LiveLossPlot::setCaption(const LossPlotCaption& caption) {
  caption_ = caption;
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
  title_->setText(caption.title());
  subtitle_->setText(caption.subtitle());
  replotSoon();
}

// Hover read-out -------------------------------------------------------------------------------

bool LiveLossPlot::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave)
    hideHover();
  return QWidget::eventFilter(watched, event);
}

void LiveLossPlot::onMouseMove(QMouseEvent* event) {
  showHoverAt(event->position());
}

void LiveLossPlot::showHoverAt(const QPointF& pixel) {
  if (!rect_->rect().contains(pixel.toPoint())) {
    hideHover();
    return;
  }
  const std::vector<Curve> candidates{Curve::Steps,
                                      Curve::SmoothedSteps,
                                      Curve::TrainEpochs,
                                      Curve::ValidationEpochs,
                                      Curve::LearningRate,
                                      Curve::ComparisonTrain,
                                      Curve::ComparisonValidation};
  std::vector<QCPGraph*> graphs;
  for (const Curve curve : candidates)
    graphs.push_back(graph(curve));
  const std::optional<GraphPoint> found = nearestGraphPoint(graphs, pixel, style_.px(14));
  if (!found) {
    hideHover();
    return;
  }
  const Curve nearest =
      candidates[size_t(std::find(graphs.begin(), graphs.end(), found->graph) - graphs.begin())];
  hover_->show(graph(nearest), found->index,
               describePoint(nearest, series(nearest).source[size_t(found->index)]));
}

void LiveLossPlot::hideHover() {
  hover_->hide();
}

QString LiveLossPlot::hoverText() const {
  return hover_->text();
}

QString LiveLossPlot::describePoint(Curve curve, int source) const {
  if (curve == Curve::Steps || curve == Curve::SmoothedSteps || curve == Curve::LearningRate) {
    const StepRecord& step = history_.steps[size_t(source)];
    return describeStep(step, curve_, values_.step(step), smoothedByStep_[size_t(source)]);
  }
  const bool compared = curve == Curve::ComparisonTrain || curve == Curve::ComparisonValidation;
  const EpochRecord& epoch = (compared ? comparison_ : history_).epochs[size_t(source)];
  return describeEpoch(epoch, curve_, values_,
                       compared ? std::optional<QString>(comparisonLabel_) : std::nullopt,
                       !compared && epoch.epoch == history_.bestEpoch);
}

// Exports --------------------------------------------------------------------------------------

void LiveLossPlot::exportImage(const QString& path) {
  showPending();
  const QSize onScreen = plot_->size();
  const QSize size =
      onScreen.width() >= 200 && onScreen.height() >= 150 ? onScreen : kDefaultExportSize;
  const LossPlotHover::Suspended noReadOut(*hover_);
  writePlotImage(*plot_, path, size);
}

void LiveLossPlot::exportCsv(const QString& path) const {
  writeLossCsv(history_, path);
}

void LiveLossPlot::exportRunFigures(const QString& dir) const {
  const QDir folder(dir);
  writeLossCurves(history_, caption_, folder.filePath(QStringLiteral("loss_curves.png")));
  writeDetailedLossCurves(history_, folder.filePath(QStringLiteral("detailed_loss_curves.png")));
}

QAction* LiveLossPlot::exportImageAction() const {
  return exports_->imageAction();
}

QAction* LiveLossPlot::exportCsvAction() const {
  return exports_->csvAction();
}

QAction* LiveLossPlot::exportRunFiguresAction() const {
  return exports_->runFiguresAction();
}

QVector<double> LiveLossPlot::editMarkerPositions() const {
  return editMarkers_->positions();
}

QStringList LiveLossPlot::editMarkerLabels() const {
  return editMarkers_->labels();
}

}  // namespace longmim::studio
