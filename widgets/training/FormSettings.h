// The hyperparameter form's values kept between sessions of the studio (its QSettings).
#pragma once

#include "config/TrainingConfig.h"

namespace longmim::studio {

// The form as last saved, or `defaultPreset` when nothing was saved or it cannot be read (logged
// as a warning).
longmim::TrainingConfig savedFormConfig(const char* defaultPreset);

void saveFormConfig(const longmim::TrainingConfig& config);

}  // namespace longmim::studio
