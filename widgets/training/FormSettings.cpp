#include "training/FormSettings.h"

#include <QSettings>
#include <QString>

#include <exception>
#include <string>

#include "Log.h"
#include "config/ConfigJson.h"
#include "config/Presets.h"
#include "shell/StudioSettings.h"

namespace longmim::studio {
namespace {

const QString kParamsKey = QStringLiteral("training/params");

}  // namespace

longmim::TrainingConfig savedFormConfig(const char* defaultPreset) {
  const QString saved = studioSettings().value(kParamsKey).toString();
  if (saved.isEmpty())
    return longmim::presetConfig(defaultPreset);
  try {
    longmim::TrainingConfig restored;
    longmim::applyConfigJson(restored, nlohmann::json::parse(saved.toStdString()),
                             "saved settings");
    return restored;
  } catch (const std::exception& e) {
    longmim::logWarning(std::string("the saved hyperparameters could not be restored (") +
                        e.what() + "); showing the " + defaultPreset + " preset");
    return longmim::presetConfig(defaultPreset);
  }
}

void saveFormConfig(const longmim::TrainingConfig& config) {
  studioSettings().setValue(kParamsKey,
                            QString::fromStdString(longmim::configToJson(config).dump()));
}

}  // namespace longmim::studio
