#include "LossChartStyle.h"

#include <cmath>

#include "QCustomPlotHeader.h"

namespace longmim::studio {
namespace {

const QColor kFrameColor(0x26, 0x26, 0x26);
const QColor kGridColor(0, 0, 0, 38);
const QColor kMutedTextColor(0x70, 0x70, 0x70);
const QColor kEditColor(0x55, 0x55, 0x55);
const QString kStepsLayer = QStringLiteral("steps");  // between the grid and the main curves

QFont withCrispText(QFont font) {
  // Unhinted, greyscale-antialiased text looks the same under xcb and offscreen.
  font.setHintingPreference(QFont::PreferNoHinting);
  font.setStyleStrategy(QFont::PreferAntialias);
  return font;
}

// Long values (e.g. a path) are cut so that the label stays beside its line.
QString shortValue(const std::string& value) {
  const QString text = QString::fromStdString(value);
  return text.size() <= 12 ? text : text.left(11) + QChar(0x2026);
}

}  // namespace

void placeOnEpoch(QCPItemPosition* position, QCPAxisRect* rect, double epoch, double heightRatio) {
  position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  position->setAxisRect(rect);
  position->setTypeX(QCPItemPosition::ptPlotCoords);
  position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  position->setCoords(epoch, heightRatio);
}

QPen LossChartStyle::editLinePen() const {
  return pen(kEditColor, 1.0, Qt::DashLine);
}

void LossChartStyle::styleEditLabel(QCPItemText* label, QCPAxisRect* rect,
                                    const EditRecord& edit) const {
  label->setClipAxisRect(rect);
  label->setLayer(QStringLiteral("legend"));
  label->setPadding(QMargins(px(3), px(1), px(3), px(1)));
  label->setFont(font(7.5));
  label->setColor(kEditColor);
  label->setBrush(QColor(255, 255, 255, 200));
  label->setText(
      QStringLiteral("%1=%2").arg(QString::fromStdString(edit.key), shortValue(edit.after)));
}

LossSeries seriesShownBy(const QCPGraph* graph) {
  LossSeries series;
  for (const QCPGraphData& point : *graph->data()) {
    series.x.push_back(point.key);
    series.y.push_back(point.value);
  }
  return series;
}

LossChartStyle LossChartStyle::forDpi(double dotsPerInch, LossAxisScale scale) {
  LossChartStyle style;
  style.pixelsPerPoint = dotsPerInch / 72.0;
  style.yScale = scale;
  return style;
}

int LossChartStyle::px(double points) const {
  return std::max(1, int(std::lround(points * pixelsPerPoint)));
}

QFont LossChartStyle::font(double points, bool bold) const {
  QFont f(QStringLiteral("DejaVu Sans"));
  f.setStyleHint(QFont::SansSerif);
  f.setPixelSize(px(points));
  f.setBold(bold);
  return withCrispText(f);
}

QFont LossChartStyle::monospaceFont(double points) const {
  QFont f(QStringLiteral("DejaVu Sans Mono"));
  f.setStyleHint(QFont::Monospace);
  f.setPixelSize(px(points));
  return withCrispText(f);
}

QPen LossChartStyle::pen(const QColor& color, double points, Qt::PenStyle style) const {
  QPen p(color, points * pixelsPerPoint, style);
  p.setCapStyle(Qt::FlatCap);
  p.setJoinStyle(Qt::RoundJoin);
  return p;
}

void LossChartStyle::resetPlot(QCustomPlot* plot) const {
  plot->clearItems();
  plot->clearPlottables();
  plot->plotLayout()->clear();
  plot->setAutoAddPlottableToLegend(false);
  plot->setBackground(Qt::white);
  if (!plot->layer(kStepsLayer))
    plot->addLayer(kStepsLayer, plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);
}

void LossChartStyle::styleAxisRect(QCPAxisRect* rect, const QString& yLabel) const {
  // Axis rects made after the plot's own go on the current layer ("main"), where their background
  // would cover lower layers' curves; give them the layers QCustomPlot gives its default rect.
  rect->setLayer(QStringLiteral("background"));
  rect->setBackground(Qt::white);
  for (QCPAxis* axis : rect->axes()) {
    axis->setLayer(QStringLiteral("axes"));
    axis->grid()->setLayer(QStringLiteral("grid"));
    axis->setVisible(true);  // all four sides frame the plot area
    axis->setBasePen(pen(kFrameColor, 0.8));
    axis->setTickPen(pen(kFrameColor, 0.8));
    axis->setSubTickPen(pen(kFrameColor, 0.6));
    axis->setTickLength(0, px(3.5));
    axis->setSubTickLength(0, px(2.0));
    axis->setTickLabelFont(font(9));
    axis->setLabelFont(font(10));
    axis->setTickLabelColor(kFrameColor);
    axis->setLabelColor(kFrameColor);
    axis->setTickLabelPadding(px(3));
    axis->setLabelPadding(px(4));
    axis->setPadding(px(2));
    axis->grid()->setPen(pen(kGridColor, 0.6, Qt::DashLine));
    axis->grid()->setSubGridVisible(false);
    axis->grid()->setZeroLinePen(Qt::NoPen);
    const bool framingOnly =
        axis->axisType() == QCPAxis::atTop || axis->axisType() == QCPAxis::atRight;
    axis->grid()->setVisible(!framingOnly);
    axis->setTicks(!framingOnly);
    axis->setTickLabels(!framingOnly);
  }
  QCPAxis* epochAxis = rect->axis(QCPAxis::atBottom);
  QSharedPointer<QCPAxisTickerFixed> epochTicker(new QCPAxisTickerFixed);
  epochTicker->setTickStep(1.0);  // whole epochs; multiples of them for long runs
  epochTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  epochTicker->setTickCount(8);
  epochAxis->setTicker(epochTicker);
  epochAxis->setSubTicks(false);
  epochAxis->setLabel(QStringLiteral("epoch"));
  QCPAxis* valueAxis = rect->axis(QCPAxis::atLeft);
  valueAxis->setLabel(yLabel);
  styleValueAxis(valueAxis);
}

void LossChartStyle::styleValueAxis(QCPAxis* axis) const {
  if (yScale == LossAxisScale::Logarithmic) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
    ticker->setSubTickCount(8);
    axis->setTicker(ticker);
    // Plain decimals (0.03), powers of ten only for tiny values: a range shorter than a decade
    // gets ticks between the powers, which "eb" would round to the same label.
    axis->setNumberFormat(QStringLiteral("gb"));
    axis->setNumberPrecision(3);
    axis->setSubTicks(true);
    return;
  }
  axis->setScaleType(QCPAxis::stLinear);
  QSharedPointer<QCPAxisTicker> ticker(new QCPAxisTicker);
  ticker->setTickCount(6);
  axis->setTicker(ticker);
  axis->setNumberFormat(QStringLiteral("g"));
  axis->setNumberPrecision(4);
  axis->setSubTicks(false);
}

QCPLegend* LossChartStyle::makeLegendRow(QCPLayoutGrid* grid, int row, int column) const {
  // Empty stretching columns either side keep the legend at its natural width, centred.
  auto* centring = new QCPLayoutGrid;
  grid->addElement(row, column, centring);
  centring->expandTo(1, 3);
  auto* legend = new QCPLegend;
  centring->addElement(0, 1, legend);
  centring->setColumnStretchFactor(1, 0.001);
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setFont(font(8.5));
  legend->setTextColor(kFrameColor);
  legend->setIconSize(px(22), px(9));
  legend->setIconTextPadding(px(5));
  legend->setColumnSpacing(px(14));
  legend->setMargins(QMargins(px(4), px(1), px(4), px(3)));
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  return legend;
}

void LossChartStyle::styleEpochGraph(QCPGraph* graph, const QColor& color) const {
  graph->setPen(pen(color, 1.6));
  graph->setLineStyle(QCPGraph::lsLine);
  graph->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssDisc, pen(color, 1.0), QBrush(color), px(5.0)));
  graph->setAntialiased(true);
  graph->setAntialiasedScatters(true);
}

void LossChartStyle::styleValidationGraph(QCPGraph* graph) const {
  styleEpochGraph(graph, validationLossColor());
  graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, pen(validationLossColor(), 1.0),
                                         QBrush(validationLossColor()), px(4.5)));
}

void LossChartStyle::styleStepGraph(QCPGraph* graph, const QColor& color) const {
  QColor faint = color;
  faint.setAlpha(90);
  graph->setPen(pen(faint, 0.8));
  graph->setLineStyle(QCPGraph::lsLine);
  graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssNone));
  graph->setAntialiased(true);
  graph->setLayer(kStepsLayer);
}

QCPTextElement* LossChartStyle::makeTitle(QCustomPlot* plot, const QString& text, double points,
                                          bool bold) const {
  auto* title = new QCPTextElement(plot, text, font(points, bold));
  title->setTextColor(kFrameColor);
  title->setMargins(QMargins(px(4), px(2), px(4), px(2)));
  return title;
}

QCPItemText* LossChartStyle::makeNoDataText(QCustomPlot* plot, QCPAxisRect* rect) const {
  auto* text = new QCPItemText(plot);
  text->setClipAxisRect(rect);
  text->setClipToAxisRect(true);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setAxisRect(rect);
  text->position->setCoords(0.5, 0.5);
  text->setPositionAlignment(Qt::AlignCenter);
  text->setText(QStringLiteral("no data yet"));
  text->setFont(font(12));
  text->setColor(kMutedTextColor);
  text->setVisible(false);
  return text;
}

QCPScatterStyle LossChartStyle::bestEpochMarker() const {
  QPainterPath star;
  constexpr double kPi = 3.14159265358979323846;
  for (int i = 0; i < 10; ++i) {
    const double radius = i % 2 == 0 ? 3.0 : 1.25;  // a custom shape spans 6 units at size 6
    const double angle = -kPi / 2.0 + i * kPi / 5.0;
    const QPointF point(radius * std::cos(angle), radius * std::sin(angle));
    if (i == 0)
      star.moveTo(point);
    else
      star.lineTo(point);
  }
  star.closeSubpath();
  const double size = px(15);
  QPen edge = pen(QColor(0x33, 0x33, 0x33), 0.7);
  edge.setWidthF(edge.widthF() * 6.0 / size);  // the shape, pen included, is scaled by size / 6
  edge.setJoinStyle(Qt::MiterJoin);
  return QCPScatterStyle(star, edge, QBrush(QColor(0xff, 0xc1, 0x07)), size);
}

}  // namespace longmim::studio
