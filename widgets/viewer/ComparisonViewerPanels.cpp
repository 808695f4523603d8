// What the comparison viewer's panels show and how they move together: the images with their
// window / level, colour map, limits and overlay, the linked camera, window drags and crosshair,
// the pixel read-out and the PNG export. Members of ComparisonViewer, kept apart from the cases,
// requests and samples it shows (ComparisonViewer.cpp).
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontInfo>
#include <QImageWriter>
#include <QLabel>
#include <QPainter>
#include <QSaveFile>

#include <vtkCommand.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>

#include "viewer/ComparisonViewer.h"
#include "viewer/PanelInteractorStyle.h"
#include "viewer/ViewerBars.h"
#include "viewer/ViewerPanel.h"
#include "viewer/VtkView.h"

namespace longmim::studio {
namespace {

// Far enough that every prop (at |z| < 1) lies well inside the clipping range.
constexpr double kCameraDistance = 1000.0;
// A little room around the image when it is fitted into the panels.
constexpr double kFitMargin = 1.02;
constexpr double kMinimumExportScale = 2.0;

QString formatValue(const std::optional<double>& value, bool signedValue) {
  if (!value)
    return QStringLiteral("–");
  const QString text = QString::number(*value, 'g', 4);
  return signedValue && *value > 0 ? QLatin1Char('+') + text : text;
}

QString ordinal(double percent) {
  const QString number = QString::number(percent, 'g', 4);
  const int whole = int(percent);
  if (double(whole) != percent)
    return number + QStringLiteral("th");
  const int lastTwo = whole % 100;
  if (lastTwo >= 11 && lastTwo <= 13)
    return number + QStringLiteral("th");
  switch (whole % 10) {
    case 1:
      return number + QStringLiteral("st");
    case 2:
      return number + QStringLiteral("nd");
    case 3:
      return number + QStringLiteral("rd");
    default:
      return number + QStringLiteral("th");
  }
}

}  // namespace

// ---- What the panels show ---------------------------------------------------------------------

void ComparisonViewer::setGrid(QSize grid) {
  if (grid == grid_)
    return;
  grid_ = grid;
  cursorPixel_.reset();
  resetView();
}

void ComparisonViewer::showImages() {
  const auto show = [this](Panel which, const std::optional<Image2D>& image,
                           const QString& missing) {
    ViewerPanel* p = panel(which);
    if (!image) {
      p->clearImage(missing);
      return;
    }
    p->setImage(*image, grid_);
    p->setMessage({});
  };
  show(Panel::Baseline, shown_.baseline, QStringLiteral("No baseline"));
  show(Panel::Followup, shown_.followup, QStringLiteral("No follow-up"));
  QString noPrediction = QStringLiteral("No checkpoint: choose one to predict");
  if (files_ && !worker_->checkpoint().isEmpty())
    noPrediction = QStringLiteral("Predicting…");
  show(Panel::Predicted, shown_.predicted, noPrediction);
  show(Panel::GroundTruth, shown_.groundTruth, QStringLiteral("No ground truth"));
  applyWindowLevel();
  updateLimits();
  updateOverlay();
  for (ViewerPanel* p : panels_)
    p->setCrosshair(cursorPixel_, grid_);
  updateReadout();
}

void ComparisonViewer::setWindowPreset(WindowPreset preset) {
  preset_ = preset;
  windowLevel_ = presetWindowLevel(preset,
                                   {shown_.baseline ? &*shown_.baseline : nullptr,
                                    shown_.followup ? &*shown_.followup : nullptr},
                                   1.0, 99.0, fileWindow_);
  applyWindowLevel();
}

void ComparisonViewer::setWindowLevel(const WindowLevel& windowLevel) {
  preset_.reset();
  windowLevel_ = windowLevel;
  applyWindowLevel();
}

void ComparisonViewer::applyWindowLevel() {
  // A preset follows the images: the automatic window is measured on each new pair.
  if (preset_) {
    windowLevel_ = presetWindowLevel(*preset_,
                                     {shown_.baseline ? &*shown_.baseline : nullptr,
                                      shown_.followup ? &*shown_.followup : nullptr},
                                     1.0, 99.0, fileWindow_);
  }
  display_->showWindow(preset_, windowLevel_);
  const auto apply = [this](Panel which, const std::optional<Image2D>& image) {
    if (!image)
      return;
    const auto [black, white] = windowLevel_.intensities(*image);
    panel(which)->setGreyWindow(black, white);
  };
  apply(Panel::Baseline, shown_.baseline);
  apply(Panel::Followup, shown_.followup);
}

void ComparisonViewer::setColorMap(DiffColorMapKind kind) {
  colors_.setKind(kind);
  display_->showColorMap(kind);
  refreshPanels();
}

void ComparisonViewer::setLimitPercentile(double percent) {
  limitPercentile_ = std::clamp(percent, 0.0, 100.0);
  display_->showLimitPercentile(limitPercentile_);
  updateLimits();
}

void ComparisonViewer::updateLimits() {
  const std::vector<const Image2D*> maps{shown_.predicted ? &*shown_.predicted : nullptr,
                                         shown_.groundTruth ? &*shown_.groundTruth : nullptr};
  const bool any = shown_.predicted || shown_.groundTruth;
  colors_.setLimit(DifferenceColorMap::symmetricLimit(maps, limitPercentile_));
  const QString limit = QString::number(colors_.limit(), 'g', 3);
  display_->showLimit(
      QStringLiteral("±") + limit,
      any ? QStringLiteral("Colour limits ±%1: the %2 percentile of |difference| over both maps")
                .arg(limit, ordinal(limitPercentile_))
          : QString());
  refreshPanels();
}

void ComparisonViewer::setOverlayEnabled(bool enabled) {
  overlayEnabled_ = enabled;
  display_->showOverlay(enabled);
  updateOverlay();
}

bool ComparisonViewer::overlayEnabled() const {
  return overlayEnabled_;
}

void ComparisonViewer::setOverlayOpacity(double opacity) {
  opacity = std::clamp(opacity, 0.0, 1.0);
  display_->showOverlayOpacity(opacity);
  panel(Panel::Followup)->setOverlayOpacity(opacity);
}

void ComparisonViewer::setOverlayThreshold(double threshold) {
  threshold = std::max(0.0, threshold);
  display_->showOverlayThreshold(threshold);
  colors_.setOverlayThreshold(threshold);
  refreshPanels();
}

void ComparisonViewer::updateOverlay() {
  ViewerPanel* followup = panel(Panel::Followup);
  if (shown_.predicted)
    followup->setOverlay(*shown_.predicted, grid_, colors_.overlayTable());
  followup->setOverlayVisible(overlayEnabled() && shown_.predicted.has_value());
}

void ComparisonViewer::refreshPanels() {
  for (ViewerPanel* p : panels_)
    p->refresh();
  if (colorBarPanel_)
    colorBarPanel_->refresh();
}

// ---- Linked camera, window and crosshair ------------------------------------------------------

void ComparisonViewer::resetView() {
  const QSize grid = grid_.isEmpty() ? QSize(1, 1) : grid_;
  const double cx = (grid.width() - 1) / 2.0;
  const double cy = (grid.height() - 1) / 2.0;
  const VtkView* view = panelView(Panel::Baseline);
  const double aspect =
      view->width() > 0 && view->height() > 0 ? double(view->width()) / view->height() : 1.0;
  fitting_ = true;
  // Looking along +z with -y up puts row 0 at the top and column 0 on the left, as in the file.
  camera_->SetFocalPoint(cx, cy, 0.0);
  camera_->SetPosition(cx, cy, -kCameraDistance);
  camera_->SetViewUp(0.0, -1.0, 0.0);
  camera_->SetParallelScale(kFitMargin *
                            std::max(grid.height() / 2.0, grid.width() / 2.0 / aspect));
  camera_->SetClippingRange(kCameraDistance - 10.0, kCameraDistance + 10.0);
  fitting_ = false;
  autoFit_ = true;
  refreshPanels();
}

bool ComparisonViewer::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Resize && watched == panelView(Panel::Baseline) && autoFit_)
    resetView();
  return QWidget::eventFilter(watched, event);
}

void ComparisonViewer::onCameraModified(vtkObject*, unsigned long, void*) {
  // All four renderers share this camera: a zoom or pan in one panel moves every panel.
  if (!fitting_)
    autoFit_ = false;
  for (ViewerPanel* p : panels_)
    p->refresh();
}

void ComparisonViewer::onWindowLevelStart(vtkObject*, unsigned long, void*) {
  dragStart_ = windowLevel_;
}

void ComparisonViewer::onWindowLevelDrag(vtkObject* caller, unsigned long, void*) {
  auto* style = static_cast<PanelInteractorStyle*>(caller);
  const int* start = style->GetWindowLevelStartPosition();
  const int* current = style->GetWindowLevelCurrentPosition();
  const int* size = style->GetInteractor()->GetSize();
  if (size[0] <= 0 || size[1] <= 0)
    return;
  // Display y grows upwards in VTK: dragging up raises the level.
  setWindowLevel(dragStart_.dragged(double(current[0] - start[0]) / size[0],
                                    double(current[1] - start[1]) / size[1]));
}

void ComparisonViewer::onCursorMoved(QPointF world) {
  const QPoint pixel(int(std::lround(world.x())), int(std::lround(world.y())));
  const bool inside = !grid_.isEmpty() && pixel.x() >= 0 && pixel.y() >= 0 &&
                      pixel.x() < grid_.width() && pixel.y() < grid_.height() &&
                      shown_.followup.has_value();
  std::optional<QPoint> next;
  if (inside)
    next = pixel;
  if (next == cursorPixel_)
    return;
  cursorPixel_ = next;
  for (ViewerPanel* p : panels_)
    p->setCrosshair(cursorPixel_, grid_);
  updateReadout();
}

void ComparisonViewer::onCursorLeft() {
  if (!cursorPixel_)
    return;
  cursorPixel_.reset();
  for (ViewerPanel* p : panels_)
    p->setCrosshair(std::nullopt, grid_);
  updateReadout();
}

std::optional<double> ComparisonViewer::sample(const std::optional<Image2D>& image, int row,
                                               int col) const {
  if (!image || image->empty() || grid_.isEmpty())
    return std::nullopt;
  if (row < 0 || col < 0 || row >= grid_.height() || col >= grid_.width())
    return std::nullopt;
  // The pixel whose area covers the grid pixel's centre.
  const int r = std::min(image->rows - 1, int((row + 0.5) * image->rows / grid_.height()));
  const int c = std::min(image->cols - 1, int((col + 0.5) * image->cols / grid_.width()));
  return double(image->at(r, c));
}

ComparisonViewer::PixelValues ComparisonViewer::valuesAt(int row, int col) const {
  PixelValues values;
  values.baseline = sample(shown_.baseline, row, col);
  values.followup = sample(shown_.followup, row, col);
  values.predicted = sample(shown_.predicted, row, col);
  values.groundTruth = sample(shown_.groundTruth, row, col);
  return values;
}

void ComparisonViewer::updateReadout() {
  if (!cursorPixel_) {
    readoutLabel_->setText(shown_.followup
                               ? QStringLiteral("Point at a panel to read the four values there.")
                               : QString());
    return;
  }
  const int row = cursorPixel_->y();
  const int col = cursorPixel_->x();
  const PixelValues v = valuesAt(row, col);
  readoutLabel_->setText(
      QStringLiteral("Row %1, column %2:  baseline %3 · follow-up %4 · predicted %5 · "
                     "ground truth %6")
          .arg(row)
          .arg(col)
          .arg(formatValue(v.baseline, false), formatValue(v.followup, false),
               formatValue(v.predicted, true), formatValue(v.groundTruth, true)));
}

QString ComparisonViewer::readoutText() const {
  return readoutLabel_->text();
}

ViewerPanel* ComparisonViewer::panel(Panel which) const {
  return panels_[size_t(which)];
}

VtkView* ComparisonViewer::panelView(Panel which) const {
  return panel(which)->view();
}

double ComparisonViewer::cameraParallelScale(Panel which) const {
  return panelView(which)->renderer()->GetActiveCamera()->GetParallelScale();
}

std::array<double, 3> ComparisonViewer::cameraFocalPoint(Panel which) const {
  std::array<double, 3> point{};
  panelView(which)->renderer()->GetActiveCamera()->GetFocalPoint(point.data());
  return point;
}

// ---- Export -----------------------------------------------------------------------------------

QImage ComparisonViewer::renderPanels(double scale) {
  scale = std::max(1.0, scale);
  // The panels where they are on screen, each rendered at the larger scale.
  const double ratio = devicePixelRatioF() * scale;
  const QSize area = panelArea_->size();
  QFont font = navigation_->caseNameFont();
  const int fontPixels = int(std::lround(QFontInfo(font).pixelSize() * ratio));
  font.setPixelSize(std::max(1, fontPixels));
  const int header = int(std::lround(fontPixels * 2.2));
  QImage image(int(std::lround(area.width() * ratio)),
               header + int(std::lround(area.height() * ratio)), QImage::Format_RGB32);
  image.fill(palette().color(QPalette::Window));
  QPainter painter(&image);
  painter.setFont(font);
  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(QRect(int(std::lround(8 * ratio)), 0, image.width(), header),
                   Qt::AlignLeft | Qt::AlignVCenter, navigation_->caseNameText());
  std::vector<ViewerPanel*> parts(panels_.begin(), panels_.end());
  parts.push_back(colorBarPanel_);
  for (ViewerPanel* p : parts) {
    const QImage part = p->renderImage(scale);
    if (part.isNull())
      return {};
    const QPoint at = p->mapTo(panelArea_, QPoint(0, 0));
    painter.drawImage(
        QPoint(int(std::lround(at.x() * ratio)), header + int(std::lround(at.y() * ratio))), part);
  }
  return image;
}

bool ComparisonViewer::exportPng(const QString& path, double scale) {
  const auto fail = [this, &path](const QString& reason) {
    showError(QStringLiteral("Cannot export %1: %2").arg(path, reason));
    return false;
  };
  const QImage image = renderPanels(std::max(kMinimumExportScale, scale));
  if (image.isNull())
    return fail(QStringLiteral("the panels could not be rendered"));
  QSaveFile file(path);  // written to a temporary file, renamed over `path` only on commit()
  if (!file.open(QIODevice::WriteOnly))
    return fail(file.errorString());
  QImageWriter writer(&file, "png");
  if (!writer.write(image)) {
    file.cancelWriting();
    return fail(writer.errorString());
  }
  if (!file.commit())
    return fail(file.errorString());
  return true;
}

}  // namespace longmim::studio
