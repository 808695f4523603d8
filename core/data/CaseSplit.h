// The deterministic train / validation split by subject (never by pair).
#pragma once

#include <vector>

#include "data/PairIndex.h"

namespace longmim {

struct CaseSplit {
  std::vector<size_t> train;  // indices into the given cases, ascending
  std::vector<size_t> val;
};

// Shuffles the distinct subjects with `seed` and holds out round(valFraction x subjects) of them
// (at least one and never all when valFraction > 0 and there are two or more subjects). All pairs
// of a subject land on the same side.
CaseSplit splitBySubject(const std::vector<CaseEntry>& cases, double valFraction, int seed);

// The cases a viewer steps through for a run with this split: its validation cases (what the
// model never trained on), or every case when there is no validation set.
std::vector<CaseEntry> casesToInspect(const std::vector<CaseEntry>& cases, double valFraction,
                                      int seed);

}  // namespace longmim
