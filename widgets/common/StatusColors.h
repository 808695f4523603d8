// The colours that mark a case or a problem as valid, warning or error, shared by every table so
// that one look means one thing everywhere.
#pragma once

#include <QColor>
#include <QLabel>
#include <QString>

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

// Shows `text` in `label`, in the error colour or the label's parent's normal text colour.
inline void showStatusText(QLabel* label, const QString& text, bool isError) {
  QPalette palette = label->palette();
  const QWidget* parent = label->parentWidget();
  palette.setColor(
      QPalette::WindowText,
      isError ? errorColor() : (parent ? parent->palette() : palette).color(QPalette::WindowText));
  label->setPalette(palette);
  label->setText(text);
}

}  // namespace longmim::studio
