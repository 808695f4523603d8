#include "curves/CurveControls.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>

#include <cmath>

#include "curves/CurveSmoothing.h"

namespace longmim::studio {

CurveControls::CurveControls(double smoothing, const QList<QAction*>& toggles,
                             const QList<QAction*>& exports, QWidget* parent)
    : QWidget(parent) {
  curveBox_ = new QComboBox(this);
  curveBox_->setObjectName(QStringLiteral("curveBox"));
  curveBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  connect(curveBox_, QOverload<int>::of(&QComboBox::currentIndexChanged), this, [this](int index) {
    if (index >= 0)
      Q_EMIT curveChosen(curveBox_->itemText(index));
  });
  auto* curveLabel = new QLabel(tr("&Curve:"), this);
  curveLabel->setBuddy(curveBox_);

  smoothingSlider_ = new QSlider(Qt::Horizontal, this);
  smoothingSlider_->setObjectName(QStringLiteral("smoothingSlider"));
  smoothingSlider_->setRange(0, int(std::lround(CurveSmoothing::kMaxWeight * 100)));
  smoothingSlider_->setMaximumWidth(160);
  smoothingSpin_ = new QDoubleSpinBox(this);
  smoothingSpin_->setObjectName(QStringLiteral("smoothingSpin"));
  smoothingSpin_->setRange(0.0, CurveSmoothing::kMaxWeight);
  smoothingSpin_->setSingleStep(0.01);
  smoothingSpin_->setDecimals(2);
  showSmoothing(smoothing);
  const QString smoothingTip =
      tr("Exponential moving average of the logged batches, as in TensorBoard (0: raw)");
  smoothingSlider_->setToolTip(smoothingTip);
  smoothingSpin_->setToolTip(smoothingTip);
  connect(smoothingSlider_, &QSlider::valueChanged, this,
          [this](int value) { Q_EMIT smoothingChosen(value / 100.0); });
  connect(smoothingSpin_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
          &CurveControls::smoothingChosen);
  auto* smoothingLabel = new QLabel(tr("&Smoothing:"), this);
  smoothingLabel->setBuddy(smoothingSpin_);

  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(curveLabel);
  row->addWidget(curveBox_);
  row->addSpacing(12);
  row->addWidget(smoothingLabel);
  row->addWidget(smoothingSlider_);
  row->addWidget(smoothingSpin_);
  row->addStretch(1);
  for (QAction* action : toggles) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setObjectName(
        action->objectName().replace(QStringLiteral("Action"), QStringLiteral("Button")));
    row->addWidget(button);
  }
  auto* exportButton = new QToolButton(this);
  exportButton->setObjectName(QStringLiteral("exportButton"));
  exportButton->setText(tr("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* exportMenu = new QMenu(exportButton);
  exportMenu->addActions(exports);
  exportButton->setMenu(exportMenu);
  row->addWidget(exportButton);
}

void CurveControls::setCurves(const QStringList& names, const QString& current) {
  const QSignalBlocker blocker(curveBox_);
  curveBox_->clear();
  curveBox_->addItems(names);
  if (names.contains(current))
    curveBox_->setCurrentText(current);
}

void CurveControls::addCurve(const QString& name) {
  if (hasCurve(name))
    return;
  const QSignalBlocker blocker(curveBox_);
  curveBox_->addItem(name);
}

bool CurveControls::hasCurve(const QString& name) const {
  return curveBox_->findText(name, Qt::MatchExactly) >= 0;
}

QStringList CurveControls::curves() const {
  QStringList names;
  for (int i = 0; i < curveBox_->count(); ++i)
    names << curveBox_->itemText(i);
  return names;
}

bool CurveControls::select(const QString& name) {
  const int index = curveBox_->findText(name, Qt::MatchExactly);
  if (index < 0)
    return false;
  curveBox_->setCurrentIndex(index);
  return true;
}

void CurveControls::showSmoothing(double weight) {
  const QSignalBlocker sliderBlocker(smoothingSlider_);
  const QSignalBlocker spinBlocker(smoothingSpin_);
  smoothingSlider_->setValue(int(std::lround(weight * 100)));
  smoothingSpin_->setValue(weight);
}

}  // namespace longmim::studio
