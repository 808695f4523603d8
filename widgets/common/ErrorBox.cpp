#include "common/ErrorBox.h"

#include <QMessageBox>

namespace longmim::studio {

QMessageBox* showErrorBox(QWidget* parent, const QString& title, const QString& message) {
  auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, parent);
  box->setObjectName(QStringLiteral("errorBox"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->open();
  return box;
}

}  // namespace longmim::studio
