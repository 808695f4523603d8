// What the live plot tells and writes: the hover read-out of the point nearest the mouse, and
// the exports (image, CSV, the run's two figures). Members of LiveLossPlot, kept apart from how it
// draws (LiveLossPlot.cpp).
#include <QMouseEvent>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "LossCsvExport.h"
#include "PlotImageExport.h"
#include "RunFigures.h"
#include "curves/EditMarkers.h"
#include "curves/LiveLossCanvas.h"
#include "curves/LiveLossPlot.h"
#include "curves/LossPlotExports.h"
#include "curves/LossPlotHover.h"
#include "curves/NearestGraphPoint.h"
#include "training/HistoryModel.h"

namespace longmim::studio {
namespace {

const QSize kDefaultExportSize(1200, 675);  // before the plot was laid out

}  // namespace

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
  const std::optional<GraphPoint> found = nearestGraphPoint(graphs, pixel, canvas_->style().px(14));
  if (!found) {
    hideHover();
    return;
  }
  const Curve nearest =
      candidates[size_t(std::find(graphs.begin(), graphs.end(), found->graph) - graphs.begin())];
  hover_->show(graph(nearest), found->index,
               describePoint(nearest, canvas_->source(nearest, found->index)));
}

void LiveLossPlot::hideHover() {
  hover_->hide();
}

QString LiveLossPlot::hoverText() const {
  return hover_->text();
}

QString LiveLossPlot::describePoint(Curve curve, int source) const {
  const TrainingHistory& shown = model_->history();
  if (curve == Curve::Steps || curve == Curve::SmoothedSteps || curve == Curve::LearningRate) {
    const StepRecord& step = shown.steps[size_t(source)];
    return describeStep(step, curve_, values_.step(step), smoothedByStep_[size_t(source)]);
  }
  const bool compared = curve == Curve::ComparisonTrain || curve == Curve::ComparisonValidation;
  const EpochRecord& epoch = (compared ? model_->comparison() : shown).epochs[size_t(source)];
  return describeEpoch(epoch, curve_, values_,
                       compared ? std::optional<QString>(model_->comparisonLabel()) : std::nullopt,
                       !compared && epoch.epoch == shown.bestEpoch);
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
  writeLossCsv(model_->history(), path);
}

void LiveLossPlot::exportRunFigures(const QString& dir) const {
  writeRunFigures(model_->history(), model_->caption(), dir);
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
