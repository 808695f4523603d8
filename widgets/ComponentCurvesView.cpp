#include "ComponentCurvesView.h"

#include <QVBoxLayout>

#include "ComponentLossCharts.h"
#include "QCustomPlotHeader.h"
#include "train/TrainingHistory.h"

namespace longmim::studio {

ComponentCurvesView::ComponentCurvesView(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)) {
  plot_->setObjectName(QStringLiteral("componentPlot"));
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
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace longmim::studio
