// A QOpenGLWidget that hosts one VTK scene (vtkGenericOpenGLRenderWindow + one renderer) and feeds
// it Qt's mouse events, because Debian's VTK Qt adapter is built against Qt 5 (platform-notes 3).
#pragma once

#include <QImage>
#include <QOpenGLWidget>
#include <QPointF>

// Full VTK headers: moc cannot handle vtkSmartPointer / vtkNew of forward-declared types.
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

class vtkInteractorObserver;
class vtkObject;

namespace longmim::studio {

class VtkView : public QOpenGLWidget {
  Q_OBJECT

 public:
  explicit VtkView(QWidget* parent = nullptr);
  ~VtkView() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const { return renderWindow_; }
  vtkRenderer* renderer() const { return renderer_; }
  vtkRenderWindowInteractor* interactor() const { return interactor_; }
  // The style that turns this view's mouse events into camera or scene changes.
  void setInteractorStyle(vtkInteractorObserver* style);

  // The point of the z = 0 world plane under a widget position (logical pixels, top-left origin),
  // and back. Both need the widget to have a size; the scene is 2-D, so z is ignored.
  QPointF worldPointAt(const QPointF& widgetPoint) const;
  QPointF widgetPointOf(const QPointF& worldPoint) const;

  // Renders the scene off-screen at `scale` x the widget's size in device pixels (>= 1; text and
  // lines grow with it) and returns it. The on-screen view is left as it was.
  QImage renderImage(double scale = 1.0);

 Q_SIGNALS:
  // The mouse moved over the view (with or without a button held): the world point under it.
  void cursorMoved(QPointF world);
  void cursorLeft();

 protected:
  void initializeGL() override;
  void resizeGL(int width, int height) override;
  void paintGL() override;

  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void enterEvent(QEnterEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void onMakeCurrent(vtkObject*, unsigned long, void*);
  void onIsCurrent(vtkObject*, unsigned long, void* isCurrent);
  void onRenderRequested(vtkObject*, unsigned long, void*);
  void releaseGraphics();
  // Sets the interactor's event position, modifiers and size from a Qt position.
  void setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers,
                           int repeatCount = 0);
  QSize deviceSize() const;

  vtkNew<vtkGenericOpenGLRenderWindow> renderWindow_;
  vtkNew<vtkRenderer> renderer_;
  vtkNew<vtkGenericRenderWindowInteractor> interactor_;
  unsigned long makeCurrentTag_ = 0;
  unsigned long isCurrentTag_ = 0;
  unsigned long renderTag_ = 0;
  int wheelDelta_ = 0;  // wheel movement not yet turned into a zoom step
  bool contextInitialised_ = false;
};

}  // namespace longmim::studio
