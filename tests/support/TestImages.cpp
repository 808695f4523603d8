#include "TestImages.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>

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

void writeDiscDataset(const std::string& root, int pairs, int size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int p = 0; p < pairs; ++p) {
    Image2D prior(size, size);
    const float fx = u(rng) * 6.0f;
    const float fy = u(rng) * 6.0f;
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x)
        prior.at(y, x) = 0.5f + 0.2f * std::sin(x * 0.2f + fx) * std::cos(y * 0.15f + fy);
    }
    Image2D current = prior;
    Image2D diff(size, size, 0.0f);
    const float cx = 12 + u(rng) * (size - 24);
    const float cy = 12 + u(rng) * (size - 24);
    const float r = 5 + u(rng) * 5;
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) {
          current.at(y, x) += 0.4f;
          diff.at(y, x) = 0.5f;
        }
      }
    }
    const std::string folder = root + "/case_" + std::to_string(p);
    std::filesystem::create_directories(folder);
    writeImage2D(prior, folder + "/prior.nii.gz");
    writeImage2D(current, folder + "/current.nii.gz");
    writeImage2D(diff, folder + "/diff_map.nii.gz");
  }
}

}  // namespace longmim::test
