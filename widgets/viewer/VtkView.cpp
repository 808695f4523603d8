#include "viewer/VtkView.h"

#include <QEnterEvent>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QPainter>
#include <QResizeEvent>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCommand.h>
#include <vtkInteractorObserver.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace longmim::studio {
namespace {

constexpr int kWheelStep = 120;  // one notch of a mouse wheel, in 1/8 degree
constexpr double kVtkDefaultDpi = 72.0;

// Makes a context current for its lifetime, then gives the thread back the context that was
// current before (Qt's or another library's), or none.
class CurrentContext {
 public:
  CurrentContext(QOpenGLContext* context, QSurface* surface)
      : context_(context),
        previous_(QOpenGLContext::currentContext()),
        previousSurface_(previous_ ? previous_->surface() : nullptr),
        made_(context->makeCurrent(surface)) {}
  ~CurrentContext() {
    if (!previous_)
      context_->doneCurrent();
    else if (previous_ != context_)
      previous_->makeCurrent(previousSurface_);
  }
  CurrentContext(const CurrentContext&) = delete;
  CurrentContext& operator=(const CurrentContext&) = delete;

  bool made() const { return made_; }

 private:
  QOpenGLContext* context_;
  QOpenGLContext* previous_;
  QSurface* previousSurface_;
  bool made_;
};

}  // namespace

VtkView::VtkView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);  // the crosshair follows the mouse without a button held
  setFocusPolicy(Qt::WheelFocus);
  setMinimumSize(64, 64);
  // Every pixel is painted from the rendered frame: Qt need not clear the background first.
  setAttribute(Qt::WA_OpaquePaintEvent);

  renderWindow_->AddRenderer(renderer_);
  // The view owns the context (made current through the callbacks below); VTK renders into its
  // own framebuffer objects and never blits to a window: the frame is read back instead.
  renderWindow_->SetOwnContext(false);
  renderWindow_->SetReadyForRendering(false);
  renderWindow_->SetFrameBlitModeToNoBlit();
  renderWindow_->SetMultiSamples(0);
  makeCurrentTag_ =
      renderWindow_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this, &VtkView::onMakeCurrent);
  isCurrentTag_ =
      renderWindow_->AddObserver(vtkCommand::WindowIsCurrentEvent, this, &VtkView::onIsCurrent);

  interactor_->SetRenderWindow(renderWindow_);
  // A style asking the interactor to render would render at once, once per mouse event; a
  // requested render is coalesced into the next paint instead.
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

void VtkView::requestRender() {
  frameStale_ = true;
  update();  // Qt merges the updates of one event-loop turn into one paint
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

bool VtkView::ensureContext() {
  if (context_)
    return contextError_.isEmpty();
  // The default format is the one prepareStudioPlatform() set for VTK (OpenGL 3.2 core).
  const QSurfaceFormat format = QSurfaceFormat::defaultFormat();
  surface_ = std::make_unique<QOffscreenSurface>();
  surface_->setFormat(format);
  surface_->create();
  context_ = std::make_unique<QOpenGLContext>();
  context_->setFormat(format);
  if (!surface_->isValid() || !context_->create()) {
    contextError_ = tr("OpenGL %1.%2 is not available: this view cannot be drawn.")
                        .arg(format.majorVersion())
                        .arg(format.minorVersion());
    return false;
  }
  const CurrentContext current(context_.get(), surface_.get());
  if (!current.made()) {
    contextError_ = tr("The OpenGL context of this view cannot be used.");
    return false;
  }
  renderWindow_->OpenGLInitContext();
  return true;
}

QImage VtkView::renderScene(double scale) {
  if (!ensureContext())
    return {};
  const QSize base = deviceSize();
  const int width = std::max(1, int(std::lround(base.width() * scale)));
  const int height = std::max(1, int(std::lround(base.height() * scale)));
  const CurrentContext current(context_.get(), surface_.get());
  if (!current.made())
    return {};
  renderWindow_->SetSize(width, height);
  // Text sizes are in points: a higher DPI keeps them in proportion to the larger image.
  renderWindow_->SetDPI(int(std::lround(kVtkDefaultDpi * scale * devicePixelRatioF())));
  renderWindow_->SetReadyForRendering(true);
  renderWindow_->Render();
  vtkNew<vtkUnsignedCharArray> rgba;
  const bool read =
      renderWindow_->GetRGBACharPixelData(0, 0, width - 1, height - 1, 1, rgba, 0) == VTK_OK;
  renderWindow_->SetReadyForRendering(false);
  // The interactor's styles read the window's size: leave it at the view's.
  renderWindow_->SetSize(base.width(), base.height());
  renderWindow_->SetDPI(int(std::lround(kVtkDefaultDpi * devicePixelRatioF())));

  if (!read || rgba->GetNumberOfValues() != vtkIdType(width) * height * 4)
    return {};
  // VTK's rows go bottom-up. RGB32 drops the alpha VTK leaves below 1 where it blended (text,
  // overlays): the colours are those VTK drew, and painting it is a plain copy.
  const QImage bottomUp(rgba->GetPointer(0), width, height, width * 4, QImage::Format_RGBA8888);
  return bottomUp.convertToFormat(QImage::Format_RGB32).mirrored();
}

QImage VtkView::renderImage(double scale) {
  return renderScene(std::max(1.0, scale));
}

void VtkView::paintEvent(QPaintEvent*) {
  if (frameStale_ || frame_.size() != deviceSize()) {
    frame_ = renderScene(1.0);
    frame_.setDevicePixelRatio(devicePixelRatioF());
    // Cleared after rendering: what the render itself touched (e.g. a camera's clipping range)
    // is already in the frame and must not render it again.
    frameStale_ = false;
  }
  QPainter painter(this);
  if (frame_.isNull()) {
    painter.fillRect(rect(), palette().window());
    painter.setPen(palette().color(QPalette::WindowText));
    const QString reason =
        contextError_.isEmpty() ? tr("The scene could not be drawn.") : contextError_;
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, reason);
    return;
  }
  painter.drawImage(QPointF(0.0, 0.0), frame_);
}

void VtkView::resizeEvent(QResizeEvent* event) {
  const QSize size = deviceSize();
  interactor_->UpdateSize(size.width(), size.height());
  requestRender();
  QWidget::resizeEvent(event);
}

void VtkView::onMakeCurrent(vtkObject*, unsigned long, void*) {
  // Making an already current context current again costs a flush for nothing.
  if (context_ && QOpenGLContext::currentContext() != context_.get())
    context_->makeCurrent(surface_.get());
}

void VtkView::onIsCurrent(vtkObject*, unsigned long, void* isCurrent) {
  *static_cast<bool*>(isCurrent) = context_ && QOpenGLContext::currentContext() == context_.get();
}

void VtkView::onRenderRequested(vtkObject*, unsigned long, void*) {
  requestRender();
}

void VtkView::releaseGraphics() {
  if (!context_ || !contextError_.isEmpty())
    return;
  const CurrentContext current(context_.get(), surface_.get());
  renderWindow_->Finalize();
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
  QWidget::enterEvent(event);
}

void VtkView::leaveEvent(QEvent* event) {
  interactor_->InvokeEvent(vtkCommand::LeaveEvent);
  Q_EMIT cursorLeft();
  QWidget::leaveEvent(event);
}

}  // namespace longmim::studio
