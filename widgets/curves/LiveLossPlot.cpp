#include "curves/LiveLossPlot.h"

#include <QAction>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "LossCsvExport.h"
#include "LossSeries.h"
#include "PlotImageExport.h"
#include "RunFigures.h"
#include "curves/CurveControls.h"
#include "curves/CurveValues.h"
#include "curves/EditMarkers.h"
#include "curves/LiveLossCanvas.h"
#include "curves/LossPlotExports.h"
#include "curves/LossPlotHover.h"
#include "curves/NearestGraphPoint.h"
#include "training/HistoryModel.h"

namespace longmim::studio {
namespace {

// 2.5 replots a second however fast steps arrive: live to the eye, and on 2 cores the GUI thread
// takes a third of the CPU from the trainer that it did at 150 ms (docs/benchmarks.md).
constexpr int kDefaultRefreshMs = 400;
constexpr double kDefaultSmoothing = 0.6;  // TensorBoard's default

}  // namespace

QString LiveLossPlot::totalCurveName() {
  return QStringLiteral("Total");
}

LiveLossPlot::LiveLossPlot(QWidget* parent)
    : QWidget(parent), curve_(totalCurveName()), smoothing_(kDefaultSmoothing) {
  refreshTimer_ = new QTimer(this);
  refreshTimer_->setSingleShot(true);
  refreshTimer_->setInterval(kDefaultRefreshMs);
  connect(refreshTimer_, &QTimer::timeout, this, &LiveLossPlot::onRefreshTick);

  createActions();
  createPlot();
  createControls();
  ownModel_ = new HistoryModel(this);
  setModel(ownModel_);
}

void LiveLossPlot::setModel(HistoryModel* model) {
  if (model_)
    disconnect(model_, nullptr, this, nullptr);
  model_ = model ? model : ownModel_;
  connect(model_, &HistoryModel::historyReset, this, &LiveLossPlot::onHistoryReset);
  connect(model_, &HistoryModel::recordsAppended, this, &LiveLossPlot::scheduleRefresh);
  connect(model_, &HistoryModel::comparisonChanged, this, &LiveLossPlot::onComparisonChanged);
  connect(model_, &HistoryModel::captionChanged, this, &LiveLossPlot::onCaptionChanged);
  onCaptionChanged();
  onHistoryReset();
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
  canvas_ = new LiveLossCanvas(this, LossChartStyle::forDpi(logicalDpiX()));
  plot_ = canvas_->plot();
  rect_ = canvas_->rect();
  // The user zoomed or panned: keep that view while data arrives.
  connect(canvas_, &LiveLossCanvas::viewMovedByUser, this, [this] { autoRange_ = false; });
  plot_->installEventFilter(this);
  hover_ = std::make_unique<LossPlotHover>(plot_, rect_, canvas_->style());
  editMarkers_ = std::make_unique<EditMarkers>(plot_, rect_, canvas_->style());

  connect(plot_, &QCustomPlot::mouseMove, this, &LiveLossPlot::onMouseMove);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { fit(); });
  plot_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* separator = new QAction(this);
  separator->setSeparator(true);
  plot_->addActions({fitAction_, logScaleAction_, learningRateAction_, separator,
                     exportImageAction(), exportCsvAction(), exportRunFiguresAction()});
}

QCPGraph* LiveLossPlot::graph(Curve curve) const {
  return canvas_->graph(curve);
}

int LiveLossPlot::pointCount(Curve curve) const {
  return canvas_->pointCount(curve);
}

// Live feed ------------------------------------------------------------------------------------

void LiveLossPlot::appendStep(const StepRecord& step) {
  model_->appendSteps({step});
}

void LiveLossPlot::appendEpoch(const EpochRecord& epoch, int bestEpoch) {
  model_->appendEpoch(epoch, bestEpoch);
}

void LiveLossPlot::appendEdit(const EditRecord& edit) {
  model_->appendEdit(edit);
}

void LiveLossPlot::setHistory(const TrainingHistory& history) {
  model_->reset(history);
}

void LiveLossPlot::clear() {
  model_->clear();
}

const TrainingHistory& LiveLossPlot::history() const {
  return model_->history();
}

void LiveLossPlot::onHistoryReset() {
  resetCurveNames();
  autoRange_ = true;
  rebuild();
  replotSoon();
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
  const TrainingHistory& shown = model_->history();
  for (; shownSteps_ < shown.steps.size(); ++shownSteps_)
    showStep(int(shownSteps_));
  for (; shownEpochs_ < shown.epochs.size(); ++shownEpochs_)
    showEpoch(int(shownEpochs_));
  editMarkers_->update(shown);
  updateBestMarker();
  canvas_->updateLegend(!editMarkers_->empty());
  canvas_->setNoDataVisible(shown.steps.empty() && shown.epochs.empty() &&
                            !model_->hasComparison());
  if (autoRange_)
    canvas_->fitAxes(editMarkers_->positions());
}

void LiveLossPlot::rebuild() {
  refreshTimer_->stop();
  for (const Curve curve : {Curve::Steps, Curve::SmoothedSteps, Curve::TrainEpochs,
                            Curve::ValidationEpochs, Curve::BestEpoch, Curve::LearningRate})
    canvas_->clear(curve);
  editMarkers_->clear();
  smoothing_.reset();
  smoothedByStep_.clear();
  smoothedByStep_.reserve(model_->history().steps.size());
  shownSteps_ = 0;
  shownEpochs_ = 0;
  hideHover();
  updateAxisLabels();
  updateComparison();
  showPending();
}

void LiveLossPlot::showStep(int index) {
  const StepRecord& step = model_->history().steps[size_t(index)];
  noteComponents(step.components);
  const double x = stepPosition(step);
  double smoothed = std::numeric_limits<double>::quiet_NaN();
  if (const auto value = values_.step(step)) {
    canvas_->addPoint(Curve::Steps, x, *value, index);
    smoothed = smoothing_.add(*value).value_or(smoothed);
    canvas_->addPoint(Curve::SmoothedSteps, x, smoothed, index);
  }
  smoothedByStep_.push_back(smoothed);
  canvas_->addPoint(Curve::LearningRate, x, step.learningRate, index);
}

void LiveLossPlot::showEpoch(int index) {
  const EpochRecord& epoch = model_->history().epochs[size_t(index)];
  noteComponents(epoch.trainComponents);
  noteComponents(epoch.valComponents);
  noteMetrics(epoch);
  if (const auto value = values_.train(epoch))
    canvas_->addPoint(Curve::TrainEpochs, epoch.epoch, *value, index);
  if (const auto value = values_.validation(epoch))
    canvas_->addPoint(Curve::ValidationEpochs, epoch.epoch, *value, index);
}

void LiveLossPlot::noteMetrics(const EpochRecord& epoch) {
  if (!epoch.valMetrics)
    return;
  for (const std::string& name : metricCurveNames())
    controls_->addCurve(QString::fromStdString(name));
}

void LiveLossPlot::updateBestMarker() {
  const TrainingHistory& shown = model_->history();
  canvas_->clear(Curve::BestEpoch);
  const int bestEpoch = shown.bestEpoch;
  graph(Curve::BestEpoch)->setName(tr("best epoch (%1)").arg(bestEpoch));
  if (bestEpoch <= 0)
    return;
  for (auto e = shown.epochs.rbegin(); e != shown.epochs.rend(); ++e) {
    if (e->epoch != bestEpoch)
      continue;
    if (const auto value = values_.validation(*e))
      canvas_->addPoint(Curve::BestEpoch, bestEpoch, *value, int(shown.epochs.rend() - e) - 1);
    return;
  }
}

void LiveLossPlot::updateComparison() {
  canvas_->clear(Curve::ComparisonTrain);
  canvas_->clear(Curve::ComparisonValidation);
  const QString& label = model_->comparisonLabel();
  graph(Curve::ComparisonTrain)->setName(tr("train (%1)").arg(label));
  graph(Curve::ComparisonValidation)->setName(tr("validation (%1)").arg(label));
  if (!model_->hasComparison())
    return;
  const TrainingHistory& comparison = model_->comparison();
  for (size_t i = 0; i < comparison.epochs.size(); ++i) {
    const EpochRecord& epoch = comparison.epochs[i];
    if (const auto value = values_.train(epoch))
      canvas_->addPoint(Curve::ComparisonTrain, epoch.epoch, *value, int(i));
    if (const auto value = values_.validation(epoch))
      canvas_->addPoint(Curve::ComparisonValidation, epoch.epoch, *value, int(i));
  }
}

void LiveLossPlot::updateAxisLabels() {
  canvas_->setLossAxisLabel(curve_ == totalCurveName()            ? tr("total loss")
                            : isMetricCurve(curve_.toStdString()) ? curve_
                                                                  : tr("%1 loss").arg(curve_));
}

// Comparison and caption -----------------------------------------------------------------------

void LiveLossPlot::setComparison(const TrainingHistory& other, const QString& label) {
  model_->setComparison(other, label);
}

void LiveLossPlot::clearComparison() {
  model_->clearComparison();
}

bool LiveLossPlot::hasComparison() const {
  return model_->hasComparison();
}

QString LiveLossPlot::comparisonLabel() const {
  return model_->comparisonLabel();
}

void LiveLossPlot::onComparisonChanged() {
  hideHover();
  updateComparison();
  showPending();
  replotSoon();
}

void LiveLossPlot::setCaption(const LossPlotCaption& caption) {
  model_->setCaption(caption);
}

const LossPlotCaption& LiveLossPlot::caption() const {
  return model_->caption();
}

void LiveLossPlot::onCaptionChanged() {
  const LossPlotCaption& caption = model_->caption();
  canvas_->setCaption(caption.title(), caption.subtitle());
  replotSoon();
}

}  // namespace longmim::studio
