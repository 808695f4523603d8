#include "ComponentLossCharts.h"

#include "QCustomPlotHeader.h"

namespace longmim::studio {
ComponentLossCharts::ComponentLossCharts(QCustomPlot* plot, LossChartStyle style)
    : plot_(plot), style_(style) {
  // One group for the chart's lifetime: every plot area the same size, aligned in the grid.
  // Panels leave it when they are deleted.
  margins_ = new QCPMarginGroup(plot_);
  rebuild({});
}

int ComponentLossCharts::columnsFor(int panelCount) {
  if (panelCount <= 1)
    return 1;
  if (panelCount == 4)
    return 2;  // 2 x 2 rather than 3 + 1
  return std::min(panelCount, 3);
}

void ComponentLossCharts::rebuild(const std::vector<std::string>& names) {
  style_.resetPlot(plot_);
  names_ = names;
  panels_.clear();
  placeholder_ = Panel();

  QCPLayoutGrid* layout = plot_->plotLayout();
  layout->setMargins(QMargins(style_.px(6), style_.px(4), style_.px(10), style_.px(6)));
  layout->setRowSpacing(0);
  layout->addElement(
      0, 0, style_.makeTitle(plot_, QStringLiteral("Loss components per epoch"), 12.5, true));
  layout->addElement(
      1, 0, style_.makeTitle(plot_, QStringLiteral("each term before its weight"), 9.5, false));
  legend_ = style_.makeLegendRow(layout, 2, 0);  // one legend explains every panel
  auto* grid = new QCPLayoutGrid;
  layout->addElement(3, 0, grid);
  for (int row = 0; row < 3; ++row)
    layout->setRowStretchFactor(row, 0.001);
  grid->setColumnSpacing(style_.px(22));
  grid->setRowSpacing(style_.px(4));

  const int columns = columnsFor(int(names.size()));
  if (names.empty()) {
    placeholder_ = addPanel(grid, 0, 0, QStringLiteral("loss components"));
    placeholder_.noData->setVisible(true);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const int row = int(i) / columns;
    const int column = int(i) % columns;
    panels_.push_back(addPanel(grid, row, column, QString::fromStdString(names[i])));
  }
  for (int row = 0; row < grid->rowCount(); row += 2)
    grid->setRowStretchFactor(row, 0.001);
  built_ = true;
}

ComponentLossCharts::Panel ComponentLossCharts::addPanel(QCPLayoutGrid* grid, int row, int column,
                                                         const QString& title) {
  Panel panel;
  panel.rect = new QCPAxisRect(plot_);
  grid->addElement(2 * row, column, style_.makeTitle(plot_, title, 10.5, true));
  grid->addElement(2 * row + 1, column, panel.rect);
  panel.rect->setMarginGroup(QCP::msAll, margins_);
  style_.styleAxisRect(panel.rect, QStringLiteral("loss"));

  QCPAxis* epochs = panel.rect->axis(QCPAxis::atBottom);
  QCPAxis* loss = panel.rect->axis(QCPAxis::atLeft);
  panel.train = plot_->addGraph(epochs, loss);
  style_.styleEpochGraph(panel.train, trainLossColor());
  panel.train->setName(QStringLiteral("train"));
  panel.validation = plot_->addGraph(epochs, loss);
  style_.styleValidationGraph(panel.validation);
  panel.validation->setName(QStringLiteral("validation"));
  panel.steps = plot_->addGraph(epochs, loss);
  style_.styleStepGraph(panel.steps, trainLossColor());
  panel.steps->setName(QStringLiteral("train, logged batches"));

  panel.noData = style_.makeNoDataText(plot_, panel.rect);
  return panel;
}

void ComponentLossCharts::update(const TrainingHistory& history) {
  const std::vector<std::string> names = lossComponentNames(history);
  if (!built_ || names != names_)
    rebuild(names);
  for (size_t i = 0; i < panels_.size(); ++i) {
    fill(panels_[i], history, names_[i]);
    if (autoRange_)
      fitRanges(panels_[i]);
  }
  if (placeholder_.rect && autoRange_)
    fitRanges(placeholder_);
  updateLegend();
}

void ComponentLossCharts::updateLegend() {
  legend_->clearItems();
  // Each kind of curve once, from the first panel that shows it.
  for (QCPGraph* Panel::*kind : {&Panel::train, &Panel::validation, &Panel::steps}) {
    for (const Panel& panel : panels_) {
      if (!(panel.*kind)->data()->isEmpty()) {
        (panel.*kind)->addToLegend(legend_);
        break;
      }
    }
  }
}

void ComponentLossCharts::fill(const Panel& panel, const TrainingHistory& history,
                               const std::string& name) {
  const LossAxisScale scale = style_.yScale;
  const LossSeries train = visibleOn(trainComponentPerEpoch(history, name), scale);
  const LossSeries validation = visibleOn(validationComponentPerEpoch(history, name), scale);
  const LossSeries steps = visibleOn(trainComponentPerStep(history, name), scale);
  panel.train->setData(train.x, train.y);
  panel.validation->setData(validation.x, validation.y);
  panel.steps->setData(steps.x, steps.y);
  panel.noData->setVisible(train.empty() && validation.empty() && steps.empty());
}

void ComponentLossCharts::fitRanges(const Panel& panel) {
  const bool logarithmic = style_.yScale == LossAxisScale::Logarithmic;
  const LossSeries train = seriesShownBy(panel.train);
  const LossSeries validation = seriesShownBy(panel.validation);
  const LossSeries steps = seriesShownBy(panel.steps);
  const auto epochs = epochRange({&train, &validation, &steps});
  const auto values = valueRange({&train, &validation, &steps}, style_.yScale);
  const QCPRange epochRangeShown =
      epochs ? QCPRange(epochs->first, epochs->second) : QCPRange(0.0, 1.0);
  const QCPRange valueRangeShown = values
                                       ? QCPRange(values->first, values->second)
                                       : (logarithmic ? QCPRange(0.01, 1.0) : QCPRange(0.0, 1.0));
  panel.rect->axis(QCPAxis::atBottom)->setRange(epochRangeShown);
  panel.rect->axis(QCPAxis::atTop)->setRange(epochRangeShown);
  panel.rect->axis(QCPAxis::atLeft)->setRange(valueRangeShown);
  panel.rect->axis(QCPAxis::atRight)->setRange(valueRangeShown);
}

bool ComponentLossCharts::showsNoData() const {
  if (placeholder_.rect)
    return true;
  for (const Panel& panel : panels_) {
    if (!panel.noData->visible())
      return false;
  }
  return true;
}

}  // namespace longmim::studio
