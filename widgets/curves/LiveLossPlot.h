// The studio's live loss curves: one curve (the total or a loss component) of a training run as it
// trains -- logged batches raw and smoothed, train and validation per epoch, learning rate, best
// epoch, hyperparameter edits, another run for comparison -- with zoom, hover read-out and exports.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "LossChartStyle.h"
#include "TotalLossChart.h"
#include "curves/CurveSmoothing.h"
#include "curves/CurveValues.h"
#include "curves/LiveLossCanvas.h"
#include "train/TrainingHistory.h"

class QAction;
class QCPAxisRect;
class QCPGraph;
class QCustomPlot;
class QMouseEvent;
class QTimer;

namespace longmim::studio {
class CurveControls;
class EditMarkers;
class HistoryModel;
class LossPlotExports;
class LossPlotHover;
}  // namespace longmim::studio

namespace longmim::studio {

class LiveLossPlot : public QWidget {
  Q_OBJECT

 public:
  // The graphs the plot holds, each one QCPGraph (LiveLossCanvas.h).
  using Curve = LossCurve;
  static constexpr int kCurveCount = kLossCurveCount;

  // The name of the weighted total in curveNames(); the other names are loss components.
  static QString totalCurveName();

  explicit LiveLossPlot(QWidget* parent = nullptr);
  ~LiveLossPlot() override;

  // What the plot draws: the studio's one history (the session's), followed through its
  // signals; the plot keeps no copy. Until set, the plot draws a model of its own, which the
  // functions below feed (for a plot on its own, as in tests). `model` must outlive the plot.
  void setModel(HistoryModel* model);
  HistoryModel* model() const { return model_; }

  // The functions below change the model; what they append is drawn at the next refresh tick
  // (refreshInterval()), which replots once for everything appended since the last one.
  void appendStep(const StepRecord& step);
  // `bestEpoch`: the best epoch so far (0: none yet), as the trainer reports it with the epoch.
  void appendEpoch(const EpochRecord& epoch, int bestEpoch);
  void appendEdit(const EditRecord& edit);

  // Replaces everything with `history` (a finished run opened, a run resumed) and shows it now.
  void setHistory(const TrainingHistory& history);
  // Forgets the run; the comparison run and the caption stay. Auto-ranging comes back on.
  void clear();
  // Everything appended so far, including what the next tick has yet to draw.
  const TrainingHistory& history() const;

  // Overlays another run's per-epoch train and validation values of the selected curve, dashed,
  // with `label` in their legend entries and read-out.
  void setComparison(const TrainingHistory& other, const QString& label);
  void clearComparison();
  bool hasComparison() const;
  QString comparisonLabel() const;

  // Title rows above the plot; exportRunFigures() puts the same caption on loss_curves.png.
  void setCaption(const LossPlotCaption& caption);
  const LossPlotCaption& caption() const;

  // totalCurveName() and every loss component seen so far, in the order they appeared.
  QStringList curveNames() const;
  // Shows `name` (one of curveNames()); returns false, changing nothing, for an unknown name.
  bool setCurve(const QString& name);
  QString curve() const { return curve_; }

  // Weight of the exponential moving average in [0, 0.99] (TensorBoard's smoothing slider).
  void setSmoothing(double weight);
  double smoothing() const { return smoothing_.weight(); }

  // Logarithmic loss axis; points <= 0 are then left out. The learning-rate axis stays linear.
  void setLogScale(bool on);
  bool logScale() const;

  void setLearningRateVisible(bool on);
  bool learningRateVisible() const;

  // Fits the axes to everything shown and follows new data again after the user zoomed or panned.
  void fit();
  // False while the user's zoom or pan holds the view (appends do not move it).
  bool autoRange() const { return autoRange_; }

  // How often appended records are drawn, in milliseconds.
  void setRefreshInterval(int milliseconds);
  int refreshInterval() const;
  // Draws what has been appended now, without waiting for the tick.
  void refresh();

  // Exports throw longmim::Error naming the file they could not write; a file already there is
  // then left untouched.
  // The plot as shown, at its size on screen (1200 x 675 before it was laid out), by suffix:
  // .png, .pdf or .svg.
  void exportImage(const QString& path);
  // The run's logged steps and epochs in metrics.csv's layout (see LossCsvExport.h).
  void exportCsv(const QString& path) const;
  // loss_curves.png and detailed_loss_curves.png in `dir`, drawn by writeLossCurves and
  // writeDetailedLossCurves with this plot's caption, as the command line draws them.
  void exportRunFigures(const QString& dir) const;

  // For tests and the studio's wiring.
  QCustomPlot* plot() const { return plot_; }
  QCPAxisRect* axisRect() const { return rect_; }
  QCPGraph* graph(Curve curve) const;
  int pointCount(Curve curve) const;
  // Where the dashed edit markers stand on the epoch axis, in the order of history().edits.
  QVector<double> editMarkerPositions() const;
  QStringList editMarkerLabels() const;
  // What the hover read-out says about the point nearest the mouse; empty when none is near.
  QString hoverText() const;
  QAction* fitAction() const { return fitAction_; }
  QAction* logScaleAction() const { return logScaleAction_; }
  QAction* learningRateAction() const { return learningRateAction_; }
  QAction* exportImageAction() const;
  QAction* exportCsvAction() const;
  QAction* exportRunFiguresAction() const;

 Q_SIGNALS:
  void curveChanged(const QString& name);
  // A file written from the export actions (not from the export functions called directly).
  void exported(const QString& path);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void createControls();
  void createPlot();
  void createActions();

  void onHistoryReset();
  void onComparisonChanged();
  void onCaptionChanged();
  void scheduleRefresh();
  void onRefreshTick();
  void replotSoon();
  // Adds the records appended since the last call to the graphs.
  void showPending();
  // Empties the run's graphs and shows the whole history again (curve, scale or smoothing
  // changed, or a new history).
  void rebuild();
  void showStep(int index);
  void showEpoch(int index);
  void updateBestMarker();
  void updateComparison();
  void updateAxisLabels();
  void noteComponents(const ComponentValues& components);
  void noteMetrics(const EpochRecord& epoch);  // adds the validation-metric curves once
  void resetCurveNames();

  void onCurveChosen(const QString& name);
  void onMouseMove(QMouseEvent* event);
  void showHoverAt(const QPointF& pixel);
  void hideHover();
  QString describePoint(Curve curve, int source) const;

  LiveLossCanvas* canvas_ = nullptr;
  QCustomPlot* plot_ = nullptr;  // the canvas' plot and axis rect
  QCPAxisRect* rect_ = nullptr;
  std::unique_ptr<LossPlotHover> hover_;
  std::unique_ptr<EditMarkers> editMarkers_;

  CurveControls* controls_ = nullptr;
  QAction* fitAction_ = nullptr;
  QAction* logScaleAction_ = nullptr;
  QAction* learningRateAction_ = nullptr;
  LossPlotExports* exports_ = nullptr;
  QTimer* refreshTimer_ = nullptr;

  HistoryModel* ownModel_ = nullptr;  // drawn until setModel()
  HistoryModel* model_ = nullptr;
  QString curve_;
  CurveValues values_;                       // what curve_ reads from each record
  std::vector<std::string> componentNames_;  // loss components; the metric curves follow them
  ComponentValues lastComponents_;  // the last record's components: most records repeat them
  CurveSmoothing smoothing_;
  std::vector<double> smoothedByStep_;  // NaN where a step has no value of the curve
  size_t shownSteps_ = 0;
  size_t shownEpochs_ = 0;
  bool autoRange_ = true;
  bool replotWhenShown_ = false;
};

}  // namespace longmim::studio
