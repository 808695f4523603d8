#include "VtkView.h"

#include <QEnterEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkInteractorObserver.h>
#include <vtkOpenGLState.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace longmim::studio {
namespace {

// Qt's defaults (GL_LESS) differ from what VTK's depth peeling and 2-D overlays expect.
constexpr unsigned kGlLessOrEqual = 0x0203;      // GL_LEQUAL
constexpr unsigned kGlDrawFramebuffer = 0x8CA9;  // GL_DRAW_FRAMEBUFFER
constexpr int kGlColorBufferBit = 0x00004000;    // GL_COLOR_BUFFER_BIT
constexpr int kGlNearest = 0x2600;               // GL_NEAREST
constexpr unsigned kGlRgb8 = 0x8051;             // GL_RGB8
constexpr int kWheelStep = 120;                  // one notch of a mouse wheel, in 1/8 degree
constexpr double kVtkDefaultDpi = 72.0;

}  // namespace

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent) {
  setMouseTracking(true);  // the crosshair follows the mouse without a button held
  setFocusPolicy(Qt::WheelFocus);
  setMinimumSize(64, 64);
  // Qt composes the widget's texture into the window with its alpha, and VTK leaves alpha < 1
  // wherever it blends (overlays, text): an opaque texture shows the colours VTK drew.
  setTextureFormat(kGlRgb8);

  renderWindow_->AddRenderer(renderer_);
  // Qt owns the context and the default framebuffer: VTK renders only from paintGL (or
  // renderImage) into its own framebuffer, which paintGL then copies into the widget's.
  renderWindow_->SetOwnContext(false);
  renderWindow_->SetReadyForRendering(false);
  renderWindow_->SetFrameBlitModeToNoBlit();
  renderWindow_->SetMultiSamples(0);
  makeCurrentTag_ =
      renderWindow_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this, &VtkView::onMakeCurrent);
  isCurrentTag_ =
      renderWindow_->AddObserver(vtkCommand::WindowIsCurrentEvent, this, &VtkView::onIsCurrent);

  interactor_->SetRenderWindow(renderWindow_);
  // A style asking the interactor to render would render outside paintGL, where the widget's
  // context and framebuffer are not set up; schedule a repaint instead.
  interactor_->EnableRenderOff();
  renderTag_ = interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkView::onRenderRequested);
  interactor_->Enable();
}

VtkView::~VtkView() {
  interactor_->RemoveObserver(renderTag_);
  interactor_->SetInteractorStyle(nullptr);
  releaseGraphics();
  renderWindow_->RemoveObserver(makeCurrentTag_);
  renderWindow_->RemoveObserver(isCurrentTag_);
}

void VtkView::setInteractorStyle(vtkInteractorObserver* style) {
  interactor_->SetInteractorStyle(style);
}

QSize VtkView::deviceSize() const {
  const double ratio = devicePixelRatioF();
  return QSize(std::max(1, int(std::lround(width() * ratio))),
               std::max(1, int(std::lround(height() * ratio))));
}

QPointF VtkView::worldPointAt(const QPointF& widgetPoint) const {
  const double ratio = devicePixelRatioF();
  const QSize size = deviceSize();
  renderWindow_->SetSize(size.width(), size.height());
  renderer_->SetDisplayPoint(widgetPoint.x() * ratio, size.height() - widgetPoint.y() * ratio, 0.0);
  renderer_->DisplayToWorld();
  double world[4];
  renderer_->GetWorldPoint(world);
  const double w = world[3] != 0.0 ? world[3] : 1.0;
  return QPointF(world[0] / w, world[1] / w);
}

QPointF VtkView::widgetPointOf(const QPointF& worldPoint) const {
  const double ratio = devicePixelRatioF();
  const QSize size = deviceSize();
  renderWindow_->SetSize(size.width(), size.height());
  renderer_->SetWorldPoint(worldPoint.x(), worldPoint.y(), 0.0, 1.0);
  renderer_->WorldToDisplay();
  double display[3];
  renderer_->GetDisplayPoint(display);
  return QPointF(display[0] / ratio, (size.height() - display[1]) / ratio);
}

void VtkView::initializeGL() {
  // Called again when the widget moves to another top-level window (a new context).
  renderWindow_->OpenGLInitContext();
  contextInitialised_ = true;
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkView::releaseGraphics,
          Qt::UniqueConnection);
}

void VtkView::resizeGL(int, int) {
  const QSize size = deviceSize();
  interactor_->UpdateSize(size.width(), size.height());
  renderWindow_->SetSize(size.width(), size.height());
}

void VtkView::paintGL() {
  const QSize size = deviceSize();
  renderWindow_->SetSize(size.width(), size.height());
  vtkOpenGLState* state = renderWindow_->GetState();
  // Qt has used the context since VTK last did: forget VTK's cached GL state.
  state->Reset();
  state->Push();
  state->vtkglDepthFunc(kGlLessOrEqual);
  renderWindow_->SetReadyForRendering(true);
  renderWindow_->Render();
  renderWindow_->SetReadyForRendering(false);
  // Rendering may have let another widget make its context current (e.g. a progress update).
  makeCurrent();
  state->vtkglBindFramebuffer(kGlDrawFramebuffer, defaultFramebufferObject());
  renderWindow_->BlitDisplayFramebuffer(0, 0, 0, size.width(), size.height(), 0, 0, size.width(),
                                        size.height(), kGlColorBufferBit, kGlNearest);
  state->Pop();
}

QImage VtkView::renderImage(double scale) {
  scale = std::max(1.0, scale);
  if (!contextInitialised_)
    grabFramebuffer();  // creates the context (initializeGL) even for a widget never shown
  if (!context())
    return {};
  const QSize base = deviceSize();
  const int width = int(std::lround(base.width() * scale));
  const int height = int(std::lround(base.height() * scale));
  const int dpi = renderWindow_->GetDPI();

  makeCurrent();
  vtkOpenGLState* state = renderWindow_->GetState();
  state->Reset();
  state->Push();
  state->vtkglDepthFunc(kGlLessOrEqual);
  renderWindow_->SetSize(width, height);
  // Text sizes are in points: a higher DPI keeps them in proportion to the larger image.
  renderWindow_->SetDPI(int(std::lround(kVtkDefaultDpi * scale * devicePixelRatioF())));
  renderWindow_->SetReadyForRendering(true);
  renderWindow_->Render();
  makeCurrent();
  vtkNew<vtkUnsignedCharArray> rgba;
  renderWindow_->GetRGBACharPixelData(0, 0, width - 1, height - 1, 1, rgba, 0);
  renderWindow_->SetReadyForRendering(false);
  renderWindow_->SetDPI(dpi);
  renderWindow_->SetSize(base.width(), base.height());
  state->Pop();
  doneCurrent();
  update();

  if (rgba->GetNumberOfValues() != vtkIdType(width) * height * 4)
    return {};
  QImage image(width, height, QImage::Format_RGBA8888);
  // VTK's rows go bottom-up.
  const unsigned char* source = rgba->GetPointer(0);
  for (int row = 0; row < height; ++row) {
    std::memcpy(image.scanLine(height - 1 - row), source + size_t(row) * width * 4,
                size_t(width) * 4);
  }
  return image.convertToFormat(QImage::Format_RGB32);
}

void VtkView::onMakeCurrent(vtkObject*, unsigned long, void*) {
  // Making an already current context current again leaves the widget black (platform-notes 3).
  if (context() && QOpenGLContext::currentContext() != context())
    makeCurrent();
}

void VtkView::onIsCurrent(vtkObject*, unsigned long, void* isCurrent) {
  *static_cast<bool*>(isCurrent) = context() && QOpenGLContext::currentContext() == context();
}

void VtkView::onRenderRequested(vtkObject*, unsigned long, void*) {
  update();
}

void VtkView::releaseGraphics() {
  if (!contextInitialised_ || !context())
    return;
  makeCurrent();
  renderWindow_->Finalize();
  doneCurrent();
  contextInitialised_ = false;
}

void VtkView::setEventInformation(const QPointF& position, Qt::KeyboardModifiers modifiers,
                                  int repeatCount) {
  const double ratio = devicePixelRatioF();
  const QSize size = deviceSize();
  interactor_->SetSize(size.width(), size.height());
  const int x = int(std::lround(position.x() * ratio));
  const int y = size.height() - 1 - int(std::lround(position.y() * ratio));
  interactor_->SetEventInformation(x, y, modifiers.testFlag(Qt::ControlModifier) ? 1 : 0,
                                   modifiers.testFlag(Qt::ShiftModifier) ? 1 : 0, 0, repeatCount);
  interactor_->SetAltKey(modifiers.testFlag(Qt::AltModifier) ? 1 : 0);
}

void VtkView::mousePressEvent(QMouseEvent* event) {
  setEventInformation(event->position(), event->modifiers(),
                      event->type() == QEvent::MouseButtonDblClick ? 1 : 0);
  switch (event->button()) {
    case Qt::LeftButton:
      interactor_->InvokeEvent(vtkCommand::LeftButtonPressEvent);
      break;
    case Qt::MiddleButton:
      interactor_->InvokeEvent(vtkCommand::MiddleButtonPressEvent);
      break;
    case Qt::RightButton:
      interactor_->InvokeEvent(vtkCommand::RightButtonPressEvent);
      break;
    default:
      event->ignore();
      return;
  }
  event->accept();
}

void VtkView::mouseReleaseEvent(QMouseEvent* event) {
  setEventInformation(event->position(), event->modifiers());
  switch (event->button()) {
    case Qt::LeftButton:
      interactor_->InvokeEvent(vtkCommand::LeftButtonReleaseEvent);
      break;
    case Qt::MiddleButton:
      interactor_->InvokeEvent(vtkCommand::MiddleButtonReleaseEvent);
      break;
    case Qt::RightButton:
      interactor_->InvokeEvent(vtkCommand::RightButtonReleaseEvent);
      break;
    default:
      event->ignore();
      return;
  }
  event->accept();
}

void VtkView::mouseMoveEvent(QMouseEvent* event) {
  setEventInformation(event->position(), event->modifiers());
  interactor_->InvokeEvent(vtkCommand::MouseMoveEvent);
  event->accept();
  Q_EMIT cursorMoved(worldPointAt(event->position()));
}

void VtkView::wheelEvent(QWheelEvent* event) {
  // Touchpads send many small deltas: zoom one step per accumulated wheel notch.
  const int delta = event->angleDelta().y();
  if (delta == 0) {
    event->ignore();
    return;
  }
  setEventInformation(event->position(), event->modifiers());
  wheelDelta_ += delta;
  const int steps = std::abs(wheelDelta_) / kWheelStep;
  wheelDelta_ -= (wheelDelta_ > 0 ? 1 : -1) * steps * kWheelStep;
  for (int step = 0; step < steps; ++step) {
    interactor_->InvokeEvent(delta > 0 ? vtkCommand::MouseWheelForwardEvent
                                       : vtkCommand::MouseWheelBackwardEvent);
  }
  event->accept();
}

void VtkView::enterEvent(QEnterEvent* event) {
  setEventInformation(event->position(), event->modifiers());
  interactor_->InvokeEvent(vtkCommand::EnterEvent);
  QOpenGLWidget::enterEvent(event);
}

void VtkView::leaveEvent(QEvent* event) {
  interactor_->InvokeEvent(vtkCommand::LeaveEvent);
  Q_EMIT cursorLeft();
  QOpenGLWidget::leaveEvent(event);
}

}  // namespace longmim::studio
