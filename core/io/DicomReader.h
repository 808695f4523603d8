// DICOM radiographs through ITK's GDCM reader, with the checks ITK does not make (see the .cpp).
// Internal to core/io: callers use readRadiograph.
#pragma once

#include <string>

#include "io/RadiographIO.h"

namespace longmim::dicom {

// Whether GDCM recognises the file as DICOM (also files without the "DICM" preamble).
bool canRead(const std::string& path);

Radiograph read(const std::string& path);
RadiographHeader readHeader(const std::string& path);

}  // namespace longmim::dicom
