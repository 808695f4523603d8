#include "TestImages.h"

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "io/NiftiIO.h"

namespace longmim::test {

Image2D rampImage(int rows, int cols, float offset, float scale) {
  Image2D image(rows, cols);
  for (size_t i = 0; i < image.size(); ++i)
    image.pixels[i] = offset + scale * static_cast<float>(i);
  return image;
}

Image2D textureImage(int rows, int cols, int variant) {
  Image2D image(rows, cols);
  for (size_t i = 0; i < image.size(); ++i) {
    std::uint32_t h = static_cast<std::uint32_t>(i) * 2654435761u ^
                      (static_cast<std::uint32_t>(variant) * 40503u + 0x9e37u);
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    image.pixels[i] = static_cast<float>(h % 10000u) / 10000.0f;
  }
  return image;
}

void writeCase(const std::string& folder, int rows, int cols, int variant,
               const std::string& extension) {
  std::filesystem::create_directories(folder);
  Image2D prior = textureImage(rows, cols, 2 * variant);
  Image2D current = textureImage(rows, cols, 2 * variant + 1);
  for (float& v : prior.pixels)
    v = 1000.0f * v - 200.0f;  // raw DRR-like intensities
  for (float& v : current.pixels)
    v = 3.0f * v;
  writeImage2D(prior, folder + "/prior" + extension);
  writeImage2D(current, folder + "/current" + extension);
  writeImage2D(rampImage(rows, cols, -0.5f, 1.0f / (rows * cols)),
               folder + "/diff_map" + extension);
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace longmim::test
