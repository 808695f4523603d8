#include "data/Clahe.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

// Written by hand: ITK's AdaptiveHistogramEqualizationImageFilter is a different (windowed,
// power-law) algorithm and neither ITK nor LibTorch offers kornia's tile/LUT CLAHE, which the
// reference's training augmentation uses. Arithmetic is float32 where kornia's is.

namespace longmim {
namespace {

constexpr int kBins = 256;

// Index into [0, n) after reflecting about the last pixel (no edge repeat), as F.pad 'reflect'.
int reflectIndex(int i, int n) {
  if (n == 1)
    return 0;
  const int period = 2 * (n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - i;
}

int evenTileSide(int size, int grid) {
  int side = (size + grid - 1) / grid;
  return side % 2 ? side + 1 : side;
}

using Lut = std::array<float, kBins>;

Lut tileLut(const Image2D& image, int y0, int x0, int tileRows, int tileCols, double clipLimit) {
  std::array<float, kBins> histogram{};
  for (int y = y0; y < y0 + tileRows; ++y) {
    const int sy = reflectIndex(y, image.rows);
    for (int x = x0; x < x0 + tileCols; ++x) {
      const float v = image.at(sy, reflectIndex(x, image.cols));
      if (!(v >= 0.0f && v <= 1.0f))
        continue;  // torch.histc ignores values outside [min, max]
      const int bin = std::min(kBins - 1, static_cast<int>(v * static_cast<float>(kBins)));
      histogram[bin] += 1.0f;
    }
  }
  const float pixels = static_cast<float>(tileRows) * static_cast<float>(tileCols);
  if (clipLimit > 0.0) {
    const float maxValue =
        std::max(static_cast<float>(std::floor(clipLimit * pixels / kBins)), 1.0f);
    float kept = 0.0f;
    for (float& count : histogram) {
      count = std::min(count, maxValue);
      kept += count;
    }
    const float clipped = pixels - kept;
    const float residual = std::fmod(clipped, static_cast<float>(kBins));
    const float spread = (clipped - residual) / kBins;
    for (int b = 0; b < kBins; ++b)
      histogram[b] += spread + (b < residual ? 1.0f : 0.0f);
  }
  Lut lut;
  const float scale = static_cast<float>((kBins - 1) / static_cast<double>(pixels));
  float cumulative = 0.0f;
  for (int b = 0; b < kBins; ++b) {
    cumulative += histogram[b];
    lut[b] = std::floor(std::clamp(cumulative * scale, 0.0f, static_cast<float>(kBins - 1)));
  }
  return lut;
}

// For one axis: which two tile LUTs a position interpolates between, and the first one's weight.
struct AxisBlend {
  int first;
  int second;
  float firstWeight;
};

// kornia splits each tile into two half tiles; the outermost half tiles use one LUT, the others
// blend the two nearest tile centres with weights (2h - 1 - k) / (2h - 1), h the half-tile side.
std::vector<AxisBlend> axisBlends(int length, int tileSide, int grid) {
  const int half = tileSide / 2;
  const int halfTiles = 2 * grid;
  std::vector<AxisBlend> blends(length);
  for (int p = 0; p < length; ++p) {
    const int j = p / half;
    if (j == 0 || j == halfTiles - 1) {
      const int tile = j == 0 ? 0 : grid - 1;
      blends[p] = {tile, tile, 1.0f};
      continue;
    }
    const int first = (j - 1) / 2;
    const int k = p % half + (j % 2 ? 0 : half);
    const float weight = static_cast<float>(2 * half - 1 - k) / static_cast<float>(2 * half - 1);
    blends[p] = {first, first + 1, weight};
  }
  return blends;
}

}  // namespace

Image2D equalizeClahe(const Image2D& image, double clipLimit, int gridRows, int gridCols) {
  if (gridRows <= 0 || gridCols <= 0)
    throw std::invalid_argument("CLAHE grid must be positive");
  if (image.empty())
    return image;
  const int tileRows = evenTileSide(image.rows, gridRows);
  const int tileCols = evenTileSide(image.cols, gridCols);

  std::vector<Lut> luts(static_cast<size_t>(gridRows) * gridCols);
  for (int ty = 0; ty < gridRows; ++ty) {
    for (int tx = 0; tx < gridCols; ++tx) {
      luts[ty * gridCols + tx] =
          tileLut(image, ty * tileRows, tx * tileCols, tileRows, tileCols, clipLimit);
    }
  }
  const std::vector<AxisBlend> rowBlend = axisBlends(image.rows, tileRows, gridRows);
  const std::vector<AxisBlend> colBlend = axisBlends(image.cols, tileCols, gridCols);

  Image2D out = image;
  for (int y = 0; y < image.rows; ++y) {
    const AxisBlend& r = rowBlend[y];
    for (int x = 0; x < image.cols; ++x) {
      const AxisBlend& c = colBlend[x];
      const float v = std::clamp(image.at(y, x), 0.0f, 1.0f);
      const int bin = static_cast<int>(v * 255.0f);
      const float tl = luts[r.first * gridCols + c.first][bin];
      const float tr = luts[r.first * gridCols + c.second][bin];
      const float bl = luts[r.second * gridCols + c.first][bin];
      const float br = luts[r.second * gridCols + c.second][bin];
      const float top = tr + c.firstWeight * (tl - tr);
      const float bottom = br + c.firstWeight * (bl - br);
      out.at(y, x) = (bottom + r.firstWeight * (top - bottom)) / 255.0f;
    }
  }
  return out;
}

}  // namespace longmim
