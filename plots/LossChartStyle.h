// The look shared by every loss chart -- colours, fonts, line widths, axes, legends -- given in
// points, so one chart reads the same in a 150 dpi PNG and in the studio's live view.
#pragma once

#include <QColor>
#include <QFont>
#include <QPen>
#include <QString>

#include "LossSeries.h"

class QCPAxis;
class QCPScatterStyle;
class QCPAxisRect;
class QCPItemPosition;
class QCPGraph;
class QCPItemText;
class QCPLayoutGrid;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;

namespace longmim::studio {

// Matplotlib's tab:blue and tab:red: the colours the reference's plots used for train and val.
inline QColor trainLossColor() {
  return QColor(0x1f, 0x77, 0xb4);
}
inline QColor validationLossColor() {
  return QColor(0xd6, 0x27, 0x28);
}

// The points a graph holds now, as a series (to fit axis ranges to what is shown).
LossSeries seriesShownBy(const QCPGraph* graph);

// An item position: x in plot coordinates of `rect`'s bottom axis, y as a fraction of its height.
void placeOnEpoch(QCPItemPosition* position, QCPAxisRect* rect, double epoch, double heightRatio);

struct LossChartStyle {
  // Pixels per typographic point: dpi / 72 for a PNG, logicalDpiX() / 72 for a widget on screen.
  // Fonts are set in pixels from it, so the result does not depend on the platform's notion of DPI
  // (xcb and offscreen disagree).
  double pixelsPerPoint = 96.0 / 72.0;
  LossAxisScale yScale = LossAxisScale::Linear;

  static LossChartStyle forDpi(double dotsPerInch, LossAxisScale scale = LossAxisScale::Linear);

  int px(double points) const;
  QFont font(double points, bool bold = false) const;
  QFont monospaceFont(double points) const;
  QPen pen(const QColor& color, double points, Qt::PenStyle style = Qt::SolidLine) const;

  // Empties `plot` (layout, plottables, items) for a chart to build its own; white background.
  void resetPlot(QCustomPlot* plot) const;
  // White background, framed plot area, ticks outside, light dashed grid, "epoch" and `yLabel`.
  void styleAxisRect(QCPAxisRect* rect, const QString& yLabel) const;
  // Linear or logarithmic value axis, following yScale.
  void styleValueAxis(QCPAxis* axis) const;
  // A legend in one row, centred in cell (row, column) of `grid`, above the plot area it explains
  // so that it never hides a curve.
  QCPLegend* makeLegendRow(QCPLayoutGrid* grid, int row, int column) const;
  // Per-epoch line with markers; a faint thin line for logged batches, drawn beneath the others.
  void styleEpochGraph(QCPGraph* graph, const QColor& color) const;
  void styleValidationGraph(QCPGraph* graph) const;  // red, square markers
  void styleStepGraph(QCPGraph* graph, const QColor& color) const;
  // The best epoch's mark: a filled five-pointed star (QCustomPlot's ssStar is outline only).
  QCPScatterStyle bestEpochMarker() const;
  // A hyperparameter edit: its dashed line's pen, and its label "KEY=value" in `rect` (the caller
  // places and aligns it).
  QPen editLinePen() const;
  void styleEditLabel(QCPItemText* label, QCPAxisRect* rect, const EditRecord& edit) const;
  QCPTextElement* makeTitle(QCustomPlot* plot, const QString& text, double points, bool bold) const;
  // A grey "no data yet" in the middle of `rect`, hidden until there is nothing to plot.
  QCPItemText* makeNoDataText(QCustomPlot* plot, QCPAxisRect* rect) const;
};

}  // namespace longmim::studio
