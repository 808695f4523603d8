// The lines of text the comparison viewer shows about a pair: its prediction's metrics and the
// dates of its two X-rays.
#pragma once

#include <QString>

#include "infer/Predictor.h"
#include "io/RadiographIO.h"

namespace longmim::studio {

// "Prediction vs ground truth: L1 ... (0.62x zeros) · L2 ... · SSIM ... · r ... · AUC ..."
QString pairMetricsText(const longmim::PairMetrics& metrics);

// "Baseline 2024-01-05 · follow-up 2024-02-11: follow-up 37 days later", with what is known;
// empty when neither file has a date.
QString pairDatesText(const longmim::RadiographInfo& baseline,
                      const longmim::RadiographInfo& followup);

}  // namespace longmim::studio
