// The preset JSON files of resources/presets, compiled in (generated source:
// EmbeddedPresets.cpp.in).
#pragma once

#include <map>
#include <string>

namespace longmim {

const std::map<std::string, std::string>& embeddedPresetTexts();

}  // namespace longmim
