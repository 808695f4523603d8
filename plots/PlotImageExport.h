// Saves what a QCustomPlot shows as a PNG, PDF or SVG file chosen by the file's suffix; the PDF
// and SVG stay vector graphics, for papers and slides.
#pragma once

#include <QSize>
#include <QString>

class QCustomPlot;

namespace longmim::studio {

// "PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)", for a file dialog.
QString plotImageFileFilter();

// Draws `plot` at `size` pixels (points in a PDF) into `path`, atomically. Throws longmim::Error
// naming `path` when the suffix is none of .png, .pdf, .svg or when the file cannot be written;
// a file already at `path` is then left untouched. Must run on the GUI thread.
void writePlotImage(QCustomPlot& plot, const QString& path, QSize size);

}  // namespace longmim::studio
