#include "common/CollapsibleSection.h"

#include <QPalette>
#include <QToolButton>
#include <QVBoxLayout>

#include "common/StatusColors.h"

namespace longmim::studio {

CollapsibleSection::CollapsibleSection(const QString& title, QWidget* parent)
    : QWidget(parent), title_(title) {
  header_ = new QToolButton(this);
  header_->setObjectName(QStringLiteral("sectionHeader"));
  header_->setCheckable(true);
  header_->setChecked(true);
  header_->setAutoRaise(true);
  header_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  header_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  QFont bold = header_->font();
  bold.setBold(true);
  header_->setFont(bold);

  body_ = new QWidget(this);
  body_->setObjectName(QStringLiteral("sectionBody"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(header_);
  layout->addWidget(body_);
  connect(header_, &QToolButton::toggled, this, [this](bool expanded) {
    body_->setVisible(expanded);
    updateHeader();
  });
  updateHeader();
}

bool CollapsibleSection::isExpanded() const {
  return header_->isChecked();
}

void CollapsibleSection::setExpanded(bool expanded) {
  header_->setChecked(expanded);
}

void CollapsibleSection::setProblemCount(int count) {
  const bool firstProblem = problemCount_ == 0 && count > 0;
  problemCount_ = count;
  if (firstProblem)
    setExpanded(true);
  updateHeader();
}

void CollapsibleSection::updateHeader() {
  header_->setArrowType(isExpanded() ? Qt::DownArrow : Qt::RightArrow);
  if (problemCount_ == 0) {
    header_->setText(title_);
  } else {
    header_->setText(problemCount_ == 1 ? tr("%1 — 1 problem").arg(title_)
                                        : tr("%1 — %2 problems").arg(title_).arg(problemCount_));
  }
  QPalette palette = header_->palette();
  palette.setColor(QPalette::ButtonText,
                   problemCount_ == 0 ? QPalette().color(QPalette::ButtonText) : errorColor());
  header_->setPalette(palette);
}

}  // namespace longmim::studio
