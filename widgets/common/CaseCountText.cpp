#include "common/CaseCountText.h"

namespace longmim::studio {

QString caseCountText(size_t validCount, size_t invalidCount) {
  if (validCount + invalidCount == 0)
    return QStringLiteral("No cases found");
  // Worded like `longmim data check`, so the studio and the command line read the same.
  return QStringLiteral("%1 valid, %2 invalid %3")
      .arg(validCount)
      .arg(invalidCount)
      .arg(invalidCount == 1 ? QStringLiteral("case") : QStringLiteral("cases"));
}

}  // namespace longmim::studio
