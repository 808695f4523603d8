// How the live loss plot draws: the QCustomPlot with its legend row, axis rect and three axes
// (epochs, loss, learning rate), the eight graphs styled as the run figures are, the record each
// point shows (for the read-out), the axes fitted to what is shown, the caption rows and the
// "no data" text. What is drawn -- which records, which curve -- is LiveLossPlot's.
#pragma once

#include <QObject>
#include <QString>
#include <QVector>

#include <array>
#include <vector>

#include "LossChartStyle.h"

class QCPAxis;
class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;
class QWidget;

namespace longmim::studio {

// The graphs of the live plot, each one QCPGraph.
enum class LossCurve {
  Steps,                 // the selected curve per logged batch, faint
  SmoothedSteps,         // the same, smoothed (bold)
  TrainEpochs,           // per epoch, line and markers
  ValidationEpochs,      // per epoch, line and markers
  BestEpoch,             // one star on the validation curve at the best epoch
  LearningRate,          // per logged batch, on the right y-axis
  ComparisonTrain,       // the comparison run per epoch, dashed
  ComparisonValidation,  // the comparison run per epoch, dashed
};
constexpr int kLossCurveCount = 8;

class LiveLossCanvas : public QObject {
  Q_OBJECT

 public:
  // The plot is a child widget of `parent`.
  LiveLossCanvas(QWidget* parent, const LossChartStyle& style);

  QCustomPlot* plot() const { return plot_; }
  QCPAxisRect* rect() const { return rect_; }
  const LossChartStyle& style() const { return style_; }
  QCPGraph* graph(LossCurve curve) const { return series(curve).graph; }
  int pointCount(LossCurve curve) const;

  // Adds a point showing record `source`; a key or value that is not finite, or a value <= 0 on
  // the logarithmic loss axis, is left out. Points may come out of key order.
  void addPoint(LossCurve curve, double key, double value, int source);
  void clear(LossCurve curve);
  // The record point `index` of `curve` shows.
  int source(LossCurve curve, int index) const;

  // The legend lists the visible graphs that have points, then the edit-marker entry.
  void updateLegend(bool editMarkers);
  // Fits the axes to the visible graphs and `keys` (edit markers that must stay on the chart).
  void fitAxes(const QVector<double>& keys);
  void setLossAxisLabel(const QString& label);
  void setLogScale(bool on);
  bool logScale() const { return style_.yScale == LossAxisScale::Logarithmic; }
  void setLearningRateVisible(bool on);
  void setCaption(const QString& title, const QString& subtitle);
  void setNoDataVisible(bool on);

 Q_SIGNALS:
  // The user zoomed or panned (the canvas' own fitting does not count).
  void viewMovedByUser();

 private:
  // The extremes of what a graph holds, kept as points are added so that fitting the axes does
  // not walk 100k points every tick.
  struct Extent {
    bool any = false;
    double keyLow = 0.0;
    double keyHigh = 0.0;
    double valueLow = 0.0;
    double valueHigh = 0.0;
    void include(double key, double value);
    void include(const Extent& other);
  };
  struct Series {
    QCPGraph* graph = nullptr;
    std::vector<int> source;  // per point, the record it shows
    Extent extent;
  };

  void createAxes();
  void createGraphs();
  QCPGraph* addGraph(QCPAxis* valueAxis, const QString& name);
  Series& series(LossCurve curve) { return series_[size_t(curve)]; }
  const Series& series(LossCurve curve) const { return series_[size_t(curve)]; }

  LossChartStyle style_;
  QCustomPlot* plot_ = nullptr;
  QCPAxisRect* rect_ = nullptr;
  QCPLegend* legend_ = nullptr;
  QCPTextElement* title_ = nullptr;
  QCPTextElement* subtitle_ = nullptr;
  QCPItemText* noData_ = nullptr;
  QCPGraph* editLegendEntry_ = nullptr;
  std::array<Series, kLossCurveCount> series_;
  std::vector<QCPGraph*> legendShown_;
  bool settingRange_ = false;  // ranges changed by the canvas itself, not by the user
};

}  // namespace longmim::studio
