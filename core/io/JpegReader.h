// JPEG radiographs through libjpeg directly (see the .cpp for why not ITK's reader). Internal to
// core/io: callers use readRadiograph.
#pragma once

#include <string>

#include "io/RadiographIO.h"

namespace longmim::jpeg {

// Grey JPEGs as stored; colour ones (YCbCr or RGB) as their luminance with the Rec. 709 weights
// ITK uses for PNG, so that both formats turn colour into the same grey. CMYK is refused; so is a
// file whose data ends early. Throws DataError naming the file.
Radiograph read(const std::string& path);
RadiographHeader readHeader(const std::string& path);

}  // namespace longmim::jpeg
