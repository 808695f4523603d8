// Where the studio keeps what it remembers between sessions: QSettings("longmim", "studio").
#pragma once

#include <QSettings>

namespace longmim::studio {

// A fresh handle on the studio's settings (returned by value: C++17 elides the copy).
QSettings studioSettings();

}  // namespace longmim::studio
