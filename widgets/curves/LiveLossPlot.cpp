#include "curves/LiveLossPlot.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QScopeGuard>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "LossCsvExport.h"
#include "LossCurvePlots.h"
#include "LossSeries.h"
#include "PlotImageExport.h"
#include "common/ErrorBox.h"
#include "curves/NearestGraphPoint.h"

namespace longmim::studio {
namespace {

// Validation metrics drawn like a loss component: one point per epoch, no train curve.
const char* const kMetricCurves[] = {"val L1 / zeros", "val r", "val AUC"};

bool isMetricCurve(const std::string& name) {
  return std::find(std::begin(kMetricCurves), std::end(kMetricCurves), name) !=
         std::end(kMetricCurves);
}

std::optional<double> metricValue(const EpochRecord& epoch, const std::string& name) {
  if (!epoch.valMetrics)
    return std::nullopt;
  const ValidationMetrics& m = *epoch.valMetrics;
  const double v = name == kMetricCurves[0]   ? m.l1RatioToZeros()
                   : name == kMetricCurves[1] ? m.pearson
                                              : m.auc;
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// Matplotlib's tab:green for the learning rate, tab:purple and tab:orange for a compared run: none
// of them can be taken for the run's own blue and red.
const QColor kLearningRateColor(0x2c, 0xa0, 0x2c);
const QColor kComparisonTrainColor(0x94, 0x67, 0xbd);
const QColor kComparisonValidationColor(0xff, 0x7f, 0x0e);

constexpr int kDefaultRefreshMs = 150;     // about 7 replots a second, however fast steps arrive
constexpr double kDefaultSmoothing = 0.6;  // TensorBoard's default
const QSize kDefaultExportSize(1200, 675);
const QString kOverlayLayer = QStringLiteral("overlay");  // QCustomPlot's own buffered top layer

QString formatValue(double value) {
  return QString::number(value, 'g', 6);
}

// A two-point series spanning `low`..`high`, to reuse LossSeries' range padding without handing
// it every point.
LossSeries span(double keyLow, double keyHigh, double valueLow, double valueHigh) {
  LossSeries series;
  series.x = {keyLow, keyHigh};
  series.y = {valueLow, valueHigh};
  return series;
}

std::optional<double> finite(std::optional<double> value) {
  return value && std::isfinite(*value) ? value : std::nullopt;
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

  exportImageAction_ = new QAction(tr("Export Image…"), this);
  exportImageAction_->setObjectName(QStringLiteral("exportImageAction"));
  connect(exportImageAction_, &QAction::triggered, this, &LiveLossPlot::chooseImageExport);
  exportCsvAction_ = new QAction(tr("Export CSV…"), this);
  exportCsvAction_->setObjectName(QStringLiteral("exportCsvAction"));
  connect(exportCsvAction_, &QAction::triggered, this, &LiveLossPlot::chooseCsvExport);
  exportRunFiguresAction_ = new QAction(tr("Export Run Figures…"), this);
  exportRunFiguresAction_->setObjectName(QStringLiteral("exportRunFiguresAction"));
  exportRunFiguresAction_->setToolTip(
      tr("Write loss_curves.png and detailed_loss_curves.png into a folder"));
  connect(exportRunFiguresAction_, &QAction::triggered, this,
          &LiveLossPlot::chooseRunFiguresExport);
}

void LiveLossPlot::createControls() {
  curveBox_ = new QComboBox(this);
  curveBox_->setObjectName(QStringLiteral("curveBox"));
  curveBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  curveBox_->addItem(totalCurveName());
  connect(curveBox_, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
          &LiveLossPlot::onCurveChosen);
  auto* curveLabel = new QLabel(tr("&Curve:"), this);
  curveLabel->setBuddy(curveBox_);

  smoothingSlider_ = new QSlider(Qt::Horizontal, this);
  smoothingSlider_->setObjectName(QStringLiteral("smoothingSlider"));
  smoothingSlider_->setRange(0, int(std::lround(CurveSmoothing::kMaxWeight * 100)));
  smoothingSlider_->setValue(int(std::lround(kDefaultSmoothing * 100)));
  smoothingSlider_->setMaximumWidth(160);
  smoothingSpin_ = new QDoubleSpinBox(this);
  smoothingSpin_->setObjectName(QStringLiteral("smoothingSpin"));
  smoothingSpin_->setRange(0.0, CurveSmoothing::kMaxWeight);
  smoothingSpin_->setSingleStep(0.01);
  smoothingSpin_->setDecimals(2);
  smoothingSpin_->setValue(kDefaultSmoothing);
  const QString smoothingTip =
      tr("Exponential moving average of the logged batches, as in TensorBoard (0: raw)");
  smoothingSlider_->setToolTip(smoothingTip);
  smoothingSpin_->setToolTip(smoothingTip);
  connect(smoothingSlider_, &QSlider::valueChanged, this,
          [this](int value) { setSmoothing(value / 100.0); });
  connect(smoothingSpin_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
          &LiveLossPlot::setSmoothing);
  auto* smoothingLabel = new QLabel(tr("&Smoothing:"), this);
  smoothingLabel->setBuddy(smoothingSpin_);

  const auto toolButton = [this](QAction* action) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setObjectName(
        action->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")));
    return button;
  };
  auto* exportButton = new QToolButton(this);
  exportButton->setObjectName(QStringLiteral("exportButton"));
  exportButton->setText(tr("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* exportMenu = new QMenu(exportButton);
  exportMenu->addActions({exportImageAction_, exportCsvAction_, exportRunFiguresAction_});
  exportButton->setMenu(exportMenu);

  auto* controls = new QHBoxLayout;
  controls->addWidget(curveLabel);
  controls->addWidget(curveBox_);
  controls->addSpacing(12);
  controls->addWidget(smoothingLabel);
  controls->addWidget(smoothingSlider_);
  controls->addWidget(smoothingSpin_);
  controls->addStretch(1);
  controls->addWidget(toolButton(logScaleAction_));
  controls->addWidget(toolButton(learningRateAction_));
  controls->addWidget(toolButton(fitAction_));
  controls->addWidget(exportButton);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 0);
  layout->addLayout(controls);
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
  createHoverItems();
  noData_ = style_.makeNoDataText(plot_, rect_);

  connect(plot_, &QCustomPlot::mouseMove, this, &LiveLossPlot::onMouseMove);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { fit(); });
  plot_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* separator = new QAction(this);
  separator->setSeparator(true);
  plot_->addActions({fitAction_, logScaleAction_, learningRateAction_, separator,
                     exportImageAction_, exportCsvAction_, exportRunFiguresAction_});
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

void LiveLossPlot::createHoverItems() {
  hoverTracer_ = new QCPItemTracer(plot_);
  hoverTracer_->setLayer(kOverlayLayer);
  hoverTracer_->setStyle(QCPItemTracer::tsCircle);
  hoverTracer_->setSize(style_.px(7));
  hoverTracer_->setPen(style_.pen(QColor(0x26, 0x26, 0x26), 1.2));
  hoverTracer_->setBrush(Qt::NoBrush);
  hoverTracer_->setClipAxisRect(rect_);
  hoverTracer_->setVisible(false);
  hoverLabel_ = new QCPItemText(plot_);
  hoverLabel_->setLayer(kOverlayLayer);
  hoverLabel_->setClipToAxisRect(false);
  hoverLabel_->position->setParentAnchor(hoverTracer_->position);
  hoverLabel_->setTextAlignment(Qt::AlignLeft);
  hoverLabel_->setFont(style_.font(8.5));
  hoverLabel_->setColor(QColor(0x26, 0x26, 0x26));
  hoverLabel_->setPadding(QMargins(style_.px(5), style_.px(3), style_.px(5), style_.px(3)));
  hoverLabel_->setPen(style_.pen(QColor(0, 0, 0, 90), 0.8));
  hoverLabel_->setBrush(QColor(255, 255, 255, 235));
  hoverLabel_->setVisible(false);
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
  while (editMarkers_.size() < history_.edits.size())
    addEditMarker(int(editMarkers_.size()));
  updateEditMarkers();
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
  for (const EditMarker& marker : editMarkers_) {
    plot_->removeItem(marker.line);
    plot_->removeItem(marker.label);
  }
  editMarkers_.clear();
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
  if (const auto value = finite(stepValue(step))) {
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
  if (const auto value = trainValue(epoch))
    addPoint(series(Curve::TrainEpochs), epoch.epoch, *value, index);
  if (const auto value = validationValue(epoch))
    addPoint(series(Curve::ValidationEpochs), epoch.epoch, *value, index);
}

std::optional<double> LiveLossPlot::stepValue(const StepRecord& step) const {
  if (component_.empty())
    return step.total;
  if (isMetricCurve(component_))
    return std::nullopt;
  return findComponent(step.components, component_);
}

std::optional<double> LiveLossPlot::trainValue(const EpochRecord& epoch) const {
  if (component_.empty())
    return finite(epoch.trainTotal);
  if (isMetricCurve(component_))
    return std::nullopt;
  return finite(findComponent(epoch.trainComponents, component_));
}

std::optional<double> LiveLossPlot::validationValue(const EpochRecord& epoch) const {
  if (component_.empty())
    return finite(epoch.valTotal);
  if (isMetricCurve(component_))
    return metricValue(epoch, component_);
  return finite(findComponent(epoch.valComponents, component_));
}

void LiveLossPlot::noteMetrics(const EpochRecord& epoch) {
  if (!epoch.valMetrics || curveBox_->findText(QLatin1String(kMetricCurves[0])) >= 0)
    return;
  const QSignalBlocker blocker(curveBox_);
  for (const char* name : kMetricCurves)
    curveBox_->addItem(QLatin1String(name));
}

void LiveLossPlot::addEditMarker(int index) {
  const EditRecord& edit = history_.edits[size_t(index)];
  EditMarker marker;
  marker.line = new QCPItemStraightLine(plot_);
  marker.line->setClipAxisRect(rect_);
  marker.line->setPen(style_.editLinePen());
  marker.label = new QCPItemText(plot_);
  style_.styleEditLabel(marker.label, rect_, edit);
  // Upright along its line, so edits close together do not print over each other.
  marker.label->setRotation(-90);
  marker.label->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
  editMarkers_.push_back(marker);
}

void LiveLossPlot::updateEditMarkers() {
  // An edit's place depends on the logged steps around it; once a step at or after it is drawn,
  // later steps cannot move it, so only the newest edits are placed again.
  const int64_t lastStep = history_.steps.empty() ? -1 : history_.steps.back().optimizerStep;
  for (size_t i = 0; i < editMarkers_.size(); ++i) {
    EditMarker& marker = editMarkers_[i];
    if (marker.settled)
      continue;
    const EditRecord& edit = history_.edits[i];
    const double x = editPosition(history_, edit);
    placeOnEpoch(marker.line->point1, rect_, x, 0.0);
    placeOnEpoch(marker.line->point2, rect_, x, 1.0);
    placeOnEpoch(marker.label->position, rect_, x, 0.015);
    marker.settled = lastStep >= edit.optimizerStep;
  }
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
    if (const auto value = validationValue(*e))
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
    if (const auto value = trainValue(epoch))
      addPoint(train, epoch.epoch, *value, int(i));
    if (const auto value = validationValue(epoch))
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
  if (!editMarkers_.empty())
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
  for (const EditMarker& marker : editMarkers_)  // a marker must not fall off the chart
    epochs.include(marker.line->point1->key(), epochs.any ? epochs.valueLow : 0.0);

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
    const QSignalBlocker blocker(curveBox_);
    curveBox_->addItem(QString::fromStdString(name));
  }
}

void LiveLossPlot::resetCurveNames() {
  componentNames_ = lossComponentNames(history_);
  lastComponents_.clear();
  QStringList names{totalCurveName()};
  for (const std::string& name : componentNames_)
    names << QString::fromStdString(name);
  if (std::any_of(history_.epochs.begin(), history_.epochs.end(),
                  [](const EpochRecord& e) { return e.valMetrics.has_value(); })) {
    for (const char* name : kMetricCurves)
      names << QLatin1String(name);
  }
  const bool keep = names.contains(curve_);
  const QSignalBlocker blocker(curveBox_);
  curveBox_->clear();
  curveBox_->addItems(names);
  if (!keep) {
    curve_ = totalCurveName();
    component_.clear();
    Q_EMIT curveChanged(curve_);
  }
  curveBox_->setCurrentText(curve_);
}

QStringList LiveLossPlot::curveNames() const {
  QStringList names;
  for (int i = 0; i < curveBox_->count(); ++i)
    names << curveBox_->itemText(i);
  return names;
}

bool LiveLossPlot::setCurve(const QString& name) {
  const int index = curveBox_->findText(name, Qt::MatchExactly);
  if (index < 0)
    return false;
  curveBox_->setCurrentIndex(index);  // onCurveChosen does the rest
  return true;
}

void LiveLossPlot::onCurveChosen(int index) {
  const QString name = curveBox_->itemText(index);
  if (index < 0 || name == curve_)
    return;
  curve_ = name;
  component_ = name == totalCurveName() ? std::string() : name.toStdString();
  rebuild();
  replotSoon();
  Q_EMIT curveChanged(curve_);
}

// View -----------------------------------------------------------------------------------------

void LiveLossPlot::setSmoothing(double weight) {
  if (!std::isfinite(weight))
    return;
  const double clamped = std::clamp(weight, 0.0, CurveSmoothing::kMaxWeight);
  {
    const QSignalBlocker sliderBlocker(smoothingSlider_);
    const QSignalBlocker spinBlocker(smoothingSpin_);
    smoothingSlider_->setValue(int(std::lround(clamped * 100)));
    smoothingSpin_->setValue(clamped);
  }
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
  const int nearestIndex = found->index;
  const QCPGraph* g = graph(nearest);
  const QCPGraphData& point = *(g->data()->constBegin() + nearestIndex);
  hoverTracer_->position->setAxes(g->keyAxis(), g->valueAxis());
  hoverTracer_->position->setAxisRect(rect_);
  hoverTracer_->position->setCoords(point.key, point.value);
  hoverTracer_->setVisible(true);
  // The read-out sits beside the point, on the side with more room.
  const QPointF at = g->coordsToPixels(point.key, point.value);
  const bool rightHalf = at.x() > rect_->center().x();
  const bool lowerHalf = at.y() > rect_->center().y();
  const double gap = style_.px(6);
  hoverLabel_->setPositionAlignment((rightHalf ? Qt::AlignRight : Qt::AlignLeft) |
                                    (lowerHalf ? Qt::AlignBottom : Qt::AlignTop));
  hoverLabel_->position->setCoords(rightHalf ? -gap : gap, lowerHalf ? -gap : gap);
  hoverLabel_->setText(describePoint(nearest, series(nearest).source[size_t(nearestIndex)]));
  hoverLabel_->setVisible(true);
  plot_->layer(kOverlayLayer)->replot();  // the curves beneath are not drawn again
}

void LiveLossPlot::hideHover() {
  if (!hoverLabel_->visible())
    return;
  hoverLabel_->setVisible(false);
  hoverLabel_->setText(QString());
  hoverTracer_->setVisible(false);
  plot_->layer(kOverlayLayer)->replot();
}

QString LiveLossPlot::hoverText() const {
  return hoverLabel_->visible() ? hoverLabel_->text() : QString();
}

QString LiveLossPlot::describePoint(Curve curve, int source) const {
  QStringList lines;
  const auto valueLine = [&](const QString& what, std::optional<double> value) {
    if (value)
      lines << QStringLiteral("%1 %2: %3").arg(curve_, what, formatValue(*value));
  };
  if (curve == Curve::Steps || curve == Curve::SmoothedSteps || curve == Curve::LearningRate) {
    const StepRecord& step = history_.steps[size_t(source)];
    lines << tr("epoch %1 \u00b7 batch %2 of %3 \u00b7 optimizer step %4")
                 .arg(step.epoch)
                 .arg(step.batch)
                 .arg(step.batchesInEpoch)
                 .arg(step.optimizerStep);
    valueLine(tr("train"), finite(stepValue(step)));
    const double smoothed = smoothedByStep_[size_t(source)];
    if (std::isfinite(smoothed))
      valueLine(tr("smoothed"), smoothed);
    lines << tr("learning rate: %1").arg(formatValue(step.learningRate));
    return lines.join(QLatin1Char('\n'));
  }
  const bool compared = curve == Curve::ComparisonTrain || curve == Curve::ComparisonValidation;
  const EpochRecord& epoch = (compared ? comparison_ : history_).epochs[size_t(source)];
  if (compared)
    lines << tr("%1 \u00b7 epoch %2").arg(comparisonLabel_).arg(epoch.epoch);
  else if (epoch.epoch == history_.bestEpoch)
    lines << tr("epoch %1 (best)").arg(epoch.epoch);
  else
    lines << tr("epoch %1").arg(epoch.epoch);
  valueLine(tr("train"), trainValue(epoch));
  valueLine(tr("validation"), validationValue(epoch));
  lines << tr("learning rate: %1").arg(formatValue(epoch.learningRate));
  return lines.join(QLatin1Char('\n'));
}

// Exports --------------------------------------------------------------------------------------

void LiveLossPlot::exportImage(const QString& path) {
  showPending();
  const QSize onScreen = plot_->size();
  const QSize size =
      onScreen.width() >= 200 && onScreen.height() >= 150 ? onScreen : kDefaultExportSize;
  // The read-out belongs to the mouse, not to the figure.
  const bool hovering = hoverLabel_->visible();
  hoverLabel_->setVisible(false);
  hoverTracer_->setVisible(false);
  const auto restore = qScopeGuard([&] {
    hoverLabel_->setVisible(hovering);
    hoverTracer_->setVisible(hovering);
  });
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

QString LiveLossPlot::suggestedExportPath(const QString& fileName) const {
  const QString folder = exportFolder_.isEmpty() ? QDir::homePath() : exportFolder_;
  return QDir(folder).filePath(fileName);
}

void LiveLossPlot::chooseImageExport() {
  QString filter;
  const QString stem =
      caption_.runName.empty() ? QStringLiteral("loss") : QString::fromStdString(caption_.runName);
  QString path = QFileDialog::getSaveFileName(this, tr("Export Plot Image"),
                                              suggestedExportPath(stem + QStringLiteral(".png")),
                                              plotImageFileFilter(), &filter);
  if (path.isEmpty())
    return;
  if (QFileInfo(path).suffix().isEmpty()) {
    // "PDF document (*.pdf)" -> ".pdf": the type chosen in the dialog when none was typed.
    const int star = filter.indexOf(QLatin1String("*."));
    path += star >= 0 ? filter.mid(star + 1).chopped(1) : QStringLiteral(".png");
  }
  exportFolder_ = QFileInfo(path).absolutePath();
  try {
    exportImage(path);
    Q_EMIT exported(path);
  } catch (const std::exception& e) {
    showErrorBox(this, tr("Export Plot Image"), QString::fromStdString(e.what()));
  }
}

void LiveLossPlot::chooseCsvExport() {
  QString path = QFileDialog::getSaveFileName(this, tr("Export Loss Values"),
                                              suggestedExportPath(QStringLiteral("metrics.csv")),
                                              tr("CSV file (*.csv)"));
  if (path.isEmpty())
    return;
  if (QFileInfo(path).suffix().isEmpty())
    path += QStringLiteral(".csv");
  exportFolder_ = QFileInfo(path).absolutePath();
  try {
    exportCsv(path);
    Q_EMIT exported(path);
  } catch (const std::exception& e) {
    showErrorBox(this, tr("Export Loss Values"), QString::fromStdString(e.what()));
  }
}

void LiveLossPlot::chooseRunFiguresExport() {
  const QString dir =
      QFileDialog::getExistingDirectory(this, tr("Export Run Figures To"),
                                        exportFolder_.isEmpty() ? QDir::homePath() : exportFolder_);
  if (dir.isEmpty())
    return;
  exportFolder_ = dir;
  try {
    exportRunFigures(dir);
    Q_EMIT exported(QDir(dir).filePath(QStringLiteral("loss_curves.png")));
    Q_EMIT exported(QDir(dir).filePath(QStringLiteral("detailed_loss_curves.png")));
  } catch (const std::exception& e) {
    showErrorBox(this, tr("Export Run Figures"), QString::fromStdString(e.what()));
  }
}

QVector<double> LiveLossPlot::editMarkerPositions() const {
  QVector<double> positions;
  for (const EditMarker& marker : editMarkers_)
    positions << marker.line->point1->key();
  return positions;
}

QStringList LiveLossPlot::editMarkerLabels() const {
  QStringList labels;
  for (const EditMarker& marker : editMarkers_)
    labels << marker.label->text();
  return labels;
}

}  // namespace longmim::studio
