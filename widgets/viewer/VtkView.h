// A raster-painted widget that shows one VTK scene, rendered off screen, and feeds it Qt's mouse.
// It is the project's own because Debian's VTK Qt adapter is built against Qt 5 (platform-notes 3).
//
// Why not a QOpenGLWidget: once a texture-backed child lives in a top-level window, Qt composes
// that whole window through OpenGL on every update (upload of the full backing store as a texture,
// draw, swap). Under Xvfb with Mesa llvmpipe (no GPU, 2 cores, training at nice 10) every repaint
// of the 1500x920 main window -- even a status bar label -- then cost 30-60 ms of the GUI thread,
// and the window stalled 60-130 ms, beyond the studio's 50 ms budget. Measured on this machine
// (idle, five views in a 1500x920 window): a label's repaint took 18 ms (median; 24 ms max) with
// QOpenGLWidget views and takes 0.15 ms (0.4 ms max) with this widget; a repaint of the whole
// window without a scene change 27 ms against 0.2 ms. The longest pause of the studio during a
// training run (TestStudioTraining, same machine) went from 36-69 ms (4 runs) to 12-27 ms (6 runs).
//
// So the view owns an OpenGL context on an off-screen surface. VTK renders into its own framebuffer
// objects there (no blit to any window); the pixels are read back into a QImage and painted like
// any other widget's, and the window stays a raster window. Render + read-back of a 350x350 panel
// takes 1.3-1.7 ms, of a 700x700 one 5-8.5 ms (read-back and conversion: under 1 ms of it).
// Renders are requested, not done at once: all requests made before the event loop runs again are
// served by one render at the next paint, and a repaint without a change (e.g. of a widget over
// the view) reuses the last frame.
#pragma once

#include <QImage>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QWidget>

#include <memory>

// Full VTK headers: moc cannot handle vtkSmartPointer / vtkNew of forward-declared types.
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

class QOffscreenSurface;
class QOpenGLContext;
class vtkInteractorObserver;
class vtkObject;

namespace longmim::studio {

class VtkView : public QWidget {
  Q_OBJECT

 public:
  explicit VtkView(QWidget* parent = nullptr);
  ~VtkView() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const { return renderWindow_; }
  vtkRenderer* renderer() const { return renderer_; }
  vtkRenderWindowInteractor* interactor() const { return interactor_; }
  // The style that turns this view's mouse events into camera or scene changes.
  void setInteractorStyle(vtkInteractorObserver* style);

  // The scene changed (props, camera, colours): it is rendered again at the next paint. Any
  // number of requests before the event loop runs again cost one render.
  void requestRender();

  // The point of the z = 0 world plane under a widget position (logical pixels, top-left origin),
  // and back. Both need the widget to have a size; the scene is 2-D, so z is ignored.
  QPointF worldPointAt(const QPointF& widgetPoint) const;
  QPointF widgetPointOf(const QPointF& worldPoint) const;

  // Renders the scene off-screen at `scale` x the widget's size in device pixels (>= 1; text and
  // lines grow with it) and returns it. The on-screen view is left as it was. A null image when
  // no OpenGL context could be made.
  QImage renderImage(double scale = 1.0);

 Q_SIGNALS:
  // The mouse moved over the view (with or without a button held): the world point under it.
  void cursorMoved(QPointF world);
  void cursorLeft();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void enterEvent(QEnterEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  // Creates the context and lets VTK initialise it, once; false (with contextError_ set) when the
  // platform gives no usable OpenGL context.
  bool ensureContext();
  // One render of the scene at `scale` x the device size, read back top row first.
  QImage renderScene(double scale);
  void onMakeCurrent(vtkObject*, unsigned long, void*);
  void onIsCurrent(vtkObject*, unsigned long, void* isCurrent);
  void onRenderRequested(vtkObject*, unsigned long, void*);
  void releaseGraphics();
  // Sets the interactor's event position, modifiers and size from a Qt position.
  void setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers,
                           int repeatCount = 0);
  QSize deviceSize() const;

  // Declared before the VTK objects: VTK's destructors still find the context alive.
  std::unique_ptr<QOffscreenSurface> surface_;
  std::unique_ptr<QOpenGLContext> context_;
  QString contextError_;
  vtkNew<vtkGenericOpenGLRenderWindow> renderWindow_;
  vtkNew<vtkRenderer> renderer_;
  vtkNew<vtkGenericRenderWindowInteractor> interactor_;
  unsigned long makeCurrentTag_ = 0;
  unsigned long isCurrentTag_ = 0;
  unsigned long renderTag_ = 0;
  QImage frame_;            // the last on-screen render, in device pixels
  bool frameStale_ = true;  // the scene changed since frame_ was rendered
  int wheelDelta_ = 0;      // wheel movement not yet turned into a zoom step
};

}  // namespace longmim::studio
