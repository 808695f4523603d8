// The run folder's loss plots, loss_curves.png and detailed_loss_curves.png, drawn off-screen so
// the command line makes them without a display (QT_QPA_PLATFORM=offscreen) as well as the studio.
#pragma once

#include <QImage>
#include <QSize>
#include <QString>

#include "LossSeries.h"
#include "TotalLossChart.h"
#include "train/TrainingHistory.h"

namespace longmim::studio {

inline constexpr double kLossPlotDpi = 150.0;

// 14 x 5 in at 150 dpi: 2100 x 750 px, as the reference wrote it.
QSize lossCurvesPixelSize();
// 5 x 3.6 in per panel in a grid of ComponentLossCharts::columnsFor(count) columns, plus 0.8 in
// for the title and legend; the placeholder panel when `componentCount` is 0.
QSize detailedLossCurvesPixelSize(int componentCount);

// The figures as images (PNG-ready, 150 dpi in their metadata), without touching the disk.
// Both need a QApplication and must run on its thread (the charts are QCustomPlot widgets);
// they throw longmim::Error otherwise.
QImage renderLossCurves(const TrainingHistory& history, const LossPlotCaption& caption,
                        LossAxisScale yScale = LossAxisScale::Linear);
QImage renderDetailedLossCurves(const TrainingHistory& history,
                                LossAxisScale yScale = LossAxisScale::Linear);

// Write the figures as PNG atomically: a failed write throws longmim::Error naming `path` and
// leaves any file already there untouched.
void writeLossCurves(const TrainingHistory& history, const LossPlotCaption& caption,
                     const QString& path, LossAxisScale yScale = LossAxisScale::Linear);
void writeDetailedLossCurves(const TrainingHistory& history, const QString& path,
                             LossAxisScale yScale = LossAxisScale::Linear);

}  // namespace longmim::studio
