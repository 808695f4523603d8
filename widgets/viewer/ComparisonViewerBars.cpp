// The comparison viewer's bars and captions: the navigation and display bars it creates, the case
// name, the checkpoint label, and what it shows about a loaded pair besides its pixels (the dates of
// the X-rays, the window their files name). Members of ComparisonViewer (ComparisonViewer.cpp).
#include <QLabel>

#include "viewer/ComparisonViewer.h"
#include "viewer/PairCaptions.h"
#include "viewer/ViewerBars.h"

namespace longmim::studio {

QWidget* ComparisonViewer::createNavigationBar() {
  navigation_ = new ViewerNavigationBar(this);
  connect(navigation_, &ViewerNavigationBar::previousClicked, this,
          [this] { showCase(listIndex_ - 1); });
  connect(navigation_, &ViewerNavigationBar::nextClicked, this,
          [this] { showCase(listIndex_ + 1); });
  connect(navigation_, &ViewerNavigationBar::refreshClicked, this, &ComparisonViewer::refresh);
  connect(navigation_, &ViewerNavigationBar::fitClicked, this, &ComparisonViewer::resetView);
  return navigation_;
}

QWidget* ComparisonViewer::createDisplayBar() {
  display_ = new ViewerDisplayBar(this);
  display_->showLimitPercentile(limitPercentile_);
  connect(display_, &ViewerDisplayBar::windowPresetChosen, this,
          &ComparisonViewer::setWindowPreset);
  connect(display_, &ViewerDisplayBar::colorMapChosen, this, &ComparisonViewer::setColorMap);
  connect(display_, &ViewerDisplayBar::limitPercentileChosen, this,
          &ComparisonViewer::setLimitPercentile);
  connect(display_, &ViewerDisplayBar::overlayToggled, this, &ComparisonViewer::setOverlayEnabled);
  connect(display_, &ViewerDisplayBar::overlayOpacityChosen, this,
          &ComparisonViewer::setOverlayOpacity);
  connect(display_, &ViewerDisplayBar::overlayThresholdChosen, this,
          &ComparisonViewer::setOverlayThreshold);
  return display_;
}

void ComparisonViewer::updateCheckpointLabel() {
  navigation_->showCheckpoint(worker_->checkpoint());
}

void ComparisonViewer::showPairInfo(const LoadedPair& pair) {
  // The window the files name (the follow-up's first), offered as the "From the file" preset.
  fileWindow_.reset();
  if (pair.followupInfo.window) {
    fileWindow_ = windowLevelOfValues((*pair.followupInfo.window)[0],
                                      (*pair.followupInfo.window)[1], pair.followup);
  } else if (pair.baselineInfo.window) {
    fileWindow_ = windowLevelOfValues((*pair.baselineInfo.window)[0],
                                      (*pair.baselineInfo.window)[1], pair.baseline);
  }
  display_->enableFileWindow(fileWindow_.has_value());
  if (preset_ == WindowPreset::FromFile && !fileWindow_)
    preset_ = WindowPreset::Auto;
  datesLabel_->setText(pairDatesText(pair.baselineInfo, pair.followupInfo));
  const longmim::StudyInterval interval =
      longmim::describeInterval(pair.baselineInfo, pair.followupInfo);
  datesLabel_->setStyleSheet(interval.warning ? QStringLiteral("color: #b3261e; font-weight: bold;")
                                              : QString());
  if (interval.warning) {
    statusLabel_->setText(QStringLiteral("Warning: ") + QString::fromStdString(interval.text));
    statusLabel_->setStyleSheet(QStringLiteral("color: #b3261e;"));
  }
}

QString ComparisonViewer::datesText() const {
  return datesLabel_->text();
}

void ComparisonViewer::setCaseName(const QString& name, const QString& detail) {
  caseName_ = name;
  if (name.isEmpty()) {
    navigation_->showCaseName(QStringLiteral("No pair open"));
    return;
  }
  navigation_->showCaseName(detail.isEmpty() ? name : QStringLiteral("%1  (%2)").arg(name, detail));
}

void ComparisonViewer::updateNavigation() {
  const bool any = !cases_.empty();
  navigation_->enableSteps(any && (listIndex_ > 0 || !onList_),
                           any && (listIndex_ + 1 < int(cases_.size()) || !onList_));
}

}  // namespace longmim::studio
