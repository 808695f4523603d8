// The total loss of a run drawn into a QCustomPlot: train and validation per epoch, the logged
// batches as a faint line, the best epoch, hyperparameter edits and a summary box, beside the same
// curves on separate y-axes. loss_curves.png and the studio's live view both use it.
#pragma once

#include <QString>

#include <string>
#include <vector>

#include "LossChartStyle.h"
#include "train/TrainingHistory.h"

class QCPAbstractItem;
class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPLayoutGrid;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;

namespace longmim::studio {

// What the figure's title says about the run.
struct LossPlotCaption {
  double maxLearningRate = 0.0;
  int batchSize = 0;
  int accumulation = 1;                   // batches per optimizer step (UPDATE_EVERY_BATCHES)
  std::vector<std::string> enabledTerms;  // "L1", "L2", "SSIM", ...
  std::string runName;

  QString title() const;
  QString subtitle() const;
};

class TotalLossChart {
 public:
  // Graph indices in the plot, stable across update() calls.
  enum Graph : int {
    Train = 0,               // per epoch, blue
    Validation,              // per epoch, red; empty when there is no validation set
    TrainSteps,              // logged batches, faint blue
    BestValidation,          // one star at the best epoch
    TrainSeparateAxis,       // right panel, left y-axis
    ValidationSeparateAxis,  // right panel, right y-axis
    EditLegendEntry,         // no data: stands for the dashed edit markers in the legend
  };

  // Replaces the plot's layout and plottables with this chart's. `plot` must outlive the chart.
  explicit TotalLossChart(QCustomPlot* plot, LossChartStyle style = {});

  // Title rows above both panels; an empty caption removes nothing already shown.
  void setCaption(const LossPlotCaption& caption);
  // Off: update() keeps the axis ranges (a user zoomed in the live view).
  void setAutoRange(bool on) { autoRange_ = on; }

  // Shows `history`: replaces every series, marker and the summary box. Does not replot.
  void update(const TrainingHistory& history);

  QCPGraph* graph(Graph which) const;
  QCPAxisRect* lossRect() const { return lossRect_; }
  QCPAxisRect* separateAxesRect() const { return separateRect_; }
  QString summaryText() const;  // empty when the box is hidden
  bool showsNoData() const;
  int editMarkerCount() const { return int(editItems_.size() / 2); }

 private:
  void buildLayout();
  void buildGraphs();
  void showSeries(Graph which, const LossSeries& series);
  void updateBest(const TrainingHistory& history);
  void updateLegends();
  void updateSummary(const TrainingHistory& history);
  void updateEdits(const TrainingHistory& history);
  void updateRanges(const TrainingHistory& history);

  QCustomPlot* plot_;
  LossChartStyle style_;
  bool autoRange_ = true;
  QCPLayoutGrid* panels_ = nullptr;
  QCPTextElement* title_ = nullptr;
  QCPTextElement* subtitle_ = nullptr;
  QCPAxisRect* lossRect_ = nullptr;
  QCPAxisRect* separateRect_ = nullptr;
  QCPLegend* lossLegend_ = nullptr;
  QCPLegend* separateLegend_ = nullptr;
  QCPItemText* summary_ = nullptr;
  QCPItemText* noDataLoss_ = nullptr;
  QCPItemText* noDataSeparate_ = nullptr;
  std::vector<QCPAbstractItem*> editItems_;  // a line and a label per edit, owned by the plot
};

}  // namespace longmim::studio
