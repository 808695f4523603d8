// The right-click menu of one run in the runs panel: Open, Compare, then Resume from / Show
// predictions with / Evaluate, each listing the run's checkpoints newest first, and Open folder.
#pragma once

#include <QString>

#include <functional>

#include "train/RunCatalog.h"

class QMenu;
class QWidget;

namespace longmim::studio {

// What each entry does; the menu only decides which entries exist and which are enabled.
struct RunMenuActions {
  std::function<void()> open;
  std::function<void()> compare;
  std::function<void()> openFolder;
  std::function<void(const QString& checkpoint)> resume;
  std::function<void(const QString& checkpoint)> showPredictions;
  std::function<void(const QString& checkpoint)> evaluate;
};

struct RunMenuState {
  bool readable = true;     // its parameters could be read
  bool training = false;    // a trainer is writing the folder: no second one may resume it
  bool canCompare = false;  // exactly two runs are selected
};

// A menu (deleted when closed) for `run`, parented to `parent`.
QMenu* makeRunMenu(QWidget* parent, const RunSummary& run, const RunMenuState& state,
                   const RunMenuActions& actions);

// "Best (epoch 7)", "Interrupted", "Epoch 3".
QString checkpointLabel(const RunCheckpoint& checkpoint);

}  // namespace longmim::studio
