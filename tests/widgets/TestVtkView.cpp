// Tests the project's VTK host widget: a known image is drawn on screen and off screen with the
// expected pixels, world and widget coordinates agree, and Qt's mouse events reach VTK.
#include <QApplication>
#include <QSignalSpy>
#include <QWheelEvent>
#include <QtTest>

#include <vtkCamera.h>
#include <vtkFloatArray.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkInteractorStyleImage.h>
#include <vtkPointData.h>

#include "StudioPlatform.h"
#include "VtkView.h"

using namespace longmim::studio;

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

// Samples the centre of each quadrant of `image` and checks the window/levelled greys.
void verifyQuadrants(const QImage& image) {
  QVERIFY(!image.isNull());
  const int w = image.width();
  const int h = image.height();
  const struct {
    double x, y;
    int grey;
  } expected[] = {{0.25, 0.25, 0}, {0.75, 0.25, 255}, {0.25, 0.75, 64}, {0.75, 0.75, 191}};
  for (const auto& e : expected) {
    const QRgb pixel = image.pixel(int(e.x * w), int(e.y * h));
    QVERIFY2(near(pixel, e.grey, e.grey, e.grey),
             qPrintable(QStringLiteral("at (%1, %2): %3, expected grey %4")
                            .arg(e.x)
                            .arg(e.y)
                            .arg(describe(pixel))
                            .arg(e.grey)));
  }
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
    // grabFramebuffer goes through paintGL: VTK's render and the copy into Qt's framebuffer.
    const QImage shown = view.grabFramebuffer();
    QCOMPARE(shown.size(), QSize(kViewSize, kViewSize) * view.devicePixelRatioF());
    verifyQuadrants(shown);
    // ... and as Qt composes it into the window.
    verifyQuadrants(view.grab().toImage());
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
    verifyQuadrants(view.grabFramebuffer());
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
    verifyQuadrants(view->grabFramebuffer());
    view->setParent(&second);
    view->show();
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    verifyQuadrants(view->grabFramebuffer());
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
    const QRgb corner = view.grabFramebuffer().pixel(2, 2);
    QVERIFY2(near(corner, 0, 0, 0), qPrintable(describe(corner)));
    QWheelEvent wheel(QPointF(200, 200), view.mapToGlobal(QPointF(200, 200)), QPoint(),
                      QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    QVERIFY2(camera->GetParallelScale() > before * 1.05,
             qPrintable(QString::number(camera->GetParallelScale())));
    const QImage zoomed = view.grabFramebuffer();
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
