// The mouse of a comparison-viewer panel: wheel zooms, middle- or right-drag pans, and left-drag
// either adjusts the grey window (X-ray panels) or pans (difference panels). Never rotates.
#pragma once

#include <vtkInteractorStyleImage.h>

namespace longmim::studio {

class PanelInteractorStyle : public vtkInteractorStyleImage {
 public:
  static PanelInteractorStyle* New();
  vtkTypeMacro(PanelInteractorStyle, vtkInteractorStyleImage);

  // On: a left-drag reports StartWindowLevelEvent / WindowLevelEvent / EndWindowLevelEvent to
  // observers (which own the window). Off: a left-drag pans.
  void setWindowLevelEnabled(bool enabled) { windowLevelEnabled_ = enabled; }
  bool windowLevelEnabled() const { return windowLevelEnabled_; }

  void OnLeftButtonDown() override;
  void OnRightButtonDown() override;
  void OnRightButtonUp() override;
  // Keys go to Qt, not to VTK's defaults (wireframe, stereo, exit, ...).
  void OnChar() override {}

 protected:
  PanelInteractorStyle() = default;
  ~PanelInteractorStyle() override = default;

 private:
  // Prepares a drag at the event position; false when the event is outside every renderer.
  bool beginDrag();

  bool windowLevelEnabled_ = false;
};

}  // namespace longmim::studio
