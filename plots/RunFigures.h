// Draws a run folder's loss_curves.png and detailed_loss_curves.png from its training_params.json,
// the same figures `longmim train` writes after each epoch. `longmim plot` and the studio (which
// runs that command in a separate process so the window never waits for the drawing) use it.
#pragma once

#include <QString>

#include "LossSeries.h"
#include "TotalLossChart.h"

namespace longmim::studio {

// The caption `longmim train` gives the run's figures, read from its training_params.json.
// Throws longmim::DataError naming the file when it is missing or unreadable.
LossPlotCaption runCaption(const QString& runDir);

// Writes both figures into `runDir` (atomically; existing files stay intact on failure).
// Needs a QApplication on this thread. Throws longmim::Error naming the file at fault.
void writeRunFigures(const QString& runDir, LossAxisScale yScale = LossAxisScale::Linear);

}  // namespace longmim::studio
