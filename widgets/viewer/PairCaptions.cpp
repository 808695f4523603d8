#include "viewer/PairCaptions.h"

#include <cmath>

namespace longmim::studio {

QString pairMetricsText(const longmim::PairMetrics& m) {
  auto n = [](double v, int digits) {
    return std::isfinite(v) ? QString::number(v, 'f', digits) : QStringLiteral("-");
  };
  QString text = QStringLiteral("Prediction vs ground truth: L1 %1").arg(m.l1, 0, 'g', 4);
  if (m.l1Zeros > 0.0)
    text += QStringLiteral(" (%1x zeros)").arg(n(m.l1 / m.l1Zeros, 2));
  return text + QStringLiteral(" · L2 %1 · SSIM %2 · r %3 · AUC %4")
                    .arg(m.l2, 0, 'g', 4)
                    .arg(n(m.ssim, 3), n(m.pearson, 3), n(m.auc, 3));
}

QString pairDatesText(const longmim::RadiographInfo& baseline,
                      const longmim::RadiographInfo& followup) {
  if (baseline.date.empty() && followup.date.empty())
    return {};
  const QString unknown = QStringLiteral("date unknown");
  QString text = QStringLiteral("Baseline %1 · follow-up %2")
                     .arg(baseline.date.empty() ? unknown : QString::fromStdString(baseline.date),
                          followup.date.empty() ? unknown : QString::fromStdString(followup.date));
  const longmim::StudyInterval interval = longmim::describeInterval(baseline, followup);
  if (!interval.text.empty())
    text += QStringLiteral(": ") + QString::fromStdString(interval.text);
  return text;
}

}  // namespace longmim::studio
