// What the studio must settle before QApplication exists: the windowing platform and the OpenGL
// surface format (see docs/platform-notes.md, items 3 and 4).
#pragma once

namespace longmim::studio {

// Call first thing in main(), before constructing QApplication:
// - under Wayland, selects xcb (XWayland) unless QT_QPA_PLATFORM is already set, because Debian's
//   VTK renders through GLX only;
// - makes OpenGL 3.2 core profile, double-buffered, 8-bit depth, no multisampling the default
//   surface format, which VTK's OpenGL2 backend needs;
// - shares OpenGL contexts, so a view can move between docks and floating windows.
void prepareStudioPlatform();

}  // namespace longmim::studio
