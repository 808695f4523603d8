// The live loss plot's hover read-out: a ring on the point nearest the mouse and a label beside
// it, on the plot's overlay layer (the curves beneath are not drawn again), and the text it shows
// for a logged batch or an epoch.
#pragma once

#include <QString>

#include <optional>

#include "LossChartStyle.h"
#include "curves/CurveValues.h"
#include "train/TrainingHistory.h"

class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPItemTracer;
class QCustomPlot;

namespace longmim::studio {

class LossPlotHover {
 public:
  // The items are owned by `plot`.
  LossPlotHover(QCustomPlot* plot, QCPAxisRect* rect, const LossChartStyle& style);

  // Rings point `index` of `graph` and shows `text` beside it, on the side with more room.
  void show(const QCPGraph* graph, int index, const QString& text);
  void hide();
  bool visible() const;
  // What the read-out says now; empty when hidden.
  QString text() const;

  // Hides the read-out while it lives (an image export: the read-out belongs to the mouse, not
  // to the figure) and shows it again after.
  class Suspended {
   public:
    explicit Suspended(LossPlotHover& hover);
    ~Suspended();
    Suspended(const Suspended&) = delete;
    Suspended& operator=(const Suspended&) = delete;

   private:
    LossPlotHover& hover_;
    bool wasVisible_;
  };

 private:
  void setItemsVisible(bool on);

  QCustomPlot* plot_;
  QCPAxisRect* rect_;
  double gap_;
  QCPItemTracer* tracer_ = nullptr;
  QCPItemText* label_ = nullptr;
};

// The read-out of a logged batch: where it is, the curve's raw and smoothed value (NaN: none),
// the learning rate.
QString describeStep(const StepRecord& step, const QString& curveName, std::optional<double> value,
                     double smoothed);
// The read-out of an epoch: of this run (no `comparedRun`; `best` marks the best epoch) or of the
// compared run named `comparedRun`.
QString describeEpoch(const EpochRecord& epoch, const QString& curveName, const CurveValues& values,
                      const std::optional<QString>& comparedRun, bool best);

}  // namespace longmim::studio
