// A dataset folder made ready for training: validated, invalid cases skipped, split, wrapped as
// datasets.
#pragma once

#include <memory>
#include <string>

#include "config/TrainingConfig.h"
#include "data/CaseSplit.h"
#include "data/PairDataset.h"
#include "data/PairIndex.h"

namespace longmim {

struct TrainingData {
  PairIndex index;
  std::vector<CaseEntry> trainCases;
  std::vector<CaseEntry> valCases;
  // Each has its own ImageCache when CACHE_IMAGES is on (caches are keyed by dataset index).
  std::shared_ptr<PairDataset> train;  // augmented as configured
  std::shared_ptr<PairDataset> val;    // deterministic

  // Scans `dataDir`, logs one warning listing the invalid cases it skips, splits the valid ones
  // by subject. Throws DataError when the folder is missing or holds no valid case (the message
  // names the first problems found).
  static TrainingData open(const std::string& dataDir, const TrainingConfig& config);
};

}  // namespace longmim
