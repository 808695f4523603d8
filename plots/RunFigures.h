// The two figures of a run, built in one place: loss_curves.png (with the caption about the run)
// and detailed_loss_curves.png. `longmim train` writes them after each epoch, `longmim plot` and
// the studio's figure writer redraw them from a run folder, the live plot exports them.
#pragma once

#include <QString>

#include <string>

#include "LossSeries.h"
#include "TotalLossChart.h"
#include "config/TrainingConfig.h"
#include "train/TrainingHistory.h"

namespace longmim::studio {

extern const char* const kLossCurvesFile;          // "loss_curves.png"
extern const char* const kDetailedLossCurvesFile;  // "detailed_loss_curves.png"

// The caption of a run's figures from its settings (the terms named as the loss composer names
// them) and its name.
LossPlotCaption runCaption(const TrainingConfig& config, const std::string& runName);

// The caption `longmim train` gives the run's figures, read from its training_params.json.
// Throws longmim::DataError naming the file when it is missing or unreadable.
LossPlotCaption runCaption(const QString& runDir);

// Writes both figures of `history` into `dir` (atomically; existing files stay intact on
// failure). Needs a QApplication on this thread. Throws longmim::Error naming the file at fault.
void writeRunFigures(const TrainingHistory& history, const LossPlotCaption& caption,
                     const QString& dir, LossAxisScale yScale = LossAxisScale::Linear);
// The same from a run folder: its history and caption from training_params.json.
void writeRunFigures(const QString& runDir, LossAxisScale yScale = LossAxisScale::Linear);

}  // namespace longmim::studio
