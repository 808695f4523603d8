// One panel of the comparison viewer: a title over a VtkView that shows an image (grey or
// through a colour map), an optional overlay, a crosshair and a message such as "no ground truth".
#pragma once

#include <QSize>
#include <QString>
#include <QWidget>

#include <optional>

#include <vtkActor.h>
#include <vtkImageActor.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkTextActor.h>

#include "io/Image2D.h"
#include "viewer/PanelInteractorStyle.h"

class QLabel;
class vtkCamera;
class vtkScalarsToColors;

namespace longmim::studio {

class VtkView;

class ViewerPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ViewerPanel(const QString& title, QWidget* parent = nullptr);
  ~ViewerPanel() override;

  QString title() const;
  VtkView* view() const { return view_; }
  PanelInteractorStyle* interactorStyle() const { return style_; }
  void setCamera(vtkCamera* camera);

  // Shows `image` over the follow-up's pixel grid `grid` (columns x rows): an image of another
  // size is stretched over the same area, so that the panels' pixels line up.
  void setImage(const Image2D& image, QSize grid);
  // Removes the image (and the overlay) and says why in the middle of the view.
  void clearImage(const QString& reason);
  bool hasImage() const { return hasImage_; }

  // Text in the middle of the view, over the image; empty hides it.
  void setMessage(const QString& message);
  QString message() const { return message_; }

  // Greys from `black` to `white`, in the image's own intensities.
  void setGreyWindow(double black, double white);
  // Colours through `table` over the table's own range (the difference panels).
  void setLookupTable(vtkScalarsToColors* table);

  // A second image drawn over the first through `table` (its alpha included) at `opacity`.
  void setOverlay(const Image2D& image, QSize grid, vtkScalarsToColors* table);
  void setOverlayVisible(bool visible);
  bool overlayVisible() const;
  void setOverlayOpacity(double opacity);

  // Lines through the centre of grid pixel (column x, row y) across the image; nullopt hides them.
  void setCrosshair(std::optional<QPoint> pixel, QSize grid);
  std::optional<QPoint> crosshair() const { return crosshair_; }

  // Repaints the view (VTK props changed in place).
  void refresh();
  // The title and the view as on screen, drawn at `scale` x the device pixel size.
  QImage renderImage(double scale);

 private:
  QLabel* titleLabel_ = nullptr;
  VtkView* view_ = nullptr;
  vtkNew<PanelInteractorStyle> style_;
  vtkNew<vtkImageActor> image_;
  vtkNew<vtkImageActor> overlay_;
  vtkNew<vtkPoints> crosshairPoints_;
  vtkNew<vtkPolyData> crosshairLines_;
  vtkNew<vtkActor> crosshairActor_;
  vtkNew<vtkTextActor> messageActor_;
  QString message_;
  bool hasImage_ = false;
  bool hasOverlay_ = false;
  bool overlayWanted_ = false;
  std::optional<QPoint> crosshair_;
};

}  // namespace longmim::studio
