#include "PlotImageExport.h"

#include <QFileInfo>
#include <QImageWriter>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include "QCustomPlotHeader.h"

#include "Error.h"

namespace longmim::studio {
namespace {

[[noreturn]] void fail(const QString& path, const QString& reason) {
  throw Error(QStringLiteral("cannot write %1: %2").arg(path, reason).toStdString());
}

// Draws the plot with a painter that keeps it vector graphics (no cached pixmaps).
void paintVector(QCustomPlot& plot, QPaintDevice& device, QSize size, const QString& path) {
  QCPPainter painter;
  if (!painter.begin(&device))
    fail(path, QStringLiteral("the plot could not be drawn"));
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  plot.toPainter(&painter, size.width(), size.height());
  painter.end();
}

void writePng(QCustomPlot& plot, QSaveFile& file, QSize size) {
  const QImage image = plot.toPixmap(size.width(), size.height()).toImage();
  if (image.isNull())
    fail(file.fileName(), QStringLiteral("the plot could not be drawn"));
  QImageWriter writer(&file, "png");
  if (!writer.write(image))
    fail(file.fileName(), writer.errorString());
}

void writePdf(QCustomPlot& plot, QSaveFile& file, QSize size) {
  QPdfWriter pdf(&file);
  pdf.setCreator(QStringLiteral("Longitudinal MIM Studio"));
  // One page exactly the plot's size, one point per pixel, as QCustomPlot::savePdf makes it.
  pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
  pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
  pdf.setResolution(72);
  paintVector(plot, pdf, size, file.fileName());
}

void writeSvg(QCustomPlot& plot, QSaveFile& file, QSize size) {
  QSvgGenerator svg;
  svg.setOutputDevice(&file);
  svg.setSize(size);
  svg.setViewBox(QRect(QPoint(0, 0), size));
  svg.setTitle(QFileInfo(file.fileName()).completeBaseName());
  svg.setDescription(QStringLiteral("Longitudinal MIM Studio loss curves"));
  paintVector(plot, svg, size, file.fileName());
}

}  // namespace

QString plotImageFileFilter() {
  return QStringLiteral("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)");
}

void writePlotImage(QCustomPlot& plot, const QString& path, QSize size) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  using Writer = void (*)(QCustomPlot&, QSaveFile&, QSize);
  Writer write = nullptr;
  if (suffix == QLatin1String("png"))
    write = writePng;
  else if (suffix == QLatin1String("pdf"))
    write = writePdf;
  else if (suffix == QLatin1String("svg"))
    write = writeSvg;
  else
    fail(path, QStringLiteral("unknown image type \"%1\"; use .png, .pdf or .svg").arg(suffix));
  if (size.isEmpty())
    fail(path, QStringLiteral("the plot has no size"));

  QSaveFile file(path);  // a temporary file renamed over `path` only on commit()
  if (!file.open(QIODevice::WriteOnly))
    fail(path, file.errorString());
  try {
    write(plot, file, size);
  } catch (...) {
    file.cancelWriting();
    throw;
  }
  if (!file.commit())
    fail(path, file.errorString());
}

}  // namespace longmim::studio
