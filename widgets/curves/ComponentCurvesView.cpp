#include "curves/ComponentCurvesView.h"

#include <QPen>
#include <QVBoxLayout>

#include "ComponentLossCharts.h"
#include "QCustomPlotHeader.h"
#include "train/TrainingHistory.h"

namespace longmim::studio {

ComponentCurvesView::ComponentCurvesView(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)) {
  plot_->setObjectName(QStringLiteral("componentPlot"));
  // As in the live plot: thousands of logged batches per panel are drawn as fast polylines.
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  charts_ = std::make_unique<ComponentLossCharts>(plot_, LossChartStyle::forDpi(logicalDpiX()));
  plot_->replot();
}

ComponentCurvesView::~ComponentCurvesView() = default;

void ComponentCurvesView::setSource(const TrainingHistory* history) {
  history_ = history;
  sourceChanged();
}

void ComponentCurvesView::sourceChanged() {
  if (!isVisible()) {
    stale_ = true;  // nobody looks: drawing every component's batches would only cost time
    return;
  }
  redraw();
}

void ComponentCurvesView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_)
    redraw();
}

void ComponentCurvesView::redraw() {
  stale_ = false;
  charts_->update(history_ ? *history_ : TrainingHistory{});
  // One pixel wide, as in the live plot: Qt strokes a wider translucent polyline as one
  // self-overlapping shape, ~30 ms per panel of 10k noisy batches; at one pixel it is fast.
  for (int i = 0; i < charts_->panelCount(); ++i) {
    QPen pen = charts_->trainStepsGraph(i)->pen();
    pen.setWidthF(1.0);
    charts_->trainStepsGraph(i)->setPen(pen);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace longmim::studio
