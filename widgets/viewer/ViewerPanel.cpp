#include "viewer/ViewerPanel.h"

#include <QFontInfo>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarsToColors.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

#include "viewer/VtkView.h"

namespace longmim::studio {
namespace {

// Props nearer the camera (which looks along +z) are drawn over the image at z = 0.
constexpr double kOverlayDepth = -0.1;
constexpr double kCrosshairDepth = -0.2;

// The image as VTK data whose pixels cover grid pixels [-0.5, columns - 0.5] x [-0.5, rows - 0.5]
// of the world, pixel centres at integer positions when the image has the grid's size.
vtkSmartPointer<vtkImageData> toVtkImage(const Image2D& image, QSize grid) {
  auto data = vtkSmartPointer<vtkImageData>::New();
  data->SetDimensions(image.cols, image.rows, 1);
  const double sx = double(grid.width()) / image.cols;
  const double sy = double(grid.height()) / image.rows;
  data->SetSpacing(sx, sy, 1.0);
  data->SetOrigin(-0.5 + sx / 2.0, -0.5 + sy / 2.0, 0.0);
  vtkNew<vtkFloatArray> values;
  values->SetNumberOfValues(vtkIdType(image.size()));
  std::copy(image.pixels.begin(), image.pixels.end(), values->GetPointer(0));
  data->GetPointData()->SetScalars(values);
  return data;
}

void prepareImageActor(vtkImageActor* actor) {
  // Whole pixels up to the image's edge, each one flat: a viewer for inspecting pixel values.
  actor->GetMapper()->BorderOn();
  actor->GetProperty()->SetInterpolationTypeToNearest();
  actor->VisibilityOff();
}

}  // namespace

ViewerPanel::ViewerPanel(const QString& title, QWidget* parent) : QWidget(parent) {
  titleLabel_ = new QLabel(title, this);
  titleLabel_->setObjectName(QStringLiteral("panelTitle"));
  titleLabel_->setAlignment(Qt::AlignCenter);
  QFont bold = titleLabel_->font();
  bold.setBold(true);
  titleLabel_->setFont(bold);
  view_ = new VtkView(this);
  view_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(titleLabel_);
  layout->addWidget(view_, 1);

  vtkRenderer* renderer = view_->renderer();
  renderer->SetBackground(0.0, 0.0, 0.0);
  prepareImageActor(image_);
  prepareImageActor(overlay_);
  overlay_->SetPosition(0.0, 0.0, kOverlayDepth);
  overlay_->GetProperty()->UseLookupTableScalarRangeOn();
  renderer->AddViewProp(image_);
  renderer->AddViewProp(overlay_);

  vtkNew<vtkCellArray> lines;
  crosshairPoints_->SetNumberOfPoints(4);
  const vtkIdType horizontal[2] = {0, 1};
  const vtkIdType vertical[2] = {2, 3};
  lines->InsertNextCell(2, horizontal);
  lines->InsertNextCell(2, vertical);
  crosshairLines_->SetPoints(crosshairPoints_);
  crosshairLines_->SetLines(lines);
  vtkNew<vtkPolyDataMapper> crosshairMapper;
  crosshairMapper->SetInputData(crosshairLines_);
  crosshairActor_->SetMapper(crosshairMapper);
  crosshairActor_->GetProperty()->SetColor(1.0, 0.85, 0.0);
  crosshairActor_->GetProperty()->LightingOff();
  crosshairActor_->PickableOff();
  crosshairActor_->VisibilityOff();
  renderer->AddActor(crosshairActor_);

  vtkTextProperty* text = messageActor_->GetTextProperty();
  text->SetFontSize(15);
  text->SetColor(0.92, 0.92, 0.92);
  text->SetJustificationToCentered();
  text->SetVerticalJustificationToCentered();
  text->SetBackgroundColor(0.0, 0.0, 0.0);
  text->SetBackgroundOpacity(0.6);
  messageActor_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  messageActor_->SetPosition(0.5, 0.5);
  messageActor_->VisibilityOff();
  renderer->AddActor2D(messageActor_);

  view_->setInteractorStyle(style_);
}

ViewerPanel::~ViewerPanel() = default;

QString ViewerPanel::title() const {
  return titleLabel_->text();
}

void ViewerPanel::setCamera(vtkCamera* camera) {
  view_->renderer()->SetActiveCamera(camera);
}

void ViewerPanel::setImage(const Image2D& image, QSize grid) {
  if (image.empty() || grid.isEmpty()) {
    clearImage(QStringLiteral("empty image"));
    return;
  }
  image_->GetMapper()->SetInputData(toVtkImage(image, grid));
  image_->VisibilityOn();
  hasImage_ = true;
  overlay_->SetVisibility(hasOverlay_ && overlayWanted_);
  refresh();
}

void ViewerPanel::clearImage(const QString& reason) {
  image_->VisibilityOff();
  overlay_->VisibilityOff();
  hasImage_ = false;
  hasOverlay_ = false;
  setMessage(reason);
}

void ViewerPanel::setMessage(const QString& message) {
  message_ = message;
  messageActor_->SetInput(message.toUtf8().constData());
  messageActor_->SetVisibility(!message.isEmpty());
  refresh();
}

void ViewerPanel::setGreyWindow(double black, double white) {
  vtkImageProperty* property = image_->GetProperty();
  property->SetLookupTable(nullptr);
  property->SetColorWindow(std::max(white - black, 1e-12));
  property->SetColorLevel((black + white) / 2.0);
  refresh();
}

void ViewerPanel::setLookupTable(vtkScalarsToColors* table) {
  vtkImageProperty* property = image_->GetProperty();
  property->SetLookupTable(table);
  property->UseLookupTableScalarRangeOn();
  refresh();
}

void ViewerPanel::setOverlay(const Image2D& image, QSize grid, vtkScalarsToColors* table) {
  overlay_->GetMapper()->SetInputData(toVtkImage(image, grid));
  overlay_->GetProperty()->SetLookupTable(table);
  hasOverlay_ = true;
  overlay_->SetVisibility(hasImage_ && overlayWanted_);
  refresh();
}

void ViewerPanel::setOverlayVisible(bool visible) {
  overlayWanted_ = visible;
  overlay_->SetVisibility(hasImage_ && hasOverlay_ && visible);
  refresh();
}

bool ViewerPanel::overlayVisible() const {
  return overlay_->GetVisibility() != 0;
}

void ViewerPanel::setOverlayOpacity(double opacity) {
  overlay_->GetProperty()->SetOpacity(std::clamp(opacity, 0.0, 1.0));
  refresh();
}

void ViewerPanel::setCrosshair(std::optional<QPoint> pixel, QSize grid) {
  crosshair_ = pixel;
  if (!pixel || grid.isEmpty()) {
    crosshair_.reset();
    crosshairActor_->VisibilityOff();
    refresh();
    return;
  }
  const double x = pixel->x();
  const double y = pixel->y();
  const double right = grid.width() - 0.5;
  const double bottom = grid.height() - 0.5;
  crosshairPoints_->SetPoint(0, -0.5, y, kCrosshairDepth);
  crosshairPoints_->SetPoint(1, right, y, kCrosshairDepth);
  crosshairPoints_->SetPoint(2, x, -0.5, kCrosshairDepth);
  crosshairPoints_->SetPoint(3, x, bottom, kCrosshairDepth);
  crosshairPoints_->Modified();
  crosshairActor_->VisibilityOn();
  refresh();
}

void ViewerPanel::refresh() {
  view_->requestRender();
}

QImage ViewerPanel::renderImage(double scale) {
  const QImage scene = view_->renderImage(scale);
  if (scene.isNull())
    return {};
  // Device pixels of the scene per logical pixel of the widget.
  const double ratio = double(scene.width()) / std::max(1, view_->width());
  const int top = int(std::lround(view_->y() * ratio));
  QImage image(scene.width(), top + scene.height(), QImage::Format_RGB32);
  image.fill(palette().color(QPalette::Window));
  QPainter painter(&image);
  QFont font = titleLabel_->font();
  font.setPixelSize(std::max(1, int(std::lround(QFontInfo(font).pixelSize() * ratio))));
  painter.setFont(font);
  painter.setPen(palette().color(QPalette::WindowText));
  const QRect title = titleLabel_->geometry();
  painter.drawText(QRect(0, int(std::lround(title.y() * ratio)), image.width(),
                         int(std::lround(title.height() * ratio))),
                   Qt::AlignCenter, titleLabel_->text());
  painter.drawImage(0, top, scene);
  return image;
}

}  // namespace longmim::studio
