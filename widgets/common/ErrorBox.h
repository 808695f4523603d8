// Shows an error to the user without blocking: the event loop (and any test driving it) goes on
// while the box is open.
#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace longmim::studio {

// Opens a window-modal critical message box named "errorBox" that deletes itself when closed.
QMessageBox* showErrorBox(QWidget* parent, const QString& title, const QString& message);

}  // namespace longmim::studio
