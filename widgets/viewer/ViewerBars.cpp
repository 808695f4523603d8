#include "viewer/ViewerBars.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QStandardItemModel>

#include <cmath>

namespace longmim::studio {

ViewerNavigationBar::ViewerNavigationBar(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  previousButton_ = new QPushButton(QStringLiteral("◀ Previous"), this);
  previousButton_->setObjectName(QStringLiteral("previousCaseButton"));
  previousButton_->setToolTip(QStringLiteral("Previous case"));
  nextButton_ = new QPushButton(QStringLiteral("Next ▶"), this);
  nextButton_->setObjectName(QStringLiteral("nextCaseButton"));
  nextButton_->setToolTip(QStringLiteral("Next case"));
  caseLabel_ = new QLabel(this);
  caseLabel_->setObjectName(QStringLiteral("caseNameLabel"));
  caseLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = caseLabel_->font();
  bold.setBold(true);
  caseLabel_->setFont(bold);
  checkpointLabel_ = new QLabel(this);
  checkpointLabel_->setObjectName(QStringLiteral("checkpointLabel"));
  busyIndicator_ = new QProgressBar(this);
  busyIndicator_->setObjectName(QStringLiteral("busyIndicator"));
  busyIndicator_->setRange(0, 0);  // indeterminate: a prediction reports no progress
  busyIndicator_->setMaximumWidth(120);
  busyIndicator_->setTextVisible(false);
  busyIndicator_->setVisible(false);
  refreshButton_ = new QPushButton(QStringLiteral("Refresh"), this);
  refreshButton_->setObjectName(QStringLiteral("refreshPredictionButton"));
  refreshButton_->setToolTip(QStringLiteral("Read and predict the shown case again"));
  auto* fitButton = new QPushButton(QStringLiteral("Fit"), this);
  fitButton->setObjectName(QStringLiteral("fitViewButton"));
  fitButton->setToolTip(QStringLiteral("Fit the images into the panels"));

  layout->addWidget(previousButton_);
  layout->addWidget(caseLabel_, 1);
  layout->addWidget(nextButton_);
  layout->addSpacing(12);
  layout->addWidget(checkpointLabel_);
  layout->addWidget(busyIndicator_);
  layout->addWidget(refreshButton_);
  layout->addWidget(fitButton);

  connect(previousButton_, &QPushButton::clicked, this, &ViewerNavigationBar::previousClicked);
  connect(nextButton_, &QPushButton::clicked, this, &ViewerNavigationBar::nextClicked);
  connect(refreshButton_, &QPushButton::clicked, this, &ViewerNavigationBar::refreshClicked);
  connect(fitButton, &QPushButton::clicked, this, &ViewerNavigationBar::fitClicked);
}

void ViewerNavigationBar::showCaseName(const QString& text) {
  caseLabel_->setText(text);
}

QString ViewerNavigationBar::caseNameText() const {
  return caseLabel_->text();
}

QFont ViewerNavigationBar::caseNameFont() const {
  return caseLabel_->font();
}

void ViewerNavigationBar::showCheckpoint(const QString& path) {
  checkpointLabel_->setText(path.isEmpty()
                                ? QString()
                                : QStringLiteral("Checkpoint: %1").arg(QFileInfo(path).fileName()));
  checkpointLabel_->setToolTip(path);
}

void ViewerNavigationBar::showBusy(bool busy) {
  busyIndicator_->setVisible(busy);
  busyIndicator_->setToolTip(busy ? QStringLiteral("Reading and predicting…") : QString());
}

void ViewerNavigationBar::enableSteps(bool previous, bool next) {
  previousButton_->setEnabled(previous);
  nextButton_->setEnabled(next);
  refreshButton_->setEnabled(true);
}

ViewerDisplayBar::ViewerDisplayBar(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  windowCombo_ = new QComboBox(this);
  windowCombo_->setObjectName(QStringLiteral("windowPresetCombo"));
  windowCombo_->setToolTip(
      QStringLiteral("Grey window of both X-rays (left-drag on an X-ray adjusts it)"));
  for (WindowPreset preset : windowPresets())
    windowCombo_->addItem(windowPresetName(preset), int(preset));
  windowCombo_->addItem(QStringLiteral("Custom"), -1);
  // "Custom" only reports a dragged window; picking it would mean nothing.
  if (auto* model = qobject_cast<QStandardItemModel*>(windowCombo_->model()))
    model->item(windowCombo_->count() - 1)->setEnabled(false);
  enableFileWindow(false);

  colorMapCombo_ = new QComboBox(this);
  colorMapCombo_->setObjectName(QStringLiteral("colorMapCombo"));
  for (DiffColorMapKind kind : DifferenceColorMap::kinds())
    colorMapCombo_->addItem(DifferenceColorMap::kindName(kind), int(kind));

  percentileSpin_ = new QDoubleSpinBox(this);
  percentileSpin_->setObjectName(QStringLiteral("limitPercentileSpin"));
  percentileSpin_->setRange(50.0, 100.0);
  percentileSpin_->setDecimals(1);
  percentileSpin_->setSingleStep(0.5);
  percentileSpin_->setToolTip(
      QStringLiteral("Percentile of |difference| over both maps that sets the colour limits"));
  limitLabel_ = new QLabel(this);
  limitLabel_->setObjectName(QStringLiteral("colourLimitLabel"));

  overlayCheck_ = new QCheckBox(QStringLiteral("Overlay on follow-up"), this);
  overlayCheck_->setObjectName(QStringLiteral("overlayCheck"));
  overlayCheck_->setToolTip(QStringLiteral("Draw the predicted difference over the follow-up"));
  opacitySlider_ = new QSlider(Qt::Horizontal, this);
  opacitySlider_->setObjectName(QStringLiteral("overlayOpacitySlider"));
  opacitySlider_->setRange(0, 100);
  opacitySlider_->setMaximumWidth(120);
  opacitySlider_->setToolTip(QStringLiteral("Overlay opacity"));
  thresholdSpin_ = new QDoubleSpinBox(this);
  thresholdSpin_->setObjectName(QStringLiteral("overlayThresholdSpin"));
  thresholdSpin_->setRange(0.0, 1000.0);
  thresholdSpin_->setDecimals(3);
  thresholdSpin_->setSingleStep(0.01);
  thresholdSpin_->setPrefix(QStringLiteral("|Δ| ≥ "));
  thresholdSpin_->setToolTip(
      QStringLiteral("Differences smaller than this leave the follow-up uncovered"));

  layout->addWidget(new QLabel(QStringLiteral("Window:"), this));
  layout->addWidget(windowCombo_);
  layout->addSpacing(12);
  layout->addWidget(new QLabel(QStringLiteral("Differences:"), this));
  layout->addWidget(colorMapCombo_);
  layout->addWidget(new QLabel(QStringLiteral("limit at percentile"), this));
  layout->addWidget(percentileSpin_);
  layout->addWidget(limitLabel_);
  layout->addSpacing(12);
  layout->addWidget(overlayCheck_);
  layout->addWidget(opacitySlider_);
  layout->addWidget(thresholdSpin_);
  layout->addStretch(1);

  connect(windowCombo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    const int preset = windowCombo_->itemData(index).toInt();
    if (preset >= 0)
      Q_EMIT windowPresetChosen(WindowPreset(preset));
  });
  connect(colorMapCombo_, QOverload<int>::of(&QComboBox::activated), this, [this](int index) {
    Q_EMIT colorMapChosen(DiffColorMapKind(colorMapCombo_->itemData(index).toInt()));
  });
  connect(percentileSpin_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
          &ViewerDisplayBar::limitPercentileChosen);
  connect(overlayCheck_, &QCheckBox::toggled, this, &ViewerDisplayBar::overlayToggled);
  connect(opacitySlider_, &QSlider::valueChanged, this,
          [this](int value) { Q_EMIT overlayOpacityChosen(value / 100.0); });
  connect(thresholdSpin_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this,
          &ViewerDisplayBar::overlayThresholdChosen);
}

void ViewerDisplayBar::showWindow(std::optional<WindowPreset> preset,
                                  const WindowLevel& windowLevel) {
  windowCombo_->setCurrentIndex(windowCombo_->findData(preset ? int(*preset) : -1));
  windowCombo_->setToolTip(QStringLiteral("Window %1, level %2 (of each X-ray's range)")
                               .arg(windowLevel.window, 0, 'g', 3)
                               .arg(windowLevel.level, 0, 'g', 3));
}

void ViewerDisplayBar::enableFileWindow(bool available) {
  auto* model = qobject_cast<QStandardItemModel*>(windowCombo_->model());
  const int index = windowCombo_->findData(int(WindowPreset::FromFile));
  if (!model || index < 0)
    return;
  model->item(index)->setEnabled(available);
  model->item(index)->setToolTip(available ? QStringLiteral("The window stored in the DICOM file")
                                           : QStringLiteral("The files shown name no window"));
}

void ViewerDisplayBar::showColorMap(DiffColorMapKind kind) {
  colorMapCombo_->setCurrentIndex(colorMapCombo_->findData(int(kind)));
}

void ViewerDisplayBar::showLimitPercentile(double percent) {
  const QSignalBlocker blocker(percentileSpin_);
  percentileSpin_->setValue(percent);
}

void ViewerDisplayBar::showLimit(const QString& text, const QString& toolTip) {
  limitLabel_->setText(text);
  limitLabel_->setToolTip(toolTip);
}

void ViewerDisplayBar::showOverlay(bool enabled) {
  {
    const QSignalBlocker blocker(overlayCheck_);
    overlayCheck_->setChecked(enabled);
  }
  opacitySlider_->setEnabled(enabled);
  thresholdSpin_->setEnabled(enabled);
}

void ViewerDisplayBar::showOverlayOpacity(double opacity) {
  const QSignalBlocker blocker(opacitySlider_);
  opacitySlider_->setValue(int(std::lround(opacity * 100.0)));
}

void ViewerDisplayBar::showOverlayThreshold(double threshold) {
  const QSignalBlocker blocker(thresholdSpin_);
  thresholdSpin_->setValue(threshold);
}

}  // namespace longmim::studio
