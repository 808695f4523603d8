// The live loss plot's hyperparameter-edit markers: a dashed vertical line per edit with its
// "KEY old -> new" label upright beside it, placed on the epoch axis where the edit took effect.
#pragma once

#include <QStringList>
#include <QVector>

#include <vector>

#include "LossChartStyle.h"
#include "train/TrainingHistory.h"

class QCPAxisRect;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;

namespace longmim::studio {

class EditMarkers {
 public:
  // The items are owned by `plot`.
  EditMarkers(QCustomPlot* plot, QCPAxisRect* rect, const LossChartStyle& style);

  // Adds markers for the edits of `history` not shown yet and places the ones whose position can
  // still move (no logged step at or after them yet).
  void update(const TrainingHistory& history);
  void clear();

  bool empty() const { return markers_.empty(); }
  // Where the lines stand on the epoch axis and their labels, in the order of history.edits.
  QVector<double> positions() const;
  QStringList labels() const;

 private:
  struct Marker {
    QCPItemStraightLine* line = nullptr;
    QCPItemText* label = nullptr;
    bool settled = false;  // a step at or after the edit is drawn: its position is final
  };

  QCustomPlot* plot_;
  QCPAxisRect* rect_;
  const LossChartStyle& style_;
  std::vector<Marker> markers_;
};

}  // namespace longmim::studio
