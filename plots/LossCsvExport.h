// The live loss plot's "Export CSV": a run's logged steps and epochs as CSV in the run folder's
// metrics.csv layout, so a spreadsheet or script reads an export and a metrics.csv alike.
#pragma once

#include <QString>

#include <string>

#include "train/TrainingHistory.h"

namespace longmim::studio {

// metrics.csv's header and rows (train/MetricsCsv.h, the same formatter as the run folder's):
// one row per logged step and one per epoch and split, steps before the epoch they belong to.
// Loss components that metrics.csv has no column for get extra columns after its last one, named
// after the component, in the order they first appear; without such components the text equals
// the run folder's metrics.csv.
std::string lossCsvText(const TrainingHistory& history);

// Writes lossCsvText(history) to `path` atomically: a failed write throws longmim::Error naming
// `path` and leaves any file already there untouched.
void writeLossCsv(const TrainingHistory& history, const QString& path);

}  // namespace longmim::studio
