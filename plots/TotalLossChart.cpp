#include "TotalLossChart.h"

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>

namespace longmim::studio {
namespace {

// Four significant digits, trailing zeros kept so the summary's numbers line up.
QString formatLoss(double value) {
  const double magnitude = std::abs(value);
  if (!std::isfinite(value) || magnitude == 0.0)
    return QString::number(value);
  if (magnitude < 1e-3 || magnitude >= 1e4)
    return QString::number(value, 'e', 3);
  const int decimals = std::max(0, 3 - int(std::floor(std::log10(magnitude))));
  return QString::number(value, 'f', decimals);
}

void setRange(QCPAxis* axis, const std::optional<std::pair<double, double>>& range,
              const QCPRange& fallback) {
  axis->setRange(range ? QCPRange(range->first, range->second) : fallback);
}

}  // namespace

QString LossPlotCaption::title() const {
  const QString base = QStringLiteral("Longitudinal MIM training");
  return runName.empty() ? base : base + QStringLiteral(": ") + QString::fromStdString(runName);
}

QString LossPlotCaption::subtitle() const {
  QStringList parts;
  if (maxLearningRate > 0.0)
    parts << QStringLiteral("max LR %1").arg(QString::number(maxLearningRate, 'g', 3));
  if (batchSize > 0) {
    const int steps = std::max(1, accumulation);
    parts << QStringLiteral("batch %1 %2 %3 accumulated (effective %4)")
                 .arg(batchSize)
                 .arg(QChar(0x00d7))
                 .arg(steps)
                 .arg(batchSize * steps);
  }
  if (!enabledTerms.empty()) {
    QStringList terms;
    for (const std::string& term : enabledTerms)
      terms << QString::fromStdString(term);
    parts << QStringLiteral("loss terms: %1").arg(terms.join(QStringLiteral(", ")));
  }
  return parts.join(QStringLiteral("     |     "));
}

TotalLossChart::TotalLossChart(QCustomPlot* plot, LossChartStyle style)
    : plot_(plot), style_(style) {
  buildLayout();
  buildGraphs();
}

void TotalLossChart::buildLayout() {
  style_.resetPlot(plot_);

  panels_ = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(0, 0, panels_);
  plot_->plotLayout()->setMargins(
      QMargins(style_.px(6), style_.px(4), style_.px(10), style_.px(4)));
  panels_->setColumnSpacing(style_.px(28));
  panels_->setRowSpacing(0);

  lossRect_ = new QCPAxisRect(plot_);
  separateRect_ = new QCPAxisRect(plot_);
  panels_->addElement(0, 0, style_.makeTitle(plot_, QStringLiteral("Total loss"), 10.5, false));
  panels_->addElement(
      0, 1,
      style_.makeTitle(plot_, QStringLiteral("Train and validation on separate y-axes"), 10.5,
                       false));
  lossLegend_ = style_.makeLegendRow(panels_, 1, 0);
  separateLegend_ = style_.makeLegendRow(panels_, 1, 1);
  panels_->addElement(2, 0, lossRect_);
  panels_->addElement(2, 1, separateRect_);
  panels_->setRowStretchFactor(0, 0.001);  // title and legend rows take only what their text needs
  panels_->setRowStretchFactor(1, 0.001);
  panels_->setColumnStretchFactor(0, 1.55);
  panels_->setColumnStretchFactor(1, 1.0);

  style_.styleAxisRect(lossRect_, QStringLiteral("loss"));
  style_.styleAxisRect(separateRect_, QStringLiteral("train loss"));
  QCPAxis* trainAxis = separateRect_->axis(QCPAxis::atLeft);
  QCPAxis* validationAxis = separateRect_->axis(QCPAxis::atRight);
  validationAxis->setTicks(true);
  validationAxis->setTickLabels(true);
  validationAxis->setLabel(QStringLiteral("validation loss"));
  style_.styleValueAxis(validationAxis);
  trainAxis->setLabelColor(trainLossColor());
  trainAxis->setTickLabelColor(trainLossColor());
  validationAxis->setLabelColor(validationLossColor());
  validationAxis->setTickLabelColor(validationLossColor());

  summary_ = new QCPItemText(plot_);
  summary_->setClipAxisRect(lossRect_);
  summary_->setClipToAxisRect(true);
  summary_->setLayer(QStringLiteral("legend"));
  summary_->position->setType(QCPItemPosition::ptAxisRectRatio);
  summary_->position->setAxisRect(lossRect_);
  summary_->position->setCoords(0.012, 0.975);
  summary_->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
  summary_->setTextAlignment(Qt::AlignLeft);
  summary_->setFont(style_.monospaceFont(8.5));
  summary_->setColor(QColor(0x26, 0x26, 0x26));
  summary_->setPadding(QMargins(style_.px(6), style_.px(4), style_.px(6), style_.px(4)));
  summary_->setPen(style_.pen(QColor(0, 0, 0, 70), 0.8));
  summary_->setBrush(QColor(255, 255, 255, 225));
  summary_->setVisible(false);

  noDataLoss_ = style_.makeNoDataText(plot_, lossRect_);
  noDataSeparate_ = style_.makeNoDataText(plot_, separateRect_);
}

void TotalLossChart::buildGraphs() {
  QCPAxis* epochs = lossRect_->axis(QCPAxis::atBottom);
  QCPAxis* loss = lossRect_->axis(QCPAxis::atLeft);
  QCPGraph* train = plot_->addGraph(epochs, loss);
  style_.styleEpochGraph(train, trainLossColor());
  train->setName(QStringLiteral("train"));
  QCPGraph* validation = plot_->addGraph(epochs, loss);
  style_.styleValidationGraph(validation);
  validation->setName(QStringLiteral("validation"));
  QCPGraph* steps = plot_->addGraph(epochs, loss);
  style_.styleStepGraph(steps, trainLossColor());
  steps->setName(QStringLiteral("train, logged batches"));
  QCPGraph* best = plot_->addGraph(epochs, loss);
  best->setLineStyle(QCPGraph::lsNone);
  best->setScatterStyle(style_.bestEpochMarker());
  best->setName(QStringLiteral("best validation"));

  QCPAxis* separateEpochs = separateRect_->axis(QCPAxis::atBottom);
  QCPGraph* trainSeparate = plot_->addGraph(separateEpochs, separateRect_->axis(QCPAxis::atLeft));
  style_.styleEpochGraph(trainSeparate, trainLossColor());
  trainSeparate->setName(QStringLiteral("train (left axis)"));
  QCPGraph* validationSeparate =
      plot_->addGraph(separateEpochs, separateRect_->axis(QCPAxis::atRight));
  style_.styleValidationGraph(validationSeparate);
  validationSeparate->setName(QStringLiteral("validation (right axis)"));

  QCPGraph* editEntry = plot_->addGraph(epochs, loss);
  editEntry->setPen(style_.editLinePen());
  editEntry->setName(QStringLiteral("hyperparameter edit"));
}

void TotalLossChart::setCaption(const LossPlotCaption& caption) {
  QCPLayoutGrid* layout = plot_->plotLayout();
  if (!title_) {
    layout->insertRow(0);
    layout->insertRow(0);
    title_ = style_.makeTitle(plot_, QString(), 12.5, true);
    subtitle_ = style_.makeTitle(plot_, QString(), 9.5, false);
    layout->addElement(0, 0, title_);
    layout->addElement(1, 0, subtitle_);
    layout->setRowStretchFactor(0, 0.001);
    layout->setRowStretchFactor(1, 0.001);
    layout->setRowSpacing(0);
  }
  title_->setText(caption.title());
  subtitle_->setText(caption.subtitle());
}

QCPGraph* TotalLossChart::graph(Graph which) const {
  return plot_->graph(int(which));
}

void TotalLossChart::showSeries(Graph which, const LossSeries& series) {
  QCPGraph* g = graph(which);
  const bool logarithmic = g->valueAxis()->scaleType() == QCPAxis::stLogarithmic;
  const LossSeries visible =
      visibleOn(series, logarithmic ? LossAxisScale::Logarithmic : LossAxisScale::Linear);
  g->setData(visible.x, visible.y);
}

void TotalLossChart::update(const TrainingHistory& history) {
  showSeries(Train, trainTotalPerEpoch(history));
  showSeries(Validation, validationTotalPerEpoch(history));
  showSeries(TrainSteps, trainTotalPerStep(history));
  showSeries(TrainSeparateAxis, trainTotalPerEpoch(history));
  showSeries(ValidationSeparateAxis, validationTotalPerEpoch(history));
  updateBest(history);
  updateSummary(history);
  if (autoRange_)
    updateRanges(history);
  updateEdits(history);  // after the ranges: labels are stacked by their distance on screen
  updateLegends();
  const bool lossEmpty = graph(Train)->data()->isEmpty() && graph(Validation)->data()->isEmpty() &&
                         graph(TrainSteps)->data()->isEmpty();
  noDataLoss_->setVisible(lossEmpty);
  noDataSeparate_->setVisible(graph(TrainSeparateAxis)->data()->isEmpty() &&
                              graph(ValidationSeparateAxis)->data()->isEmpty());
}

void TotalLossChart::updateBest(const TrainingHistory& history) {
  LossSeries star;
  if (const auto best = bestValidationLoss(history)) {
    star.x.push_back(history.bestEpoch);
    star.y.push_back(*best);
  }
  showSeries(BestValidation, star);
  graph(BestValidation)
      ->setName(QStringLiteral("best validation (epoch %1)").arg(history.bestEpoch));
}

void TotalLossChart::updateLegends() {
  const auto refill = [this](QCPLegend* legend, std::initializer_list<Graph> order) {
    legend->clearItems();
    for (const Graph which : order) {
      QCPGraph* g = graph(which);
      const bool shown = which == EditLegendEntry ? !editItems_.empty() : !g->data()->isEmpty();
      if (shown)
        g->addToLegend(legend);
    }
    legend->setVisible(legend->itemCount() > 0);
  };
  refill(lossLegend_, {Train, Validation, TrainSteps, BestValidation, EditLegendEntry});
  refill(separateLegend_, {TrainSeparateAxis, ValidationSeparateAxis});
}

void TotalLossChart::updateSummary(const TrainingHistory& history) {
  if (history.epochs.empty()) {
    summary_->setVisible(false);
    return;
  }
  const EpochRecord& last = history.epochs.back();
  QStringList lines;
  lines << QStringLiteral("final train  %1").arg(formatLoss(last.trainTotal));
  if (last.valTotal)
    lines << QStringLiteral("final val    %1").arg(formatLoss(*last.valTotal));
  else
    lines << QStringLiteral("final val    none (no validation set)");
  if (const auto best = bestValidationLoss(history))
    lines << QStringLiteral("best val     %1 (epoch %2)")
                 .arg(formatLoss(*best))
                 .arg(history.bestEpoch);
  summary_->setText(lines.join(QLatin1Char('\n')));
  summary_->setVisible(true);
}

void TotalLossChart::updateEdits(const TrainingHistory& history) {
  for (QCPAbstractItem* item : editItems_)
    plot_->removeItem(item);
  editItems_.clear();
  const QCPRange epochs = lossRect_->axis(QCPAxis::atBottom)->range();
  std::vector<double> placed;
  for (const EditRecord& edit : history.edits) {
    const double x = editPosition(history, edit);
    auto* line = new QCPItemLine(plot_);
    line->setClipAxisRect(lossRect_);
    line->setPen(style_.editLinePen());
    placeOnEpoch(line->start, lossRect_, x, 0.0);
    placeOnEpoch(line->end, lossRect_, x, 1.0);

    // Labels of edits close together stack downwards instead of overprinting each other.
    const auto near = std::count_if(placed.begin(), placed.end(), [&](double other) {
      return std::abs(other - x) < 0.12 * epochs.size();
    });
    placed.push_back(x);
    const bool nearRightEdge = x > epochs.lower + 0.7 * epochs.size();
    auto* label = new QCPItemText(plot_);
    style_.styleEditLabel(label, lossRect_, edit);
    placeOnEpoch(label->position, lossRect_, x, 0.015 + 0.065 * double(near));
    label->setPositionAlignment((nearRightEdge ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    editItems_.push_back(line);
    editItems_.push_back(label);
  }
}

void TotalLossChart::updateRanges(const TrainingHistory& history) {
  const bool logarithmic = style_.yScale == LossAxisScale::Logarithmic;
  const QCPRange fallbackValues = logarithmic ? QCPRange(0.01, 1.0) : QCPRange(0.0, 1.0);
  const QCPRange fallbackEpochs(0.0, 1.0);
  const auto data = [this](Graph which) { return seriesShownBy(graph(which)); };
  const LossSeries train = data(Train);
  const LossSeries validation = data(Validation);
  const LossSeries steps = data(TrainSteps);
  const LossSeries best = data(BestValidation);
  LossSeries edits;  // a marker must not fall off the chart
  for (const EditRecord& edit : history.edits) {
    edits.x.push_back(editPosition(history, edit));
    edits.y.push_back(0.0);
  }
  const auto scale = style_.yScale;

  setRange(lossRect_->axis(QCPAxis::atBottom), epochRange({&train, &validation, &steps, &edits}),
           fallbackEpochs);
  setRange(lossRect_->axis(QCPAxis::atLeft),
           valueRange({&train, &validation, &steps, &best}, scale), fallbackValues);
  setRange(separateRect_->axis(QCPAxis::atBottom), epochRange({&train, &validation}),
           fallbackEpochs);
  setRange(separateRect_->axis(QCPAxis::atLeft), valueRange({&train}, scale), fallbackValues);
  setRange(separateRect_->axis(QCPAxis::atRight), valueRange({&validation}, scale), fallbackValues);
  separateRect_->axis(QCPAxis::atRight)->setTickLabels(!validation.empty());
  separateRect_->axis(QCPAxis::atRight)->setTicks(!validation.empty());
  separateRect_->axis(QCPAxis::atRight)
      ->setLabel(validation.empty() ? QString() : QStringLiteral("validation loss"));
  // The framing axes carry no ticks; keep their ranges equal anyway so nothing drawn on them lies.
  for (QCPAxisRect* rect : {lossRect_, separateRect_}) {
    rect->axis(QCPAxis::atTop)->setRange(rect->axis(QCPAxis::atBottom)->range());
  }
  lossRect_->axis(QCPAxis::atRight)->setRange(lossRect_->axis(QCPAxis::atLeft)->range());
}

bool TotalLossChart::showsNoData() const {
  return noDataLoss_->visible();
}

QString TotalLossChart::summaryText() const {
  return summary_->visible() ? summary_->text() : QString();
}

}  // namespace longmim::studio
