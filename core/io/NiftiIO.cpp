#include "io/NiftiIO.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>

#include <zlib.h>

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOFactory.h>
#include <itkNiftiImageIO.h>
#include <itkNiftiImageIOFactory.h>

#include "Error.h"
#include "io/AtomicFile.h"
#include "io/FileChecks.h"
#include "io/NiftiHeaderCheck.h"

namespace fs = std::filesystem;

namespace longmim {
namespace {

void registerNiftiFactory() {
  static std::once_flag once;
  std::call_once(once, [] { itk::NiftiImageIOFactory::RegisterOneFactory(); });
}

bool hasNiftiExtension(const std::string& path) {
  auto endsWith = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return endsWith(".nii") || endsWith(".nii.gz");
}

itk::ImageIOBase::Pointer openNifti(const std::string& path) {
  registerNiftiFactory();
  requireReadableFile(path, "NIfTI file");
  if (!hasNiftiExtension(path)) {
    throw DataError(path, path + ": not a NIfTI file name (expected .nii or .nii.gz)");
  }
  checkNiftiHeaderFields(path);
  itk::ImageIOBase::Pointer io =
      itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  if (!io) {
    throw DataError(path, path + ": not a readable NIfTI file (bad header or corrupt compression)");
  }
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(path,
                    path + ": unreadable NIfTI header (" + itkErrorText(e.GetDescription()) + ")");
  }
  return io;
}

// Reads a NIfTI-1 header field of type T at `offset`, byte-swapping when the file's endianness
// differs from ours.
template <typename T>
T headerField(const unsigned char* header, int offset, bool swapped) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, header + offset, sizeof(T));
  if (swapped)
    std::reverse(bytes, bytes + sizeof(T));
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

// Bytes per voxel of a NIfTI datatype code (0 for codes ITK does not read).
double datatypeBytes(int16_t datatype) {
  switch (datatype) {
    case 2:
    case 256:
      return 1;  // uint8, int8
    case 4:
    case 512:
      return 2;  // int16, uint16
    case 8:
    case 16:
    case 768:
    case 2304:
      return 4;  // int32, float32, uint32, RGBA32
    case 128:
      return 3;  // RGB24
    case 32:
    case 64:
    case 1024:
    case 1280:
      return 8;  // complex64, float64, int64, uint64
    case 1536:
    case 1792:
      return 16;  // float128, complex128
    case 2048:
      return 32;  // complex256
    default:
      return 0;
  }
}

// What the raw bytes of a NIfTI-1 file say, independently of nifticlib.
struct RawNiftiScan {
  std::vector<std::pair<size_t, float>> nonFinite;  // voxel index, value after scaling
  size_t bytes = 0;                                 // the file's length, uncompressed
};

// nifticlib (inside ITK 5) silently zero-fills the missing part of a truncated data block and
// replaces every NaN / Inf voxel with 0 (fixed only in ITK 6), so ITK alone can neither detect
// truncated files nor report non-finite pixels. This reads the file's bytes with zlib (.nii and
// .nii.gz alike), checks that the compressed stream is intact and the data block complete, and
// lists the non-finite voxels so they can be put back. Hand-written for that reason.
RawNiftiScan scanRawNifti(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    throw DataError(path, path + ": cannot open (" + std::strerror(errno) + ")");
  std::vector<unsigned char> bytes;
  std::vector<unsigned char> chunk(1 << 18);
  for (int n = 0; (n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0;) {
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  int status = Z_OK;
  gzerror(file, &status);
  gzclose(file);
  if (status != Z_OK && status != Z_STREAM_END) {
    throw DataError(path, path +
                              ": corrupt or truncated pixel data (the compressed stream is "
                              "damaged or ends early, after " +
                              std::to_string(bytes.size()) + " bytes)");
  }

  RawNiftiScan scan;
  scan.bytes = bytes.size();
  if (bytes.size() < 348)
    return scan;
  const unsigned char* header = bytes.data();
  // Only ".nii" / ".nii.gz" names get here, so the pixels follow the header in this file. Every
  // NIfTI-1 or Analyze header is checked, recognised as nifticlib does (it reads a file whose
  // sizeof_hdr is wrong when the magic is right, and one without magic as Analyze 7.5), byte order
  // from dim[0]; otherwise ITK would allocate whatever image the header claims (found by fuzzing).
  // ITK 5.2's nifti1_io reads NIfTI-1 only: a NIfTI-2 magic at offset 4 does not stop it (the
  // fuzzer found such a header that made ITK allocate 2.9 GB), so it does not stop this check.
  const bool swapped = niftiOneHeaderIsSwapped(header);
  // The header's numbers come from whoever wrote the file: sizes are computed in double, where no
  // product of them can wrap around, and the data block is only read once it is known to fit.
  const int64_t rank = headerField<int16_t>(header, 40, swapped);
  double voxelCount = 1.0;
  for (int d = 1; d <= rank && d < 8; ++d)
    voxelCount *= std::max<int16_t>(1, headerField<int16_t>(header, 40 + 2 * d, swapped));
  const int16_t datatype = headerField<int16_t>(header, 70, swapped);
  const size_t bytesPerVoxel =
      static_cast<size_t>(std::max<int16_t>(0, headerField<int16_t>(header, 72, swapped))) / 8;
  // ITK sizes its buffer from the datatype, not bitpix: the larger of the two, at least a byte.
  const double bytesForCheck =
      std::max({1.0, static_cast<double>(bytesPerVoxel), datatypeBytes(datatype)});
  const float voxOffset = headerField<float>(header, 108, swapped);
  if (!std::isfinite(voxOffset) || voxOffset < 0.0f) {
    throw DataError(path, path + ": corrupt header (the pixel data offset vox_offset is " +
                              std::to_string(voxOffset) + ")");
  }
  const double expected = std::floor(voxOffset) + voxelCount * bytesForCheck;
  if (static_cast<double>(bytes.size()) < expected) {
    std::ostringstream announced;
    announced.precision(15);
    announced << expected;
    throw DataError(path, path + ": corrupt or truncated pixel data (holds " +
                              std::to_string(bytes.size()) + " of the " + announced.str() +
                              " bytes its header announces)");
  }
  const auto offset = static_cast<size_t>(voxOffset);
  const auto voxels = static_cast<size_t>(voxelCount);

  constexpr int16_t kFloat32 = 16;
  constexpr int16_t kFloat64 = 64;
  if (!(datatype == kFloat32 && bytesPerVoxel == 4) &&
      !(datatype == kFloat64 && bytesPerVoxel == 8))
    return scan;  // not floating point, or a bitpix that disagrees (ITK refuses it)
  float slope = headerField<float>(header, 112, swapped);
  float intercept = headerField<float>(header, 116, swapped);
  if (slope == 0.0f || !std::isfinite(slope)) {
    slope = 1.0f;
    intercept = 0.0f;
  }
  for (size_t i = 0; i < voxels; ++i) {
    const unsigned char* at = bytes.data() + offset + i * bytesPerVoxel;
    const double value = datatype == kFloat32 ? headerField<float>(at, 0, swapped)
                                              : headerField<double>(at, 0, swapped);
    if (!std::isfinite(value)) {
      scan.nonFinite.emplace_back(i, static_cast<float>(value * slope + intercept));
    }
  }
  return scan;
}

template <unsigned Dimension>
typename itk::Image<float, Dimension>::Pointer readFloat(const std::string& path) {
  using ImageType = itk::Image<float, Dimension>;
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(path, path + ": corrupt or truncated pixel data (" +
                              itkErrorText(e.GetDescription()) + ")");
  }
  return reader->GetOutput();
}

// However the header was read, ITK allocates the image it reported: a file must hold at least a
// byte per voxel of it (a second guard behind the scan's own, which reads the header itself).
void requireDataFits(const std::string& path, const NiftiHeader& header, const RawNiftiScan& raw) {
  double voxels = 1.0;
  for (const size_t size : header.sizes)
    voxels *= static_cast<double>(size);
  if (voxels * header.components > static_cast<double>(raw.bytes)) {
    throw DataError(path, path + ": corrupt or truncated pixel data (the header announces " +
                              header.sizeText() + " pixels; the file holds " +
                              std::to_string(raw.bytes) + " bytes)");
  }
}

}  // namespace

std::vector<size_t> NiftiHeader::planeAxes() const {
  std::vector<size_t> axes;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] > 1)
      axes.push_back(i);
  }
  if (sizes.size() > 3 || axes.size() != 2)
    return {};
  return axes;
}

std::string NiftiHeader::sizeText() const {
  std::string text;
  for (size_t i = 0; i < sizes.size(); ++i)
    text += (i ? "x" : "") + std::to_string(sizes[i]);
  return text;
}

NiftiHeader readNiftiHeader(const std::string& path) {
  const itk::ImageIOBase::Pointer io = openNifti(path);
  NiftiHeader header;
  for (unsigned i = 0; i < io->GetNumberOfDimensions(); ++i)
    header.sizes.push_back(io->GetDimensions(i));
  // ITK reports a 2-D NIfTI with trailing singleton axes as higher-dimensional; drop them.
  while (header.sizes.size() > 2 && header.sizes.back() == 1)
    header.sizes.pop_back();
  header.componentType = itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType());
  header.components = io->GetNumberOfComponents();
  return header;
}

NiftiHeader checkNiftiFile(const std::string& path) {
  const NiftiHeader header = readNiftiHeader(path);
  requireDataFits(path, header, scanRawNifti(path));
  return header;
}

Image2D readImage2D(const std::string& path) {
  const NiftiHeader header = readNiftiHeader(path);
  if (header.components != 1) {
    throw DataError(path, path + ": has " + std::to_string(header.components) +
                              " components per pixel (" + header.sizeText() +
                              "); expected a scalar grey-level image");
  }
  const std::vector<size_t> axes = header.planeAxes();
  if (axes.empty()) {
    throw DataError(path, path + ": is " + std::to_string(header.sizes.size()) + "-D (" +
                              header.sizeText() +
                              "); expected a 2-D image (a 3-D file may have one singleton axis)");
  }

  const RawNiftiScan raw = scanRawNifti(path);
  requireDataFits(path, header, raw);

  Image2D image;
  image.cols = static_cast<int>(header.sizes[axes[0]]);
  image.rows = static_cast<int>(header.sizes[axes[1]]);
  if (header.sizes.size() == 2) {
    const auto itkImage = readFloat<2>(path);
    const float* buffer = itkImage->GetBufferPointer();
    image.pixels.assign(buffer, buffer + static_cast<size_t>(image.rows) * image.cols);
    for (unsigned d = 0; d < 2; ++d) {
      image.geometry.spacing[d] = itkImage->GetSpacing()[d];
      image.geometry.origin[d] = itkImage->GetOrigin()[d];
      for (unsigned e = 0; e < 2; ++e)
        image.geometry.direction[d * 2 + e] = itkImage->GetDirection()(d, e);
    }
  } else {
    // Singleton axes do not change the memory order, so the buffer is already (row, col).
    const auto itkImage = readFloat<3>(path);
    const float* buffer = itkImage->GetBufferPointer();
    image.pixels.assign(buffer, buffer + static_cast<size_t>(image.rows) * image.cols);
    for (unsigned d = 0; d < 2; ++d) {
      image.geometry.spacing[d] = itkImage->GetSpacing()[axes[d]];
      image.geometry.origin[d] = itkImage->GetOrigin()[axes[d]];
      for (unsigned e = 0; e < 2; ++e) {
        image.geometry.direction[d * 2 + e] = itkImage->GetDirection()(axes[d], axes[e]);
      }
    }
  }
  for (const auto& [index, value] : raw.nonFinite) {
    if (index < image.pixels.size())
      image.pixels[index] = value;
  }
  return image;
}

void writeImage2D(const Image2D& image, const std::string& path) {
  registerNiftiFactory();
  if (!hasNiftiExtension(path)) {
    throw Error("cannot write " + path + ": the name must end in .nii or .nii.gz");
  }
  if (image.rows <= 0 || image.cols <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.rows) * image.cols) {
    throw Error("cannot write " + path + ": the image is empty or its size is inconsistent");
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent)) {
    throw Error("cannot write " + path + ": folder " + parent.string() + " does not exist");
  }

  using ImageType = itk::Image<float, 2>;
  auto itkImage = ImageType::New();
  ImageType::RegionType region;
  region.SetSize(
      {static_cast<itk::SizeValueType>(image.cols), static_cast<itk::SizeValueType>(image.rows)});
  itkImage->SetRegions(region);
  ImageType::SpacingType spacing;
  ImageType::PointType origin;
  ImageType::DirectionType direction;
  for (unsigned d = 0; d < 2; ++d) {
    spacing[d] = image.geometry.spacing[d];
    origin[d] = image.geometry.origin[d];
    for (unsigned e = 0; e < 2; ++e)
      direction(d, e) = image.geometry.direction[d * 2 + e];
  }
  itkImage->SetSpacing(spacing);
  itkImage->SetOrigin(origin);
  itkImage->SetDirection(direction);
  itkImage->Allocate();
  std::copy(image.pixels.begin(), image.pixels.end(), itkImage->GetBufferPointer());

  const std::string temporary = temporarySiblingPath(path);
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetFileName(temporary);
  writer->SetInput(itkImage);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    std::error_code ec;
    fs::remove(temporary, ec);
    throw Error("cannot write " + path + ": " + itkErrorText(e.GetDescription()));
  }
  commitTemporaryFile(temporary, path);
}

}  // namespace longmim
