// Checks of PNG files made before ITK reads them, for what ITK 5.2's readers get wrong
// with damaged files (see the .cpp). Internal to core/io.
#pragma once

#include <string>

namespace longmim {

// The PNG's chunk structure: signature, a sane IHDR first, every chunk inside the file with a
// matching CRC, only the critical chunks libpng knows, and an IEND. Throws DataError naming the
// file and the damage.
void requireIntactPng(const std::string& path);

}  // namespace longmim
