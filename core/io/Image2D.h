// A 2-D float image in row-major order plus the physical geometry it came with.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace longmim {

// Physical placement of a 2-D image (ITK convention: index 0 = columns, 1 = rows).
struct ImageGeometry {
  std::array<double, 2> spacing{1.0, 1.0};
  std::array<double, 2> origin{0.0, 0.0};
  std::array<double, 4> direction{1.0, 0.0, 0.0, 1.0};  // row-major 2x2
};

struct Image2D {
  int rows = 0;
  int cols = 0;
  std::vector<float> pixels;  // pixels[row * cols + col]
  ImageGeometry geometry;

  Image2D() = default;
  Image2D(int rowCount, int colCount, float fill = 0.0f)
      : rows(rowCount), cols(colCount), pixels(static_cast<size_t>(rowCount) * colCount, fill) {}

  bool empty() const { return pixels.empty(); }
  size_t size() const { return pixels.size(); }
  float& at(int row, int col) { return pixels[static_cast<size_t>(row) * cols + col]; }
  float at(int row, int col) const { return pixels[static_cast<size_t>(row) * cols + col]; }
};

}  // namespace longmim
