// Where the studio keeps its own data (the demo dataset, default run folders).
#pragma once

#include <string>

namespace longmim {

// $XDG_DATA_HOME/longitudinal-mim-studio, else ~/.local/share/longitudinal-mim-studio, else a
// folder of that name in the temporary directory (no HOME). Not created here.
std::string studioDataHome();

}  // namespace longmim
