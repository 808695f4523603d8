// `longmim plot RUN_DIR`: draws a run folder's loss_curves.png and detailed_loss_curves.png again
// from its training_params.json (e.g. with a logarithmic axis, or for a run the studio trained).
#pragma once

#include <QStringList>

namespace longmim::cli {

int plot(const QStringList& arguments);

}  // namespace longmim::cli
