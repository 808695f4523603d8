#include "io/RasterChecks.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include <zlib.h>

#include "Error.h"

namespace longmim {
namespace {

std::vector<unsigned char> wholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint32_t bigEndian32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

bool validDepth(unsigned colourType, unsigned depth) {
  switch (colourType) {
    case 0:  // grey
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:  // palette
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:  // RGB
    case 4:  // grey + alpha
    case 6:  // RGBA
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

}  // namespace

// ITK 5.2's PNG reader calls libpng's png_read_info without an error handler of its own, so a
// damaged header or chunk makes libpng abort the whole program ("libpng error: Read Error").
// The structure libpng would stop at is therefore checked here first, by the PNG specification's
// rules; the pixels are left to ITK, whose reading of them does handle libpng's errors.
void requireIntactPng(const std::string& path) {
  const std::vector<unsigned char> bytes = wholeFile(path);
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (bytes.size() < 8 || !std::equal(signature, signature + 8, bytes.begin()))
    throw DataError(path, path + ": not a PNG file (no PNG signature)");
  size_t at = 8;
  bool first = true;
  bool palette = false;
  bool sawPalette = false;
  bool sawData = false;
  while (true) {
    if (at + 12 > bytes.size()) {
      throw DataError(path, path + ": truncated PNG (the file ends after " +
                                std::to_string(bytes.size()) + " bytes, before its IEND chunk)");
    }
    const uint32_t length = bigEndian32(&bytes[at]);
    const std::string type(reinterpret_cast<const char*>(&bytes[at + 4]), 4);
    const std::string where = "chunk '" + type + "' at byte " + std::to_string(at);
    if (length > 0x7fffffffu || at + 12 + length > bytes.size()) {
      throw DataError(path, path + ": truncated PNG (" + where + " ends after the file)");
    }
    const unsigned char* data = &bytes[at + 8];
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), &bytes[at + 4], length + 4);
    if (crc != bigEndian32(data + length))
      throw DataError(path, path + ": corrupt PNG (the checksum of " + where + " does not match)");
    if (first != (type == "IHDR"))
      throw DataError(path, path + ": corrupt PNG (" + where + "; IHDR must come first, once)");
    if (type == "IHDR") {
      const unsigned depth = data[8];
      const unsigned colourType = data[9];
      if (length != 13 || bigEndian32(data) == 0 || bigEndian32(data + 4) == 0 ||
          bigEndian32(data) > 0x7fffffffu || bigEndian32(data + 4) > 0x7fffffffu ||
          !validDepth(colourType, depth) || data[10] != 0 || data[11] != 0 || data[12] > 1) {
        throw DataError(path, path +
                                  ": corrupt PNG header (IHDR: size, bit depth, colour type "
                                  "or method out of range)");
      }
      palette = colourType == 3;
    } else if (type == "PLTE") {
      if (length == 0 || length % 3 != 0 || length > 768 || sawPalette || sawData)
        throw DataError(path, path + ": corrupt PNG (" + where + ": a malformed palette)");
      sawPalette = true;
    } else if (type == "IDAT") {
      sawData = true;
    } else if (type == "IEND") {
      if (!sawData)
        throw DataError(path, path + ": corrupt PNG (no image data before IEND)");
      if (palette && !sawPalette)
        throw DataError(path, path + ": corrupt PNG (a palette image without its palette)");
      return;
    } else if (type[0] >= 'A' && type[0] <= 'Z') {
      throw DataError(path, path + ": corrupt PNG (unknown critical " + where + ")");
    }
    first = false;
    at += 12 + length;
  }
}

}  // namespace longmim
