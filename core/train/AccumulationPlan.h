// Gradient accumulation over UPDATE_EVERY_BATCHES batches, with a final, smaller group on the
// epoch's remainder.
#pragma once

#include <algorithm>

namespace longmim {

struct AccumulationPlan {
  int every = 1;    // UPDATE_EVERY_BATCHES
  int batches = 0;  // batches in the epoch

  // Batches in the group that batch `b` (0-based) belongs to. Each batch's loss is divided by it,
  // so a group's summed gradient is the mean over its batches -- k batches of size s give the
  // gradient of one batch of size k x s.
  int groupSize(int b) const { return std::min(every, batches - (b / every) * every); }
  // True when the optimizer steps after batch `b`.
  bool endsGroup(int b) const { return (b + 1) % every == 0 || b + 1 == batches; }
  // Optimizer steps per epoch: ceil(batches / every).
  int stepsPerEpoch() const { return (batches + every - 1) / every; }
  // The first batch of the group holding `b`.
  int groupStart(int b) const { return (b / every) * every; }
};

}  // namespace longmim
