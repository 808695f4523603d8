#include "curves/EditMarkers.h"

#include "LossSeries.h"
#include "QCustomPlotHeader.h"

namespace longmim::studio {

EditMarkers::EditMarkers(QCustomPlot* plot, QCPAxisRect* rect, const LossChartStyle& style)
    : plot_(plot), rect_(rect), style_(style) {}

void EditMarkers::update(const TrainingHistory& history) {
  while (markers_.size() < history.edits.size()) {
    Marker marker;
    marker.line = new QCPItemStraightLine(plot_);
    marker.line->setClipAxisRect(rect_);
    marker.line->setPen(style_.editLinePen());
    marker.label = new QCPItemText(plot_);
    style_.styleEditLabel(marker.label, rect_, history.edits[markers_.size()]);
    // Upright along its line, so edits close together do not print over each other.
    marker.label->setRotation(-90);
    marker.label->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
    markers_.push_back(marker);
  }
  // An edit's place depends on the logged steps around it; once a step at or after it is drawn,
  // later steps cannot move it, so only the newest edits are placed again.
  const int64_t lastStep = history.steps.empty() ? -1 : history.steps.back().optimizerStep;
  for (size_t i = 0; i < markers_.size(); ++i) {
    Marker& marker = markers_[i];
    if (marker.settled)
      continue;
    const EditRecord& edit = history.edits[i];
    const double x = editPosition(history, edit);
    placeOnEpoch(marker.line->point1, rect_, x, 0.0);
    placeOnEpoch(marker.line->point2, rect_, x, 1.0);
    placeOnEpoch(marker.label->position, rect_, x, 0.015);
    marker.settled = lastStep >= edit.optimizerStep;
  }
}

void EditMarkers::clear() {
  for (const Marker& marker : markers_) {
    plot_->removeItem(marker.line);
    plot_->removeItem(marker.label);
  }
  markers_.clear();
}

QVector<double> EditMarkers::positions() const {
  QVector<double> out;
  for (const Marker& marker : markers_)
    out << marker.line->point1->key();
  return out;
}

QStringList EditMarkers::labels() const {
  QStringList out;
  for (const Marker& marker : markers_)
    out << marker.label->text();
  return out;
}

}  // namespace longmim::studio
