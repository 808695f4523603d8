// Tests the comparison viewer as a user sees it: the four panels, the colours of the difference
// maps, the X-rays' grey window, linked zoom / pan / crosshair, case navigation, live samples,
// predictions with a real checkpoint off the GUI thread, errors and PNG export.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCursor>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QWheelEvent>
#include <QWindow>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <random>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkRenderer.h>

#include "RenderCounter.h"
#include "TestImages.h"
#include "TestRadiographs.h"
#include "config/Presets.h"
#include "data/CaseSplit.h"
#include "data/PairIndex.h"
#include "infer/Predictor.h"
#include "io/NiftiIO.h"
#include "shell/StudioPlatform.h"
#include "train/Trainer.h"
#include "viewer/ComparisonViewer.h"
#include "viewer/ViewerPanel.h"
#include "viewer/VtkView.h"

using namespace longmim;
using namespace longmim::studio;
using longmim::test::RenderCounter;
using Panel = ComparisonViewer::Panel;
namespace fs = std::filesystem;

namespace {

constexpr int kSize = 32;  // the synthetic sample: rows = columns
constexpr int kHalf = kSize / 2;

// Quadrant value: top-left, top-right, bottom-left, bottom-right (row 0 at the top).
Image2D quadrants(float topLeft, float topRight, float bottomLeft, float bottomRight) {
  Image2D image(kSize, kSize);
  for (int row = 0; row < kSize; ++row) {
    for (int col = 0; col < kSize; ++col) {
      const bool top = row < kHalf;
      const bool left = col < kHalf;
      image.at(row, col) = top ? (left ? topLeft : topRight) : (left ? bottomLeft : bottomRight);
    }
  }
  return image;
}

// A live sample whose predicted difference is +1 in the top-left quadrant, -1 in the top-right
// one and 0 elsewhere; the ground truth is half of it. The follow-up is the baseline on another
// intensity scale.
SamplePrediction quadrantSample() {
  SamplePrediction sample;
  sample.epoch = 3;
  sample.caseName = "p007/pair1";
  sample.rows = kSize;
  sample.cols = kSize;
  sample.baseline = quadrants(0.0f, 1.0f, 0.25f, 0.75f).pixels;
  sample.followup = quadrants(200.0f, 1200.0f, 450.0f, 950.0f).pixels;
  sample.predicted = quadrants(1.0f, -1.0f, 0.0f, 0.0f).pixels;
  sample.groundTruth = quadrants(0.5f, -0.5f, 0.0f, 0.0f).pixels;
  return sample;
}

// The colour on screen at the centre of grid pixel (row, col) of a panel, as Qt composes the
// window (QWidget::grab), not just what VTK drew.
QRgb colourAt(ComparisonViewer& viewer, Panel panel, int row, int col) {
  VtkView* view = viewer.panelView(panel);
  const QImage image = view->grab().toImage();
  const QPointF at = view->widgetPointOf(QPointF(col, row)) * view->devicePixelRatioF();
  return image.pixel(at.toPoint());
}

QString describe(QRgb pixel) {
  return QStringLiteral("rgb(%1, %2, %3)").arg(qRed(pixel)).arg(qGreen(pixel)).arg(qBlue(pixel));
}

bool near(QRgb pixel, int red, int green, int blue, int tolerance = 3) {
  return std::abs(qRed(pixel) - red) <= tolerance && std::abs(qGreen(pixel) - green) <= tolerance &&
         std::abs(qBlue(pixel) - blue) <= tolerance;
}

#define VERIFY_COLOUR(pixel, r, g, b) \
  QVERIFY2(near(pixel, r, g, b),      \
           qPrintable(describe(pixel) + QStringLiteral(", expected ") + describe(qRgb(r, g, b))))

void sendMouse(QWidget* widget, QEvent::Type type, QPoint at, Qt::MouseButton button,
               Qt::MouseButtons buttons) {
  QMouseEvent event(type, QPointF(at), QPointF(widget->mapToGlobal(at)), button, buttons,
                    Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

void drag(QWidget* widget, Qt::MouseButton button, QPoint from, QPoint to) {
  sendMouse(widget, QEvent::MouseButtonPress, from, button, button);
  for (int step = 1; step <= 4; ++step)
    sendMouse(widget, QEvent::MouseMove, from + (to - from) * step / 4, Qt::NoButton, button);
  sendMouse(widget, QEvent::MouseButtonRelease, to, button, Qt::NoButton);
}

void wheel(QWidget* widget, int delta) {
  const QPointF centre(widget->width() / 2.0, widget->height() / 2.0);
  QWheelEvent event(centre, widget->mapToGlobal(centre), QPoint(), QPoint(0, delta), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(widget, &event);
}

// Holds back the jobs of Qt's global thread pool (the viewer's worker runs there) until it goes
// out of scope, so that a test can act while a request is certainly still waiting.
class PausedThreadPool {
 public:
  PausedThreadPool() : maxThreads_(QThreadPool::globalInstance()->maxThreadCount()) {
    QThreadPool::globalInstance()->waitForDone();
    QThreadPool::globalInstance()->setMaxThreadCount(1);
    QThreadPool::globalInstance()->reserveThread();  // the one thread: now nothing starts
  }
  ~PausedThreadPool() {
    QThreadPool::globalInstance()->releaseThread();
    QThreadPool::globalInstance()->setMaxThreadCount(maxThreads_);
  }

 private:
  int maxThreads_;
};

bool close(const std::optional<double>& value, double expected) {
  return value && std::abs(*value - expected) < 1e-5;
}

}  // namespace

class TestComparisonViewer : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string checkpoint_;  // a real tiny checkpoint, trained once by the first test needing it

  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

  // A shown viewer large enough for four panels, away from the pointer.
  void prepare(ComparisonViewer& viewer) {
    viewer.resize(1400, 640);
    viewer.move(60, 60);
    viewer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&viewer));
  }

  // Case folders case_a, case_b, case_c with 16 x 16 ramps (offset 1000 x the case's number).
  std::vector<CaseEntry> writeRampCases() {
    const std::string root = path("ramps");
    if (!fs::exists(root)) {
      for (int k = 0; k < 3; ++k) {
        const std::string folder = root + "/case_" + std::string(1, char('a' + k));
        fs::create_directories(folder);
        writeImage2D(test::rampImage(16, 16, 1000.0f * k), folder + "/prior.nii.gz");
        writeImage2D(test::rampImage(16, 16, 1000.0f * k, 2.0f), folder + "/current.nii.gz");
        writeImage2D(test::rampImage(16, 16, -0.5f, 1.0f / 256), folder + "/diff_map.nii.gz");
      }
    }
    return PairIndex::scan(root).validCases();
  }

  // Trains the tiny preset for one epoch on the toy pairs and returns its best checkpoint.
  std::string tinyCheckpoint() {
    if (!checkpoint_.empty())
      return checkpoint_;
    test::writeDiscDataset(path("toy"), 8, 64, 11);
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = path("toy");
    config.outputDir = path("runs");
    config.runName = "viewer";
    config.epochs = 1;
    config.loaderThreads = 1;
    TrainerObserver silent;
    Trainer trainer(TrainerOptions{config, {}, true, {}}, &silent);
    const RunResult result = trainer.run();
    if (result.outcome != RunOutcome::Completed)
      qWarning("tiny training failed: %s", result.message.c_str());
    checkpoint_ = result.runDir + "/" + kBestCheckpointName;
    return checkpoint_;
  }

  std::vector<CaseEntry> toyValidationCases() {
    const std::vector<CaseEntry> cases = PairIndex::scan(path("toy")).validCases();
    const TrainingConfig config = presetConfig("tiny");
    std::vector<CaseEntry> val;
    for (size_t index : splitBySubject(cases, config.valFraction, config.seed).val)
      val.push_back(cases[index]);
    return val;
  }

 private Q_SLOTS:
  void init() {
    QCursor::setPos(0, 0);  // no crosshair from a pointer left over a panel
  }

  void fourPanelsAreShownSideBySide() {
    ComparisonViewer viewer;
    prepare(viewer);
    const QStringList titles{"Baseline", "Follow-up", "Predicted difference",
                             "Ground-truth difference"};
    int previousRight = -1;
    for (int i = 0; i < ComparisonViewer::kPanelCount; ++i) {
      ViewerPanel* panel = viewer.panel(Panel(i));
      QCOMPARE(panel->title(), titles[i]);
      QVERIFY(panel->isVisible());
      QVERIFY(panel->view()->width() > 200 && panel->view()->height() > 300);
      const QRect area(panel->mapTo(&viewer, QPoint(0, 0)), panel->size());
      QVERIFY(area.left() > previousRight);  // left to right, not overlapping
      previousRight = area.right();
      QCOMPARE(panel->message(), QStringLiteral("No pair open"));
    }
    QVERIFY(viewer.findChild<QWidget*>(QStringLiteral("colourBarPanel"))->isVisible());
  }

  void thePanelsLeaveTheWindowARasterWindow() {
    // A texture-backed child (QOpenGLWidget) would make Qt compose the whole main window through
    // OpenGL on every repaint, which stalled the studio under llvmpipe; the panels paint images.
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    for (const QWidget* child : viewer.findChildren<QWidget*>())
      QVERIFY2(!child->inherits("QOpenGLWidget"), child->metaObject()->className());
    QCOMPARE(viewer.windowHandle()->surfaceType(), QSurface::RasterSurface);
    // What reaches the X server's window: the predicted panel's positive quadrant in red.
    VtkView* predicted = viewer.panelView(Panel::Predicted);
    const QPoint at =
        (QPointF(predicted->mapTo(&viewer, QPoint(0, 0))) + predicted->widgetPointOf({4.0, 4.0}))
            .toPoint() *
        viewer.devicePixelRatioF();
    const auto onScreen = [&viewer, at] {
      return viewer.screen()->grabWindow(viewer.winId()).toImage().pixel(at);
    };
    QTRY_VERIFY2(near(onScreen(), 178, 24, 43), qPrintable(describe(onScreen())));

    // A zoom in one panel renders each linked panel once, and repainting renders nothing again.
    const RenderCounter renders(*viewer.panelView(Panel::Baseline));
    wheel(predicted, -120);
    QTRY_COMPARE(renders.count(), 1);
    viewer.repaint();
    QCOMPARE(renders.count(), 1);
  }

  void differencesShowInTheChosenColourMap() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    // The 99th percentile of |difference| over both maps: 1.
    QCOMPARE(viewer.colourLimits(), std::make_pair(-1.0, 1.0));

    // Diverging (default): red where positive, blue where negative, white at 0.
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 4), 178, 24, 43);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 28), 33, 102, 172);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 28, 4), 255, 255, 255);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 28, 28), 255, 255, 255);
    // The ground truth (+-0.5) in the same map: halfway to the ends.
    VERIFY_COLOUR(colourAt(viewer, Panel::GroundTruth, 4, 4), 216, 139, 149);
    VERIFY_COLOUR(colourAt(viewer, Panel::GroundTruth, 4, 28), 144, 178, 213);
    VERIFY_COLOUR(colourAt(viewer, Panel::GroundTruth, 20, 20), 255, 255, 255);

    // The colour bar: from red at the top (+L) to blue at the bottom (-L).
    const QImage bar =
        viewer.findChild<ViewerPanel*>(QStringLiteral("colourBarPanel"))->view()->grab().toImage();
    const int barX = int(bar.width() * 0.15);
    int top = 0;
    while (top < bar.height() && qGray(bar.pixel(barX, top)) == 0)
      ++top;
    int bottom = bar.height() - 1;
    while (bottom > top && qGray(bar.pixel(barX, bottom)) == 0)
      --bottom;
    QVERIFY2(bottom - top > bar.height() / 2,
             qPrintable(QStringLiteral("%1-%2").arg(top).arg(bottom)));
    QVERIFY2(near(bar.pixel(barX, top + 1), 178, 24, 43, 8),
             qPrintable(describe(bar.pixel(barX, top + 1))));
    QVERIFY2(near(bar.pixel(barX, bottom - 1), 33, 102, 172, 8),
             qPrintable(describe(bar.pixel(barX, bottom - 1))));
    VERIFY_COLOUR(bar.pixel(barX, (top + bottom) / 2), 255, 255, 255);

    // The reference's green - white - red.
    viewer.setColorMap(DiffColorMapKind::Reference);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 4), 174, 0, 0);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 28), 60, 255, 61);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 28, 4), 255, 252, 252);

    // Subtraction: white gain, black loss, mid-grey for no change.
    viewer.findChild<QComboBox*>(QStringLiteral("colorMapCombo"))->setCurrentIndex(2);
    Q_EMIT viewer.findChild<QComboBox*>(QStringLiteral("colorMapCombo"))->activated(2);
    QCOMPARE(viewer.colorMap(), DiffColorMapKind::Subtraction);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 4), 255, 255, 255);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 4, 28), 0, 0, 0);
    VERIFY_COLOUR(colourAt(viewer, Panel::Predicted, 28, 4), 128, 128, 128);
    VERIFY_COLOUR(colourAt(viewer, Panel::GroundTruth, 4, 4), 191, 191, 191);

    // A lower percentile narrows the limits: +-0.5 now reaches the end colours.
    viewer.setLimitPercentile(60.0);
    QCOMPARE(viewer.colourLimits(), std::make_pair(-0.5, 0.5));
    VERIFY_COLOUR(colourAt(viewer, Panel::GroundTruth, 4, 4), 255, 255, 255);
  }

  void theXRaysShareOneGreyWindow() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    viewer.setWindowPreset(WindowPreset::FullRange);
    // Baseline 0 / 1 / 0.25 / 0.75 over its own range; the follow-up on another scale alike.
    for (Panel panel : {Panel::Baseline, Panel::Followup}) {
      VERIFY_COLOUR(colourAt(viewer, panel, 4, 4), 0, 0, 0);
      VERIFY_COLOUR(colourAt(viewer, panel, 4, 28), 255, 255, 255);
      VERIFY_COLOUR(colourAt(viewer, panel, 28, 4), 64, 64, 64);
      VERIFY_COLOUR(colourAt(viewer, panel, 28, 28), 191, 191, 191);
    }
    WindowLevel narrow;
    narrow.window = 0.5;
    narrow.level = 0.5;
    viewer.setWindowLevel(narrow);
    for (Panel panel : {Panel::Baseline, Panel::Followup}) {
      VERIFY_COLOUR(colourAt(viewer, panel, 28, 4), 0, 0, 0);
      VERIFY_COLOUR(colourAt(viewer, panel, 28, 28), 255, 255, 255);
    }

    // The automatic window spans the 1st to the 99th percentile of both images' pixels.
    viewer.setWindowPreset(WindowPreset::Auto);
    QVERIFY(std::abs(viewer.windowLevel().lower() - 0.0) < 1e-9);
    QVERIFY(std::abs(viewer.windowLevel().upper() - 1.0) < 1e-9);
    auto* combo = viewer.findChild<QComboBox*>(QStringLiteral("windowPresetCombo"));
    QCOMPARE(combo->currentText(), windowPresetName(WindowPreset::Auto));

    // Dragging right on the baseline by a quarter of its width widens the window by a quarter of
    // the range, for both X-rays.
    viewer.setWindowPreset(WindowPreset::FullRange);
    VtkView* baseline = viewer.panelView(Panel::Baseline);
    const QPoint from(baseline->width() / 4, baseline->height() / 2);
    drag(baseline, Qt::LeftButton, from, from + QPoint(baseline->width() / 4, 0));
    QVERIFY2(std::abs(viewer.windowLevel().window - 1.25) < 0.01,
             qPrintable(QString::number(viewer.windowLevel().window)));
    QVERIFY(std::abs(viewer.windowLevel().level - 0.5) < 0.01);
    QCOMPARE(combo->currentText(), QStringLiteral("Custom"));
    // 0.75 of the range under a window of [-0.125, 1.125]: grey 0.7 -> 178.
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 28, 28), 178, 178, 178);
    VERIFY_COLOUR(colourAt(viewer, Panel::Baseline, 28, 28), 178, 178, 178);
    // Left-drag on a difference panel pans instead.
    const WindowLevel before = viewer.windowLevel();
    VtkView* predicted = viewer.panelView(Panel::Predicted);
    drag(predicted, Qt::LeftButton, from, from + QPoint(40, 0));
    QVERIFY(viewer.windowLevel() == before);
  }

  void theOverlayDrawsThePredictionOverTheFollowup() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    viewer.setWindowPreset(WindowPreset::FullRange);
    QVERIFY(!viewer.overlayEnabled());
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 4), 0, 0, 0);

    viewer.findChild<QCheckBox*>(QStringLiteral("overlayCheck"))->setChecked(true);
    viewer.setOverlayOpacity(1.0);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 4), 178, 24, 43);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 28), 33, 102, 172);
    // No change (below the |difference| threshold): the X-ray shows through untouched.
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 28, 4), 64, 64, 64);
    // The baseline gets no overlay.
    VERIFY_COLOUR(colourAt(viewer, Panel::Baseline, 4, 4), 0, 0, 0);

    // Half opacity blends the colour with the X-ray: red over black, blue over white.
    viewer.findChild<QSlider*>(QStringLiteral("overlayOpacitySlider"))->setValue(50);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 4), 89, 12, 21);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 28), 144, 178, 213);

    // A threshold above every |difference| draws nothing.
    viewer.findChild<QDoubleSpinBox*>(QStringLiteral("overlayThresholdSpin"))->setValue(1.5);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 4), 0, 0, 0);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 28), 255, 255, 255);
    viewer.setOverlayThreshold(0.5);
    viewer.setOverlayEnabled(false);
    VERIFY_COLOUR(colourAt(viewer, Panel::Followup, 4, 28), 255, 255, 255);
  }

  void theFittedViewFollowsTheWindowSize() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    const double fitted = viewer.cameraParallelScale(Panel::Baseline);
    // Drawing does not count as the user moving the camera.
    viewer.panelView(Panel::Baseline)->grab().toImage();
    viewer.resize(1400, 440);
    QTRY_VERIFY(viewer.cameraParallelScale(Panel::Baseline) != fitted);
    // The 32 rows fill the panel's height again (with a small margin).
    VtkView* view = viewer.panelView(Panel::Baseline);
    const QPointF top = view->worldPointAt(QPointF(view->width() / 2.0, 0.0));
    QVERIFY2(top.y() < -0.5 && top.y() > -1.5, qPrintable(QString::number(top.y())));
  }

  void zoomAndPanMoveAllFourPanels() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    viewer.setWindowPreset(WindowPreset::FullRange);
    const double fitted = viewer.cameraParallelScale(Panel::Baseline);
    VtkView* baseline = viewer.panelView(Panel::Baseline);
    // Near the right edge of the image, in the white top-right quadrant.
    const QPoint edge = baseline->widgetPointOf(QPointF(30.0, 4.0)).toPoint();
    VERIFY_COLOUR(baseline->grab().toImage().pixel(edge * baseline->devicePixelRatioF()), 255, 255,
                  255);

    // Zooming out in the predicted panel shrinks the baseline too: the edge shows background.
    wheel(viewer.panelView(Panel::Predicted), -120);
    const double zoomed = viewer.cameraParallelScale(Panel::Predicted);
    QVERIFY2(zoomed > fitted * 1.1, qPrintable(QString::number(zoomed)));
    for (int i = 0; i < ComparisonViewer::kPanelCount; ++i)
      QCOMPARE(viewer.cameraParallelScale(Panel(i)), zoomed);
    VERIFY_COLOUR(baseline->grab().toImage().pixel(edge * baseline->devicePixelRatioF()), 0, 0, 0);
    // Zooming in on the follow-up brings it back.
    wheel(viewer.panelView(Panel::Followup), 120);
    QVERIFY(std::abs(viewer.cameraParallelScale(Panel::GroundTruth) - fitted) < 1e-9);

    // A right-drag in the ground-truth panel pans every panel with the pointer.
    VtkView* truth = viewer.panelView(Panel::GroundTruth);
    const QPoint from(truth->width() / 2, truth->height() / 2);
    const QPoint to = from + QPoint(60, -30);
    const QPointF grabbed = baseline->worldPointAt(from);
    const std::array<double, 3> focal = viewer.cameraFocalPoint(Panel::Baseline);
    drag(truth, Qt::RightButton, from, to);
    const std::array<double, 3> moved = viewer.cameraFocalPoint(Panel::Baseline);
    QVERIFY(std::abs(moved[0] - focal[0]) > 1.0 && std::abs(moved[1] - focal[1]) > 0.5);
    for (int i = 0; i < ComparisonViewer::kPanelCount; ++i)
      QCOMPARE(viewer.cameraFocalPoint(Panel(i)), moved);
    const QPointF underPointer = baseline->worldPointAt(to);
    QVERIFY2(std::abs(underPointer.x() - grabbed.x()) < 0.2 &&
                 std::abs(underPointer.y() - grabbed.y()) < 0.2,
             qPrintable(QStringLiteral("%1, %2 vs %3, %4")
                            .arg(underPointer.x())
                            .arg(underPointer.y())
                            .arg(grabbed.x())
                            .arg(grabbed.y())));
    // A middle-drag pans too.
    drag(viewer.panelView(Panel::Followup), Qt::MiddleButton, to, from);
    QVERIFY(std::abs(viewer.cameraFocalPoint(Panel::Predicted)[0] - focal[0]) < 0.01);
  }

  void theCrosshairReadsTheFourValuesUnderThePointer() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    VtkView* followup = viewer.panelView(Panel::Followup);
    QTRY_VERIFY(viewer.panel(Panel::Followup)->hasImage());
    const QString expected = QStringLiteral(
        "Row 5, column 20:  baseline 1 · follow-up 1200 · predicted -1 · "
        "ground truth -0.5");
    // The pointer is moved as a user moves it, again until the readout answers: on a busy machine
    // an Enter / Leave of the X server's pointer warp can arrive after the first move, or the view
    // can still be fitting to its final size when it lands (the point is taken again each time).
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          QTest::mouseMove(followup, QPoint(1, 1));  // a real move each time, not a repeat
          QTest::mouseMove(followup, followup->widgetPointOf(QPointF(20.0, 5.0)).toPoint());
          QCoreApplication::processEvents();
          return viewer.readoutText() == expected;
        }(),
        30000);
    QCOMPARE(viewer.readoutText(), expected);
    const ComparisonViewer::PixelValues values = viewer.valuesAt(5, 20);
    QCOMPARE(values.baseline, std::optional<double>(1.0));
    QCOMPARE(values.followup, std::optional<double>(1200.0));
    QCOMPARE(values.predicted, std::optional<double>(-1.0));
    QCOMPARE(values.groundTruth, std::optional<double>(-0.5));
    // The same pixel is marked in all four panels: a yellow line through column 20.
    for (int i = 0; i < ComparisonViewer::kPanelCount; ++i) {
      QCOMPARE(viewer.panel(Panel(i))->crosshair(), std::optional<QPoint>(QPoint(20, 5)));
      VtkView* view = viewer.panelView(Panel(i));
      const QImage image = view->grab().toImage();
      const QPoint centre =
          (view->widgetPointOf(QPointF(20.0, 26.0)) * view->devicePixelRatioF()).toPoint();
      bool yellow = false;
      for (int dx = -2; dx <= 2; ++dx) {
        const QRgb p = image.pixel(centre + QPoint(dx, 0));
        yellow = yellow || (qRed(p) > 200 && qGreen(p) > 170 && qBlue(p) < 80);
      }
      QVERIFY2(yellow, qPrintable(viewer.panel(Panel(i))->title()));
    }
    // Leaving the panels hides the crosshair.
    QTest::mouseMove(&viewer, QPoint(5, 5));
    QTRY_VERIFY(!viewer.panel(Panel::Baseline)->crosshair().has_value());
    QVERIFY(!viewer.readoutText().contains(QStringLiteral("Row")));
  }

  void previousAndNextStepThroughTheCases() {
    ComparisonViewer viewer;
    prepare(viewer);
    QSignalSpy changed(&viewer, &ComparisonViewer::caseChanged);
    viewer.setCases(writeRampCases());
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("case_a"));
    QCOMPARE(changed.size(), 1);
    auto* label = viewer.findChild<QLabel*>(QStringLiteral("caseNameLabel"));
    QCOMPARE(label->text(), QStringLiteral("case_a  (case 1 of 3)"));
    auto* previous = viewer.findChild<QPushButton*>(QStringLiteral("previousCaseButton"));
    auto* next = viewer.findChild<QPushButton*>(QStringLiteral("nextCaseButton"));
    QVERIFY(!previous->isEnabled());
    // Files are read off the GUI thread; the images arrive a moment later.
    QTRY_VERIFY(viewer.panel(Panel::Baseline)->hasImage());
    QCOMPARE(viewer.valuesAt(0, 3).baseline, std::optional<double>(3.0));
    QCOMPARE(viewer.panel(Panel::Predicted)->message(),
             QStringLiteral("No checkpoint: choose one to predict"));

    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("case_b"));
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("case_b"));
    QVERIFY(previous->isEnabled());
    QTRY_COMPARE(viewer.valuesAt(0, 3).baseline, std::optional<double>(1003.0));
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("case_c"));
    QVERIFY(!next->isEnabled());
    QTRY_COMPARE(viewer.valuesAt(1, 0).followup, std::optional<double>(2000.0 + 32.0));
    QTest::mouseClick(previous, Qt::LeftButton);
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("case_b"));
    QCOMPARE(viewer.currentCaseIndex(), 1);
    QTRY_COMPARE(viewer.valuesAt(0, 3).baseline, std::optional<double>(1003.0));
  }

  void anOpenedPairWithoutGroundTruthSaysSo() {
    writeRampCases();
    ComparisonViewer viewer;
    prepare(viewer);
    const QString folder = QString::fromStdString(path("ramps/case_b"));
    viewer.openPair(folder + "/prior.nii.gz", folder + "/current.nii.gz");
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("case_b"));
    QCOMPARE(viewer.currentCaseIndex(), -1);
    QTRY_VERIFY(viewer.panel(Panel::Followup)->hasImage());
    QVERIFY(!viewer.panel(Panel::GroundTruth)->hasImage());
    QCOMPARE(viewer.panel(Panel::GroundTruth)->message(), QStringLiteral("No ground truth"));
    QCOMPARE(viewer.valuesAt(2, 2).groundTruth, std::nullopt);
    QCOMPARE(viewer.valuesAt(2, 2).followup, std::optional<double>(1000.0 + 2.0 * 34.0));
  }

  void theTrainersLiveSampleIsShownWithoutACheckpoint() {
    ComparisonViewer viewer;
    prepare(viewer);
    QSignalSpy changed(&viewer, &ComparisonViewer::caseChanged);
    viewer.showSample(quadrantSample());
    QCOMPARE(viewer.currentCaseName(), QStringLiteral("p007/pair1"));
    QCOMPARE(changed.size(), 1);
    QVERIFY(viewer.findChild<QLabel*>(QStringLiteral("caseNameLabel"))
                ->text()
                .contains(QStringLiteral("live sample after epoch 3")));
    QVERIFY(viewer.checkpoint().isEmpty());
    for (int i = 0; i < ComparisonViewer::kPanelCount; ++i) {
      QVERIFY(viewer.panel(Panel(i))->hasImage());
      QVERIFY(viewer.panel(Panel(i))->message().isEmpty());
    }
    QCOMPARE(viewer.valuesAt(31, 31).followup, std::optional<double>(950.0));
    QCOMPARE(viewer.grid(), QSize(kSize, kSize));

    // A sample with mismatched sizes is refused with a message, and the shown one stays.
    SamplePrediction broken = quadrantSample();
    broken.predicted.resize(10);
    QSignalSpy errors(&viewer, &ComparisonViewer::errorOccurred);
    viewer.showSample(broken);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(viewer.valuesAt(0, 0).predicted, std::optional<double>(1.0));
  }

  void aCheckpointPredictsInTheWorkerThread() {
    const QString checkpoint = QString::fromStdString(tinyCheckpoint());
    QVERIFY2(QFileInfo::exists(checkpoint), qPrintable(checkpoint));
    const std::vector<CaseEntry> cases = toyValidationCases();
    QVERIFY(!cases.empty());

    ComparisonViewer viewer;
    prepare(viewer);
    QSignalSpy ready(&viewer, &ComparisonViewer::predictionReady);
    QSignalSpy errors(&viewer, &ComparisonViewer::errorOccurred);
    viewer.setCases(cases);
    viewer.setCheckpoint(checkpoint);
    // setCheckpoint returned at once: the prediction runs while the GUI goes on.
    QVERIFY(viewer.isBusy());
    QVERIFY(viewer.findChild<QProgressBar*>(QStringLiteral("busyIndicator"))->isVisible());
    QVERIFY(ready.wait(60000));
    QCOMPARE(ready.size(), 1);
    QTRY_VERIFY(!viewer.isBusy());
    QVERIFY(!viewer.findChild<QProgressBar*>(QStringLiteral("busyIndicator"))->isVisible());
    QVERIFY2(errors.isEmpty(),
             qPrintable(errors.isEmpty() ? QString() : errors.first().at(0).toString()));
    QVERIFY(viewer.panel(Panel::Predicted)->hasImage());

    // What the panel holds is the checkpoint's prediction for this case.
    const Predictor predictor(checkpoint.toStdString());
    const Prediction expected =
        predictor.predictFiles(cases[0].priorPath, cases[0].currentPath, cases[0].diffPath);
    for (const QPoint at : {QPoint(0, 0), QPoint(31, 17), QPoint(63, 63)})
      QVERIFY(close(viewer.valuesAt(at.y(), at.x()).predicted, expected.map.at(at.y(), at.x())));
    // Refresh predicts the shown case again.
    viewer.refresh();
    QVERIFY(viewer.isBusy());
    QVERIFY(ready.wait(60000));
    QCOMPARE(ready.size(), 2);
    QVERIFY(close(viewer.valuesAt(31, 17).predicted, expected.map.at(31, 17)));
    QVERIFY(viewer.findChild<QLabel*>(QStringLiteral("predictionMetrics"))
                ->text()
                .contains(QStringLiteral("SSIM")));
  }

  void theLiveSampleShowsItsMetrics() {
    ComparisonViewer viewer;
    viewer.resize(900, 500);
    viewer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&viewer));
    // Predicted (1, -1, 0, 0) against the truth (0.5, -0.5, 0, 0) by quadrant: r 1, AUC 1, and an
    // L1 of 0.25, the same as predicting zeros.
    viewer.showSample(quadrantSample());
    const QString text = viewer.findChild<QLabel*>(QStringLiteral("predictionMetrics"))->text();
    for (const char* part : {"(1.00x zeros)", "r 1.000", "AUC 1.000", "SSIM"})
      QVERIFY2(text.contains(QLatin1String(part)), qPrintable(text));
  }

  void resultsForACaseLeftBehindAreDropped() {
    const QString checkpoint = QString::fromStdString(tinyCheckpoint());
    std::vector<CaseEntry> cases = PairIndex::scan(path("toy")).validCases();
    cases.resize(3);
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.setCheckpoint(checkpoint);
    QSignalSpy ready(&viewer, &ComparisonViewer::predictionReady);
    {
      // The first case's request waits in the pool while the user steps on twice.
      const PausedThreadPool paused;
      viewer.setCases(cases);
      auto* next = viewer.findChild<QPushButton*>(QStringLiteral("nextCaseButton"));
      QTest::mouseClick(next, Qt::LeftButton);
      QTest::mouseClick(next, Qt::LeftButton);
      QCOMPARE(viewer.currentCaseName(), QString::fromStdString(cases[2].name));
      QVERIFY(viewer.isBusy());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!viewer.isBusy(), 60000);
    QCOMPARE(ready.size(), 1);
    const Prediction expected =
        Predictor(checkpoint.toStdString()).predictFiles(cases[2].priorPath, cases[2].currentPath);
    QVERIFY(close(viewer.valuesAt(40, 20).predicted, expected.map.at(40, 20)));
    QCOMPARE(viewer.valuesAt(40, 20).baseline,
             std::optional<double>(readImage2D(cases[2].priorPath).at(40, 20)));
  }

  void aBadCheckpointIsReportedByName() {
    std::vector<CaseEntry> cases = writeRampCases();
    const std::string broken = path("broken.pt");
    test::writeBytes(broken, "this is not a checkpoint");
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.setCases(cases);
    QSignalSpy errors(&viewer, &ComparisonViewer::errorOccurred);
    viewer.setCheckpoint(QString::fromStdString(broken));
    QVERIFY(errors.wait(30000));
    const QString message = errors.first().at(0).toString();
    QVERIFY2(message.contains(QString::fromStdString(broken)), qPrintable(message));
    QVERIFY(viewer.statusMessage().contains(QString::fromStdString(broken)));
    // The pair itself is still shown; only the prediction is missing.
    QTRY_VERIFY(viewer.panel(Panel::Baseline)->hasImage());
    QTRY_COMPARE(viewer.panel(Panel::Predicted)->message(), QStringLiteral("No prediction"));
    QTRY_VERIFY(!viewer.isBusy());
    QVERIFY(viewer.checkpoint().isEmpty());  // forgotten: the next case does not fail again
    QVERIFY(viewer.findChild<QLabel*>(QStringLiteral("checkpointLabel"))->text().isEmpty());

    const std::string missing = path("missing.pt");
    viewer.setCheckpoint(QString::fromStdString(missing));
    QVERIFY(errors.wait(30000));
    QVERIFY2(errors.last().at(0).toString().contains(QString::fromStdString(missing)),
             qPrintable(errors.last().at(0).toString()));
  }

  // A DICOM pair: both dates and the interval, the window the file names offered as a preset,
  // and a warning when the prior is the later image.
  void aDicomPairShowsItsDatesAndItsWindow() {
    fs::create_directories(path("dicom"));
    std::vector<short> values(16 * 16);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<short>(i * 4);  // 0 .. 1020
    const std::string prior = path("dicom/prior.dcm");
    const std::string current = path("dicom/current.dcm");
    test::writeTestDicom(prior, 16, 16, values, {{"0008|0022", "20240105"}});
    test::writeTestDicom(current, 16, 16, values,
                         {{"0008|0022", "20240211"}, {"0028|1050", "255"}, {"0028|1051", "510"}});
    ComparisonViewer viewer;
    prepare(viewer);
    auto* combo = viewer.findChild<QComboBox*>(QStringLiteral("windowPresetCombo"));
    QVERIFY(combo);
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    const int fromFile = combo->findData(int(WindowPreset::FromFile));
    QVERIFY(fromFile >= 0 && !model->item(fromFile)->isEnabled());

    viewer.openPair(QString::fromStdString(prior), QString::fromStdString(current));
    QTRY_VERIFY(viewer.panel(Panel::Followup)->hasImage());
    QCOMPARE(viewer.datesText(),
             QStringLiteral("Baseline 2024-01-05 · follow-up 2024-02-11: follow-up 37 days later"));
    QVERIFY(model->item(fromFile)->isEnabled());
    viewer.setWindowPreset(WindowPreset::FromFile);
    // Centre 255, width 510 of a follow-up spanning 0 .. 1020: the lower half of its range.
    QVERIFY(std::abs(viewer.windowLevel().level - 0.25) < 1e-9);
    QVERIFY(std::abs(viewer.windowLevel().window - 0.5) < 1e-9);
    QCOMPARE(combo->currentData().toInt(), int(WindowPreset::FromFile));

    viewer.openPair(QString::fromStdString(current), QString::fromStdString(prior));
    QTRY_VERIFY(viewer.datesText().contains(QStringLiteral("swapped")));
    QVERIFY2(viewer.statusMessage().startsWith(
                 QStringLiteral("Warning: the prior (2024-02-11) is 37 days later")),
             qPrintable(viewer.statusMessage()));
    // Only the baseline names a window now: the preset takes it.
    QVERIFY(model->item(fromFile)->isEnabled());
    QVERIFY(std::abs(viewer.windowLevel().level - 0.25) < 1e-9);

    // NIfTI files name neither dates nor a window.
    writeRampCases();
    const QString ramps = QString::fromStdString(path("ramps/case_a"));
    viewer.openPair(ramps + "/prior.nii.gz", ramps + "/current.nii.gz");
    QTRY_COMPARE(viewer.currentCaseName(), QStringLiteral("case_a"));
    QTRY_VERIFY(viewer.datesText().isEmpty());
    QVERIFY(!model->item(fromFile)->isEnabled());
    QVERIFY(combo->currentData().toInt() != int(WindowPreset::FromFile));
  }

  void anUnreadableImageIsReportedByName() {
    writeRampCases();
    const std::string garbage = path("garbage/prior.nii.gz");
    fs::create_directories(path("garbage"));
    test::writeBytes(garbage, "not gzip, not NIfTI");
    ComparisonViewer viewer;
    prepare(viewer);
    QSignalSpy errors(&viewer, &ComparisonViewer::errorOccurred);
    viewer.openPair(QString::fromStdString(garbage),
                    QString::fromStdString(path("ramps/case_a/current.nii.gz")));
    QVERIFY(errors.wait(30000));
    QVERIFY2(errors.first().at(0).toString().contains(QString::fromStdString(garbage)),
             qPrintable(errors.first().at(0).toString()));
    QCOMPARE(viewer.panel(Panel::Baseline)->message(), QStringLiteral("Cannot read this pair"));
    QVERIFY(!viewer.panel(Panel::Followup)->hasImage());
  }

  void exportWritesThePanelsAtTwiceTheScreenResolution() {
    ComparisonViewer viewer;
    prepare(viewer);
    viewer.showSample(quadrantSample());
    const QString file = dir_.filePath(QStringLiteral("comparison.png"));
    QVERIFY(viewer.exportPng(file, 2.0));
    const QImage image(file);
    QVERIFY(!image.isNull());
    const QWidget* panels = viewer.findChild<QWidget*>(QStringLiteral("comparisonPanels"));
    const double ratio = viewer.devicePixelRatioF();
    QVERIFY(image.width() >= 2 * panels->width() * ratio);
    QVERIFY(image.height() >= 2 * panels->height() * ratio);
    // Below the case name, the panels where they are on screen, at twice the size: the predicted
    // panel's positive quadrant is red there.
    const int header = image.height() - int(std::lround(2 * panels->height() * ratio));
    VtkView* predicted = viewer.panelView(Panel::Predicted);
    const QPointF onScreen = QPointF(predicted->mapTo(panels, QPoint(0, 0))) +
                             predicted->widgetPointOf(QPointF(4.0, 4.0));
    const QPoint at = (onScreen * 2 * ratio).toPoint() + QPoint(0, header);
    VERIFY_COLOUR(image.pixel(at), 178, 24, 43);
    // The case name is written in the header.
    bool text = false;
    for (int x = 0; x < image.width() / 3 && !text; ++x) {
      for (int y = 0; y < header && !text; ++y)
        text = qGray(image.pixel(x, y)) < 100;
    }
    QVERIFY(text);

    // A folder that does not exist: an error naming the file, nothing written.
    QSignalSpy errors(&viewer, &ComparisonViewer::errorOccurred);
    const QString bad = dir_.filePath(QStringLiteral("no/such/folder/out.png"));
    QVERIFY(!viewer.exportPng(bad));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().at(0).toString().contains(bad));
    QVERIFY(!QFileInfo::exists(bad));
  }
};

int main(int argc, char** argv) {
  prepareStudioPlatform();  // the OpenGL surface format VTK needs, before QApplication exists
  QApplication app(argc, argv);
  TestComparisonViewer test;
  return QTest::qExec(&test, argc, argv);
}

#include "TestComparisonViewer.moc"
