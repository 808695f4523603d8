// Writing 8-bit RGB and grey PNG files through ITK.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace longmim {

// `rgb` holds rows x cols x 3 bytes, row-major. Written atomically; throws Error naming the file.
void writeRgbPng(const std::string& path, int rows, int cols, const std::vector<std::uint8_t>& rgb);

}  // namespace longmim
