// Baseline | follow-up | predicted difference | ground-truth difference side by side, with linked
// zoom, pan, crosshair and grey window, one shared colour map for both differences, an overlay of
// the prediction on the follow-up, case navigation, predictions off the GUI thread and PNG export.
#pragma once

#include <QImage>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QWidget>

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include <vtkCamera.h>
#include <vtkNew.h>
#include <vtkScalarBarActor.h>

#include "data/PairIndex.h"
#include "infer/Predictor.h"
#include "io/Image2D.h"
#include "train/TrainerObserver.h"
#include "viewer/DifferenceColorMap.h"
#include "viewer/PredictionWorker.h"
#include "viewer/WindowLevel.h"

class QLabel;
class vtkObject;

namespace longmim::studio {

class ViewerDisplayBar;
class ViewerNavigationBar;
class ViewerPanel;
class VtkView;

class ComparisonViewer : public QWidget {
  Q_OBJECT

 public:
  enum class Panel { Baseline = 0, Followup = 1, Predicted = 2, GroundTruth = 3 };
  static constexpr int kPanelCount = 4;

  // What the four images hold at one pixel of the follow-up's grid (nullopt: no image there).
  struct PixelValues {
    std::optional<double> baseline;
    std::optional<double> followup;
    std::optional<double> predicted;
    std::optional<double> groundTruth;
  };

  explicit ComparisonViewer(QWidget* parent = nullptr);
  ~ComparisonViewer() override;

  // The cases previous / next step through (e.g. the validation cases); shows the first one.
  void setCases(std::vector<longmim::CaseEntry> cases);
  void showCase(int index);
  // Index into the cases of the case shown, or -1 for an opened pair or a live sample.
  int currentCaseIndex() const;
  // Any pair of NIfTI files; without a ground truth its panel says so.
  void openPair(const QString& prior, const QString& current, const QString& groundTruth = {});
  // Predicts the shown case (and every later one) with this checkpoint, off the GUI thread.
  // Empty: no predictions.
  void setCheckpoint(const QString& path);
  // Compute threads of the viewer's predictions (0: all; 1 while a run trains, MainWindow).
  void setComputeThreads(int threads);
  QString checkpoint() const;
  // The trainer's sample of this epoch, as the model saw it; needs no checkpoint.
  void showSample(const longmim::SamplePrediction& sample);
  // |ground truth| above this is change (the run's CHANGE_THRESHOLD), for the sample's metrics.
  void setChangeThreshold(double threshold) { changeThreshold_ = threshold; }
  // Reads and predicts the shown case again (e.g. after the checkpoint file changed).
  void refresh();
  // The panels with their titles, the colour bar and the case name at `scale` (>= 2) x the
  // on-screen resolution, written atomically. On failure: errorOccurred naming `path`, false.
  bool exportPng(const QString& path, double scale = 2.0);
  // The same picture as an image, at `scale` x the on-screen size of the panels.
  QImage renderPanels(double scale = 1.0);
  QString currentCaseName() const { return caseName_; }
  bool isBusy() const;

  // Display settings, also reachable from the viewer's own controls.
  void setWindowPreset(WindowPreset preset);
  void setWindowLevel(const WindowLevel& windowLevel);
  WindowLevel windowLevel() const { return windowLevel_; }
  void setColorMap(DiffColorMapKind kind);
  DiffColorMapKind colorMap() const { return colors_.kind(); }
  // The percentile of |difference| (over both maps) that sets the colour limits +-L.
  void setLimitPercentile(double percent);
  double limitPercentile() const { return limitPercentile_; }
  void setOverlayEnabled(bool enabled);
  bool overlayEnabled() const;
  void setOverlayOpacity(double opacity);
  void setOverlayThreshold(double threshold);
  // Fits the image into the panels again.
  void resetView();

  // For tests and the main window.
  ViewerPanel* panel(Panel which) const;
  VtkView* panelView(Panel which) const;
  std::pair<double, double> colourLimits() const { return {-colors_.limit(), colors_.limit()}; }
  const DifferenceColorMap& differenceColors() const { return colors_; }
  double cameraParallelScale(Panel which) const;
  std::array<double, 3> cameraFocalPoint(Panel which) const;
  // Row and column of the follow-up's grid; images of another size are sampled proportionally.
  PixelValues valuesAt(int row, int col) const;
  QString readoutText() const;
  QString statusMessage() const;
  // The dates of the shown pair's X-rays and the interval between them ("" when unknown).
  QString datesText() const;
  // The follow-up's size (columns x rows): the grid all panels share.
  QSize grid() const { return grid_; }

 Q_SIGNALS:
  void errorOccurred(const QString& message);
  void caseChanged(const QString& name);
  void predictionReady();

 protected:
  // Keeps the images fitted while the panels change size, until the user zooms or pans.
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Shown {
    std::optional<Image2D> baseline;
    std::optional<Image2D> followup;
    std::optional<Image2D> predicted;
    std::optional<Image2D> groundTruth;
    std::optional<PairMetrics> metrics;
  };

  QWidget* createNavigationBar();
  QWidget* createDisplayBar();
  QWidget* createPanels();
  void beginPair(const QString& name, const PairFiles& files);
  void requestCurrent();
  void onPairLoaded(int request, const LoadedPair& pair);
  void showPairInfo(const LoadedPair& pair);
  void onPrediction(int request, const longmim::Prediction& prediction);
  void onFailed(int request, const QString& message);
  void onBusyChanged(bool busy);
  void showError(const QString& message);
  void updateCheckpointLabel();
  void setCaseName(const QString& name, const QString& detail);
  void setGrid(QSize grid);
  void showImages();
  void applyWindowLevel();
  void updateLimits();
  void updateOverlay();
  void updateNavigation();
  void updateReadout();
  void refreshPanels();
  void onCursorMoved(QPointF world);
  void onCursorLeft();
  void onCameraModified(vtkObject*, unsigned long, void*);
  void onWindowLevelStart(vtkObject*, unsigned long, void*);
  void onWindowLevelDrag(vtkObject* caller, unsigned long, void*);
  std::optional<double> sample(const std::optional<Image2D>& image, int row, int col) const;

  PredictionWorker* worker_ = nullptr;
  std::vector<longmim::CaseEntry> cases_;
  int listIndex_ = -1;   // the case of the list shown last
  bool onList_ = false;  // the shown pair is cases_[listIndex_]
  std::optional<PairFiles> files_;
  int request_ = 0;  // the worker request whose results are shown; others are ignored
  QString caseName_;
  Shown shown_;
  QSize grid_;
  std::optional<QPoint> cursorPixel_;

  vtkNew<vtkCamera> camera_;
  unsigned long cameraTag_ = 0;
  bool fitting_ = false;
  bool autoFit_ = true;  // the view follows resizes until the user zooms or pans
  DifferenceColorMap colors_;
  double limitPercentile_ = 99.0;
  WindowLevel windowLevel_;
  WindowLevel dragStart_;
  std::optional<WindowPreset> preset_ = WindowPreset::Auto;  // nullopt: dragged by hand
  vtkNew<vtkScalarBarActor> colorBar_;

  std::array<ViewerPanel*, kPanelCount> panels_{};
  ViewerPanel* colorBarPanel_ = nullptr;
  QWidget* panelArea_ = nullptr;
  ViewerNavigationBar* navigation_ = nullptr;
  ViewerDisplayBar* display_ = nullptr;
  bool overlayEnabled_ = false;
  QLabel* readoutLabel_ = nullptr;
  QLabel* metricsLabel_ = nullptr;
  QLabel* datesLabel_ = nullptr;           // the X-rays' dates and the interval between them
  std::optional<WindowLevel> fileWindow_;  // the window the shown files name, if any
  double changeThreshold_ = 0.015;
  QLabel* statusLabel_ = nullptr;
};

}  // namespace longmim::studio
