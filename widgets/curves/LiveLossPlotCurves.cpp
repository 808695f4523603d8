// Which curve the live plot shows and how it is shown: the curve names it offers (the total, each
// loss component, the validation metrics), the choice of one, smoothing, log scale, the
// learning-rate axis and fitting the view. Members of LiveLossPlot, kept apart from how it draws
// the records (LiveLossPlot.cpp).
#include <QAction>
#include <QSignalBlocker>

#include "QCustomPlotHeader.h"

#include <algorithm>
#include <cmath>

#include "LossSeries.h"
#include "curves/CurveControls.h"
#include "curves/CurveValues.h"
#include "curves/EditMarkers.h"
#include "curves/LiveLossCanvas.h"
#include "curves/LiveLossPlot.h"
#include "training/HistoryModel.h"

namespace longmim::studio {

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
  const TrainingHistory& shown = model_->history();
  componentNames_ = lossComponentNames(shown);
  lastComponents_.clear();
  QStringList names{totalCurveName()};
  for (const std::string& name : curveNamesOf(shown))
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
  canvas_->setLogScale(on);
  autoRange_ = true;  // a zoomed linear range means nothing on a log axis
  rebuild();
  replotSoon();
}

bool LiveLossPlot::logScale() const {
  return canvas_->logScale();
}

void LiveLossPlot::setLearningRateVisible(bool on) {
  {
    const QSignalBlocker blocker(learningRateAction_);
    learningRateAction_->setChecked(on);
  }
  canvas_->setLearningRateVisible(on);
  hideHover();
  showPending();
  replotSoon();
}

bool LiveLossPlot::learningRateVisible() const {
  return graph(Curve::LearningRate)->visible();
}

void LiveLossPlot::fit() {
  autoRange_ = true;
  canvas_->fitAxes(editMarkers_->positions());
  replotSoon();
}

}  // namespace longmim::studio
