#include "io/DataHome.h"

#include <cstdlib>
#include <filesystem>

namespace longmim {

std::string studioDataHome() {
  namespace fs = std::filesystem;
  fs::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = fs::path(home) / ".local" / "share";
  } else {
    base = fs::temp_directory_path();
  }
  return (base / "longitudinal-mim-studio").string();
}

}  // namespace longmim
