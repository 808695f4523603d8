// Reading any 2-D NIfTI image into float32 and writing float32 NIfTI, through ITK.
#pragma once

#include <string>
#include <vector>

#include "io/Image2D.h"

namespace longmim {

// What the header says, read without loading the pixels.
struct NiftiHeader {
  std::vector<size_t> sizes;  // per axis, as stored (axis 0 varies fastest)
  std::string componentType;  // "uint8", "int16", "float32", ...
  unsigned components = 1;    // > 1 for RGB or vector images

  // The image's two non-singleton axes, or an empty vector when it is not effectively 2-D.
  std::vector<size_t> planeAxes() const;
  // "512x512x3x2"
  std::string sizeText() const;
};

// Throws DataError naming the file when it is missing, unreadable or not NIfTI.
NiftiHeader readNiftiHeader(const std::string& path);

// readNiftiHeader, and the data block checked against the header (complete, as long as the image
// ITK would allocate): for a reader of any dimension to call before ITK loads the file.
NiftiHeader checkNiftiFile(const std::string& path);

// Reads a 2-D image (or a 3-D one with a single non-singleton plane) of any scalar datatype,
// applying scl_slope / scl_inter. Rows follow the file's second in-plane axis, columns the first,
// so a file written from a NumPy array transposed with `.T` reads back as that array.
// Throws DataError naming the file and the problem.
Image2D readImage2D(const std::string& path);

// Writes float32 NIfTI (".nii" or ".nii.gz") atomically. Throws Error naming the file on failure.
void writeImage2D(const Image2D& image, const std::string& path);

}  // namespace longmim
