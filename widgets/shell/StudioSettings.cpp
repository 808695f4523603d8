#include "shell/StudioSettings.h"

namespace longmim::studio {

QSettings studioSettings() {
  return QSettings(QStringLiteral("longmim"), QStringLiteral("studio"));
}

}  // namespace longmim::studio
