#include "viewer/PanelInteractorStyle.h"

#include <vtkCallbackCommand.h>
#include <vtkObjectFactory.h>
#include <vtkRenderWindowInteractor.h>

namespace longmim::studio {

vtkStandardNewMacro(PanelInteractorStyle);

bool PanelInteractorStyle::beginDrag() {
  const int* position = Interactor->GetEventPosition();
  FindPokedRenderer(position[0], position[1]);
  if (!CurrentRenderer)
    return false;
  GrabFocus(EventCallbackCommand);
  return true;
}

void PanelInteractorStyle::OnLeftButtonDown() {
  if (!beginDrag())
    return;
  if (windowLevelEnabled_ && !Interactor->GetShiftKey() && !Interactor->GetControlKey()) {
    const int* position = Interactor->GetEventPosition();
    WindowLevelStartPosition[0] = position[0];
    WindowLevelStartPosition[1] = position[1];
    StartWindowLevel();
    return;
  }
  StartPan();
}

void PanelInteractorStyle::OnRightButtonDown() {
  if (beginDrag())
    StartPan();
}

void PanelInteractorStyle::OnRightButtonUp() {
  if (State == VTKIS_PAN) {
    EndPan();
    if (Interactor)
      ReleaseFocus();
    return;
  }
  Superclass::OnRightButtonUp();
}

}  // namespace longmim::studio
