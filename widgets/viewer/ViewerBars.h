// The two rows above the comparison viewer's panels. The navigation bar: previous / next case,
// the case shown, the checkpoint that predicts, a busy indicator, Refresh and Fit. The display
// bar: the X-rays' grey window, the colour map and limit of the difference maps, the overlay on
// the follow-up. Each only reports what the user chose and shows the state it is given (without
// signals); ComparisonViewer decides what a choice does.
#pragma once

#include <QFont>
#include <QString>
#include <QWidget>

#include <optional>

#include "viewer/DifferenceColorMap.h"
#include "viewer/WindowLevel.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;

namespace longmim::studio {

class ViewerNavigationBar : public QWidget {
  Q_OBJECT

 public:
  explicit ViewerNavigationBar(QWidget* parent = nullptr);

  void showCaseName(const QString& text);
  QString caseNameText() const;
  QFont caseNameFont() const;
  // The checkpoint's file name, its path as the tool tip; empty: none.
  void showCheckpoint(const QString& path);
  void showBusy(bool busy);
  void enableSteps(bool previous, bool next);

 Q_SIGNALS:
  void previousClicked();
  void nextClicked();
  void refreshClicked();
  void fitClicked();

 private:
  QPushButton* previousButton_ = nullptr;
  QPushButton* nextButton_ = nullptr;
  QLabel* caseLabel_ = nullptr;
  QLabel* checkpointLabel_ = nullptr;
  QProgressBar* busyIndicator_ = nullptr;
  QPushButton* refreshButton_ = nullptr;
};

class ViewerDisplayBar : public QWidget {
  Q_OBJECT

 public:
  explicit ViewerDisplayBar(QWidget* parent = nullptr);

  // The preset in use ("Custom" for none: a dragged window) and the window it gives.
  void showWindow(std::optional<WindowPreset> preset, const WindowLevel& windowLevel);
  // The "From the file" preset can be picked only when the shown files name a window.
  void enableFileWindow(bool available);
  void showColorMap(DiffColorMapKind kind);
  void showLimitPercentile(double percent);
  void showLimit(const QString& text, const QString& toolTip);
  // The check box, and the opacity and threshold enabled with it.
  void showOverlay(bool enabled);
  void showOverlayOpacity(double opacity);
  void showOverlayThreshold(double threshold);

 Q_SIGNALS:
  void windowPresetChosen(WindowPreset preset);
  void colorMapChosen(DiffColorMapKind kind);
  void limitPercentileChosen(double percent);
  void overlayToggled(bool enabled);
  void overlayOpacityChosen(double opacity);
  void overlayThresholdChosen(double threshold);

 private:
  QComboBox* windowCombo_ = nullptr;
  QComboBox* colorMapCombo_ = nullptr;
  QDoubleSpinBox* percentileSpin_ = nullptr;
  QLabel* limitLabel_ = nullptr;
  QCheckBox* overlayCheck_ = nullptr;
  QSlider* opacitySlider_ = nullptr;
  QDoubleSpinBox* thresholdSpin_ = nullptr;
};

}  // namespace longmim::studio
