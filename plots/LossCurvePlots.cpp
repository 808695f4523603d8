#include "LossCurvePlots.h"

#include <QApplication>
#include <QImageWriter>
#include <QSaveFile>
#include <QThread>

#include "QCustomPlotHeader.h"

#include <cmath>

#include "ComponentLossCharts.h"
#include "Error.h"

namespace longmim::studio {
namespace {

int inches(double value) {
  return int(std::lround(value * kLossPlotDpi));
}

void requireGuiThread(const char* what) {
  const auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
  if (!app)
    throw Error(std::string("cannot draw ") + what + ": no QApplication has been constructed");
  if (QThread::currentThread() != app->thread())
    throw Error(std::string("cannot draw ") + what + ": plots must be drawn on the GUI thread");
}

// Lays the plot out at exactly `size` and paints it into an image of that size.
QImage render(QCustomPlot& plot, QSize size) {
  plot.resize(size);
  plot.setViewport(QRect(QPoint(0, 0), size));
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  {
    QCPPainter painter(&image);
    plot.toPainter(&painter, size.width(), size.height());
  }
  // The resolution goes in only now: painting at the image's default resolution keeps the fonts
  // at the pixel sizes the layout was computed with.
  QImage opaque = image.convertToFormat(QImage::Format_RGB32);
  const int dotsPerMeter = int(std::lround(kLossPlotDpi / 0.0254));
  opaque.setDotsPerMeterX(dotsPerMeter);
  opaque.setDotsPerMeterY(dotsPerMeter);
  return opaque;
}

void writePngAtomically(const QImage& image, const QString& path) {
  const auto fail = [&path](const QString& reason) {
    throw Error(QStringLiteral("cannot write %1: %2").arg(path, reason).toStdString());
  };
  if (image.isNull())
    fail(QStringLiteral("the plot could not be drawn"));
  QSaveFile file(path);  // a temporary file renamed over `path` only on commit()
  if (!file.open(QIODevice::WriteOnly))
    fail(file.errorString());
  QImageWriter writer(&file, "png");
  if (!writer.write(image)) {
    file.cancelWriting();
    fail(writer.errorString());
  }
  if (!file.commit())
    fail(file.errorString());
}

}  // namespace

QSize lossCurvesPixelSize() {
  return QSize(inches(14.0), inches(5.0));
}

QSize detailedLossCurvesPixelSize(int componentCount) {
  const int panels = std::max(1, componentCount);
  const int columns = ComponentLossCharts::columnsFor(panels);
  const int rows = (panels + columns - 1) / columns;
  return QSize(columns * inches(5.0), rows * inches(3.6) + inches(0.8));
}

QImage renderLossCurves(const TrainingHistory& history, const LossPlotCaption& caption,
                        LossAxisScale yScale) {
  requireGuiThread("loss_curves.png");
  QCustomPlot plot;
  TotalLossChart chart(&plot, LossChartStyle::forDpi(kLossPlotDpi, yScale));
  chart.setCaption(caption);
  chart.update(history);
  return render(plot, lossCurvesPixelSize());
}

QImage renderDetailedLossCurves(const TrainingHistory& history, LossAxisScale yScale) {
  requireGuiThread("detailed_loss_curves.png");
  QCustomPlot plot;
  ComponentLossCharts chart(&plot, LossChartStyle::forDpi(kLossPlotDpi, yScale));
  chart.update(history);
  return render(plot, detailedLossCurvesPixelSize(chart.panelCount()));
}

void writeLossCurves(const TrainingHistory& history, const LossPlotCaption& caption,
                     const QString& path, LossAxisScale yScale) {
  writePngAtomically(renderLossCurves(history, caption, yScale), path);
}

void writeDetailedLossCurves(const TrainingHistory& history, const QString& path,
                             LossAxisScale yScale) {
  writePngAtomically(renderDetailedLossCurves(history, yScale), path);
}

}  // namespace longmim::studio
