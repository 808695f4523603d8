// One panel per loss component (L1, L1_masked, L2, SSIM, perceptual, style, Fourier, GAN, ...)
// drawn into a QCustomPlot as a grid: train and validation per epoch plus the logged batches.
// detailed_loss_curves.png and the studio's live view both use it.
#pragma once

#include <string>
#include <vector>

#include "LossChartStyle.h"
#include "train/TrainingHistory.h"

class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPLayoutGrid;
class QCPLegend;
class QCPMarginGroup;
class QCustomPlot;

namespace longmim::studio {

class ComponentLossCharts {
 public:
  // Replaces the plot's layout and plottables with this chart's. `plot` must outlive the chart.
  explicit ComponentLossCharts(QCustomPlot* plot, LossChartStyle style = {});

  // Off: update() keeps the axis ranges (a user zoomed in the live view).
  void setAutoRange(bool on) { autoRange_ = on; }

  // Shows `history`; panels are rebuilt when the set of components changes. Does not replot.
  void update(const TrainingHistory& history);

  // Panels in a grid of this many columns; one placeholder panel when there is no component.
  static int columnsFor(int panelCount);

  const std::vector<std::string>& componentNames() const { return names_; }
  int panelCount() const { return int(names_.size()); }
  QCPAxisRect* panel(int index) const { return panels_.at(index).rect; }
  QCPGraph* trainGraph(int index) const { return panels_.at(index).train; }
  QCPGraph* validationGraph(int index) const { return panels_.at(index).validation; }
  QCPGraph* trainStepsGraph(int index) const { return panels_.at(index).steps; }
  bool showsNoData() const;

 private:
  struct Panel {
    QCPAxisRect* rect = nullptr;
    QCPGraph* train = nullptr;
    QCPGraph* validation = nullptr;
    QCPGraph* steps = nullptr;
    QCPItemText* noData = nullptr;
  };

  void rebuild(const std::vector<std::string>& names);
  Panel addPanel(QCPLayoutGrid* grid, int row, int column, const QString& title);
  void fill(const Panel& panel, const TrainingHistory& history, const std::string& name);
  void fitRanges(const Panel& panel);
  void updateLegend();

  QCustomPlot* plot_;
  LossChartStyle style_;
  bool autoRange_ = true;
  bool built_ = false;
  std::vector<std::string> names_;
  std::vector<Panel> panels_;
  Panel placeholder_;
  QCPMarginGroup* margins_ = nullptr;
  QCPLegend* legend_ = nullptr;
};

}  // namespace longmim::studio
