// Counts the renders of a VtkView's scene, for the widget tests: VTK's EndEvent of its renderer.
#pragma once

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

#include "viewer/VtkView.h"

namespace longmim::test {

class RenderCounter {
 public:
  explicit RenderCounter(studio::VtkView& view) : renderer_(view.renderer()) {
    callback_->SetClientData(&count_);
    callback_->SetCallback(
        [](vtkObject*, unsigned long, void* count, void*) { ++*static_cast<int*>(count); });
    tag_ = renderer_->AddObserver(vtkCommand::EndEvent, callback_);
  }
  ~RenderCounter() { renderer_->RemoveObserver(tag_); }
  int count() const { return count_; }
  void reset() { count_ = 0; }

 private:
  vtkRenderer* renderer_;
  vtkNew<vtkCallbackCommand> callback_;
  unsigned long tag_ = 0;
  int count_ = 0;
};

}  // namespace longmim::test
