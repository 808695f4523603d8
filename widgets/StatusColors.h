// The colours that mark a case or a problem as valid, warning or error, shared by every table so
// that one look means one thing everywhere.
#pragma once

#include <QColor>

namespace longmim::studio {

// Text colours chosen to stay readable on the light default palette.
inline QColor validColor() {
  return QColor(0x2e, 0x7d, 0x32);  // green
}
inline QColor warningColor() {
  return QColor(0xb2, 0x6a, 0x00);  // amber, dark enough for text
}
inline QColor errorColor() {
  return QColor(0xc6, 0x28, 0x28);  // red
}

}  // namespace longmim::studio
