// Tests the project's VTK host widget: a known image is drawn on screen and off screen with the
// expected pixels, its window stays a raster window, renders are coalesced, world and widget
// coordinates agree, and Qt's mouse events reach VTK.
#include <QApplication>
#include <QLabel>
#include <QScreen>
#include <QSignalSpy>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QWindow>
#include <QtTest>

#include <algorithm>

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkFloatArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkInteractorStyleImage.h>
#include <vtkPointData.h>
#include <vtkRenderer.h>

#include "RenderCounter.h"
#include "shell/StudioPlatform.h"
#include "viewer/VtkView.h"

using namespace longmim::studio;
using longmim::test::RenderCounter;

namespace {

constexpr int kImageSize = 8;
constexpr int kViewSize = 400;

// Quadrants: top-left 0, top-right 1, bottom-left 0.25, bottom-right 0.75 (row 0 at the top).
vtkSmartPointer<vtkImageData> quadrantImage() {
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(kImageSize, kImageSize, 1);
  vtkNew<vtkFloatArray> values;
  values->SetNumberOfValues(kImageSize * kImageSize);
  for (int row = 0; row < kImageSize; ++row) {
    for (int col = 0; col < kImageSize; ++col) {
      const bool top = row < kImageSize / 2;
      const bool left = col < kImageSize / 2;
      const float value = top ? (left ? 0.0f : 1.0f) : (left ? 0.25f : 0.75f);
      values->SetValue(row * kImageSize + col, value);
    }
  }
  image->GetPointData()->SetScalars(values);
  return image;
}

// The image fills the square view exactly, row 0 at the top as in a radiograph.
void showQuadrants(VtkView& view) {
  vtkNew<vtkImageActor> actor;
  actor->GetMapper()->SetInputData(quadrantImage());
  actor->GetMapper()->BorderOn();  // whole pixels up to the image's edge
  actor->GetProperty()->SetColorWindow(1.0);
  actor->GetProperty()->SetColorLevel(0.5);
  actor->GetProperty()->SetInterpolationTypeToNearest();
  view.renderer()->AddActor(actor);
  view.renderer()->SetBackground(0.0, 0.0, 1.0);  // blue: tells "nothing drawn" from black
  vtkCamera* camera = view.renderer()->GetActiveCamera();
  camera->ParallelProjectionOn();
  const double centre = (kImageSize - 1) / 2.0;
  camera->SetFocalPoint(centre, centre, 0.0);
  camera->SetPosition(centre, centre, -100.0);
  camera->SetViewUp(0.0, -1.0, 0.0);
  camera->SetParallelScale(kImageSize / 2.0);
  camera->SetClippingRange(1.0, 1000.0);
}

bool near(QRgb pixel, int red, int green, int blue, int tolerance = 3) {
  return std::abs(qRed(pixel) - red) <= tolerance && std::abs(qGreen(pixel) - green) <= tolerance &&
         std::abs(qBlue(pixel) - blue) <= tolerance;
}

QString describe(QRgb pixel) {
  return QStringLiteral("rgb(%1, %2, %3)").arg(qRed(pixel)).arg(qGreen(pixel)).arg(qBlue(pixel));
}

// Samples the centre of each quadrant of `image` and says what differs from the window/levelled
// greys (empty when nothing does).
QString quadrantMismatch(const QImage& image) {
  if (image.isNull())
    return QStringLiteral("no image");
  const int w = image.width();
  const int h = image.height();
  const struct {
    double x, y;
    int grey;
  } expected[] = {{0.25, 0.25, 0}, {0.75, 0.25, 255}, {0.25, 0.75, 64}, {0.75, 0.75, 191}};
  for (const auto& e : expected) {
    const QRgb pixel = image.pixel(int(e.x * w), int(e.y * h));
    if (!near(pixel, e.grey, e.grey, e.grey)) {
      return QStringLiteral("at (%1, %2): %3, expected grey %4")
          .arg(e.x)
          .arg(e.y)
          .arg(describe(pixel))
          .arg(e.grey);
    }
  }
  return {};
}

void verifyQuadrants(const QImage& image) {
  const QString mismatch = quadrantMismatch(image);
  QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

// Whether a widget under `window` is drawn into a texture that Qt composes with OpenGL.
bool hasTextureChild(const QWidget& window) {
  const QList<QWidget*> children = window.findChildren<QWidget*>();
  return std::any_of(children.begin(), children.end(),
                     [](const QWidget* w) { return w->inherits("QOpenGLWidget"); });
}

}  // namespace

class TestVtkView : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void drawsAKnownImageOnScreen() {
    VtkView view;
    view.resize(kViewSize, kViewSize);
    showQuadrants(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // What the widget paints: VTK's render, read back from its off-screen framebuffer.
    const QImage painted = view.grab().toImage();
    QCOMPARE(painted.size(), QSize(kViewSize, kViewSize) * view.devicePixelRatioF());
    verifyQuadrants(painted);
    // ... and what reached the X server's window.
    QTRY_VERIFY2(quadrantMismatch(view.screen()->grabWindow(view.winId()).toImage()).isEmpty(),
                 qPrintable(quadrantMismatch(view.screen()->grabWindow(view.winId()).toImage())));
  }

  void itsWindowStaysARasterWindow() {
    // A texture-backed child (QOpenGLWidget) makes Qt compose the whole top-level window through
    // OpenGL on every repaint, which stalled the studio under llvmpipe. The view paints an image.
    QWidget window;
    auto* status = new QLabel(QStringLiteral("Epoch 1"), &window);
    auto* view = new VtkView(&window);
    auto* layout = new QVBoxLayout(&window);
    layout->addWidget(view, 1);
    layout->addWidget(status);
    window.resize(kViewSize, kViewSize + 40);
    showQuadrants(*view);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(quadrantMismatch(view->grab().toImage()).isEmpty());
    QVERIFY(!hasTextureChild(window));
    QCOMPARE(window.windowHandle()->surfaceType(), QSurface::RasterSurface);

    // Interaction, an off-screen render and a changed label leave the window as it is, and the
    // label's repaint does not render the scene again.
    vtkNew<vtkInteractorStyleImage> style;
    view->setInteractorStyle(style);
    QWheelEvent wheel(QPointF(200, 200), view->mapToGlobal(QPointF(200, 200)), QPoint(),
                      QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
    QVERIFY(!view->renderImage(2.0).isNull());
    QTRY_VERIFY(quadrantMismatch(view->grab().toImage()).isEmpty());
    const RenderCounter renders(*view);
    status->setText(QStringLiteral("Epoch 2"));
    status->repaint();
    QCOMPARE(renders.count(), 0);
    QVERIFY(!hasTextureChild(window));
    QCOMPARE(window.windowHandle()->surfaceType(), QSurface::RasterSurface);
  }

  void requestsInOneEventLoopTurnRenderOnce() {
    VtkView view;
    view.resize(kViewSize, kViewSize);
    showQuadrants(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    verifyQuadrants(view.grab().toImage());
    RenderCounter renders(view);
    // The scene changes three times (here: the background) before the event loop runs again.
    for (double blue : {0.2, 0.6, 0.5}) {
      view.renderer()->SetBackground(0.0, 0.0, blue);
      view.requestRender();
    }
    QTRY_COMPARE(renders.count(), 1);
    // The frame shows the last change, and painting it again does not render again.
    renders.reset();
    view.renderer()->GetActiveCamera()->Zoom(0.5);  // zoomed out: the background shows
    view.requestRender();
    QTRY_COMPARE(renders.count(), 1);
    const QImage shown = view.grab().toImage();
    QVERIFY2(near(shown.pixel(2, 2), 0, 0, 128), qPrintable(describe(shown.pixel(2, 2))));
    view.repaint();
    QCOMPARE(renders.count(), 1);
  }

  void rendersOffScreenAtAHigherScale() {
    VtkView view;
    view.resize(kViewSize, kViewSize);
    showQuadrants(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage same = view.renderImage(1.0);
    QCOMPARE(same.size(), QSize(kViewSize, kViewSize) * view.devicePixelRatioF());
    verifyQuadrants(same);
    const QImage large = view.renderImage(2.5);
    QCOMPARE(large.size(), QSize(1000, 1000) * view.devicePixelRatioF());
    verifyQuadrants(large);
    // The quadrant border stays where it belongs at the larger size.
    const int y = large.height() / 4;
    QVERIFY(near(large.pixel(large.width() / 2 - 3, y), 0, 0, 0));
    QVERIFY(near(large.pixel(large.width() / 2 + 3, y), 255, 255, 255));
    // The view on screen is unchanged afterwards.
    verifyQuadrants(view.grab().toImage());
  }

  void aHiddenViewStillRendersAnImage() {
    VtkView view;
    view.resize(kViewSize / 2, kViewSize / 2);
    showQuadrants(view);
    const QImage image = view.renderImage(2.0);
    QCOMPARE(image.size(), QSize(kViewSize, kViewSize) * view.devicePixelRatioF());
    verifyQuadrants(image);
  }

  void survivesMovingToAnotherWindow() {
    // A view in a dock that is floated or re-docked gets a new top-level window and context.
    QWidget first;
    QWidget second;
    first.resize(kViewSize, kViewSize);
    second.resize(kViewSize, kViewSize);
    auto* view = new VtkView(&first);
    view->resize(kViewSize, kViewSize);
    showQuadrants(*view);
    first.show();
    QVERIFY(QTest::qWaitForWindowExposed(&first));
    verifyQuadrants(view->grab().toImage());
    view->setParent(&second);
    view->show();
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    verifyQuadrants(view->grab().toImage());
    verifyQuadrants(view->renderImage(2.0));
  }

  void worldAndWidgetPointsAgree() {
    VtkView view;
    view.resize(kViewSize, kViewSize);
    showQuadrants(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // 8 pixels over 400: pixel (row 1, col 6) has its centre at x = 6.5 * 50, y = 1.5 * 50.
    const QPointF world = view.worldPointAt(QPointF(325.0, 75.0));
    QVERIFY2(std::abs(world.x() - 6.0) < 1e-6 && std::abs(world.y() - 1.0) < 1e-6,
             qPrintable(QStringLiteral("%1, %2").arg(world.x()).arg(world.y())));
    const QPointF back = view.widgetPointOf(world);
    QVERIFY(std::abs(back.x() - 325.0) < 1e-6 && std::abs(back.y() - 75.0) < 1e-6);
  }

  void mouseEventsReachVtk() {
    VtkView view;
    view.resize(kViewSize, kViewSize);
    showQuadrants(view);
    vtkNew<vtkInteractorStyleImage> style;
    view.setInteractorStyle(style);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QSignalSpy moved(&view, &VtkView::cursorMoved);
    QTest::mouseMove(&view, QPoint(75, 325));
    QTRY_VERIFY(!moved.isEmpty());
    const QPointF world = moved.last().at(0).toPointF();
    QVERIFY(std::abs(world.x() - 1.0) < 1e-6 && std::abs(world.y() - 6.0) < 1e-6);

    // One wheel notch back zooms out: the camera shows more of the world, and the background
    // appears around the image.
    vtkCamera* camera = view.renderer()->GetActiveCamera();
    const double before = camera->GetParallelScale();
    const QRgb corner = view.grab().toImage().pixel(2, 2);
    QVERIFY2(near(corner, 0, 0, 0), qPrintable(describe(corner)));
    QWheelEvent wheel(QPointF(200, 200), view.mapToGlobal(QPointF(200, 200)), QPoint(),
                      QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    QVERIFY2(camera->GetParallelScale() > before * 1.05,
             qPrintable(QString::number(camera->GetParallelScale())));
    const QImage zoomed = view.grab().toImage();
    QVERIFY2(near(zoomed.pixel(2, 2), 0, 0, 255), qPrintable(describe(zoomed.pixel(2, 2))));
    verifyQuadrants(zoomed);
  }
};

int main(int argc, char** argv) {
  prepareStudioPlatform();  // the OpenGL surface format VTK needs, before QApplication exists
  QApplication app(argc, argv);
  TestVtkView test;
  return QTest::qExec(&test, argc, argv);
}

#include "TestVtkView.moc"
