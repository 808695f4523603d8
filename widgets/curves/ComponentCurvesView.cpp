#include "curves/ComponentCurvesView.h"

#include <QPen>
#include <QVBoxLayout>

#include "ComponentLossCharts.h"
#include "QCustomPlotHeader.h"
#include "train/TrainingHistory.h"
#include "training/HistoryModel.h"

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

void ComponentCurvesView::setModel(const HistoryModel* model) {
  if (model_)
    disconnect(model_, nullptr, this, nullptr);
  model_ = model;
  if (model_) {
    connect(model_, &HistoryModel::historyReset, this, &ComponentCurvesView::modelChanged);
    connect(model_, &HistoryModel::epochAppended, this, &ComponentCurvesView::modelChanged);
  }
  modelChanged();
}

void ComponentCurvesView::modelChanged() {
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
  charts_->update(model_ ? model_->history() : TrainingHistory{});
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
