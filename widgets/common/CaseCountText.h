// The one wording of a dataset's case counts ("12 valid, 2 invalid cases"), used by the status bar,
// the dataset panel and the data-check dialog.
#pragma once

#include <QString>

#include <cstddef>

namespace longmim::studio {

// "12 valid, 2 invalid cases", "3 valid, 1 invalid case"; "No cases found" when both are zero.
QString caseCountText(size_t validCount, size_t invalidCount);

}  // namespace longmim::studio
