#include "io/RadiographIO.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <type_traits>
#include <vector>

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkPNGImageIO.h>

#include "Error.h"
#include "io/DicomReader.h"
#include "io/FileChecks.h"
#include "io/JpegReader.h"
#include "io/NiftiIO.h"
#include "io/RasterChecks.h"

namespace longmim {
namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  if (text.size() < suffix.size())
    return false;
  return std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

bool hasNiftiName(const std::string& path) {
  return endsWith(path, ".nii") || endsWith(path, ".nii.gz");
}

std::vector<unsigned char> firstBytes(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> bytes(count);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(count));
  bytes.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return bytes;
}

// The format a file's extension claims, for the message when its content says otherwise.
const char* claimedFormat(const std::string& path) {
  if (endsWith(path, ".png"))
    return "PNG";
  if (endsWith(path, ".jpg") || endsWith(path, ".jpeg"))
    return "JPEG";
  if (endsWith(path, ".dcm") || endsWith(path, ".dicom"))
    return "DICOM";
  return nullptr;
}

template <typename IO>
itk::ImageIOBase::Pointer openRaster(const std::string& path, const char* kind) {
  if constexpr (std::is_same_v<IO, itk::PNGImageIO>)
    requireIntactPng(path);
  itk::ImageIOBase::Pointer io = IO::New();
  io->SetFileName(path);
  try {
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(
        path, path + ": unreadable " + kind + " file (" + itkErrorText(e.GetDescription()) + ")");
  }
  if (io->GetNumberOfDimensions() != 2)
    throw DataError(path, path + ": is not a 2-D " + kind + " image");
  requirePixelCount(path, static_cast<double>(io->GetDimensions(0)),
                    static_cast<double>(io->GetDimensions(1)));
  return io;
}

std::string rasterDescription(const char* kind, const itk::ImageIOBase& io) {
  const size_t bits = io.GetComponentSize() * 8;
  std::string text = std::string(kind) + ", " + std::to_string(bits) + "-bit ";
  switch (io.GetNumberOfComponents()) {
    case 1:
      return text + "grey";
    case 2:
      return text + "grey with alpha (alpha ignored)";
    default:
      return text + "colour, converted to grey (luminance)";
  }
}

template <typename IO>
Radiograph readRaster(const std::string& path, ImageFormat format, const char* kind) {
  itk::ImageIOBase::Pointer io = openRaster<IO>(path, kind);
  using ImageType = itk::Image<float, 2>;
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    // Colour pixels become their luminance (ITK's conversion: Rec. 709 weights).
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(path, path + ": corrupt or truncated " + kind + " file (" +
                              itkErrorText(e.GetDescription()) + ")");
  }
  const ImageType* itkImage = reader->GetOutput();
  Radiograph result;
  result.image =
      Image2D(static_cast<int>(io->GetDimensions(1)), static_cast<int>(io->GetDimensions(0)));
  const float* buffer = itkImage->GetBufferPointer();
  std::copy(buffer, buffer + result.image.size(), result.image.pixels.begin());
  for (unsigned d = 0; d < 2; ++d) {
    result.image.geometry.spacing[d] = itkImage->GetSpacing()[d];
    result.image.geometry.origin[d] = itkImage->GetOrigin()[d];
  }
  result.info.format = format;
  result.info.description = rasterDescription(kind, *io);
  return result;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the count of days in whole 400-, 100-, 4-
// and 1-year cycles, with March as the first month so that the leap day ends a year).
long daysFromCivil(long year, long month, long day) {
  year -= month <= 2 ? 1 : 0;
  const long era = (year >= 0 ? year : year - 399) / 400;
  const long yearOfEra = year - era * 400;
  const long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

std::optional<long> parseIsoDate(const std::string& text) {
  int year = 0, month = 0, day = 0;
  char tail = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3) {
    return std::nullopt;
  }
  static const int lengths[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > lengths[month - 1])
    return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap)
    return std::nullopt;
  return daysFromCivil(year, month, day);
}

}  // namespace

const char* formatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::Dicom:
      return "DICOM";
    case ImageFormat::Png:
      return "PNG";
    case ImageFormat::Jpeg:
      return "JPEG";
    case ImageFormat::Nifti:
      break;
  }
  return "NIfTI";
}

ImageFormat detectImageFormat(const std::string& path) {
  if (hasNiftiName(path))
    return ImageFormat::Nifti;
  requireReadableFile(path, "image file");
  const std::vector<unsigned char> head = firstBytes(path, 348);
  auto startsWith = [&](std::initializer_list<unsigned char> magic, size_t at = 0) {
    return head.size() >= at + magic.size() && std::equal(magic.begin(), magic.end(), &head[at]);
  };
  if (startsWith({0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}))
    return ImageFormat::Png;
  if (startsWith({0xff, 0xd8, 0xff}))
    return ImageFormat::Jpeg;
  if (startsWith({'D', 'I', 'C', 'M'}, 128) || dicom::canRead(path))
    return ImageFormat::Dicom;
  if (startsWith({'n', '+', '1', 0}, 344) || startsWith({'n', 'i', '1', 0}, 344)) {
    throw DataError(path, path + ": is a NIfTI file without a NIfTI name; rename it to .nii");
  }
  const char* claimed = claimedFormat(path);
  throw DataError(path, path +
                            (claimed ? std::string(": named as ") + claimed + " but is not a " +
                                           claimed + " file"
                                     : std::string(": not an image this program reads")) +
                            " (its first bytes are none of NIfTI, DICOM, PNG or JPEG)");
}

Radiograph readRadiograph(const std::string& path) {
  switch (detectImageFormat(path)) {
    case ImageFormat::Dicom:
      return dicom::read(path);
    case ImageFormat::Png:
      return readRaster<itk::PNGImageIO>(path, ImageFormat::Png, "PNG");
    case ImageFormat::Jpeg:
      return jpeg::read(path);
    case ImageFormat::Nifti:
      break;
  }
  Radiograph result;
  result.image = readImage2D(path);
  result.info.format = ImageFormat::Nifti;
  result.info.description = "NIfTI";
  return result;
}

Image2D readAnyImage2D(const std::string& path) {
  return readRadiograph(path).image;
}

RadiographHeader readRadiographHeader(const std::string& path) {
  switch (detectImageFormat(path)) {
    case ImageFormat::Dicom:
      return dicom::readHeader(path);
    case ImageFormat::Png: {
      const auto io = openRaster<itk::PNGImageIO>(path, "PNG");
      return {ImageFormat::Png, static_cast<int>(io->GetDimensions(1)),
              static_cast<int>(io->GetDimensions(0))};
    }
    case ImageFormat::Jpeg:
      return jpeg::readHeader(path);
    case ImageFormat::Nifti:
      break;
  }
  const NiftiHeader header = readNiftiHeader(path);
  const std::vector<size_t> axes = header.planeAxes();
  if (header.components != 1 || axes.empty())
    readImage2D(path);  // produces the precise message
  return {ImageFormat::Nifti, static_cast<int>(header.sizes[axes[1]]),
          static_cast<int>(header.sizes[axes[0]])};
}

std::optional<long> daysBetween(const std::string& fromDate, const std::string& toDate) {
  const std::optional<long> from = parseIsoDate(fromDate);
  const std::optional<long> to = parseIsoDate(toDate);
  if (!from || !to)
    return std::nullopt;
  return *to - *from;
}

StudyInterval describeInterval(const RadiographInfo& prior, const RadiographInfo& current) {
  const std::optional<long> days = daysBetween(prior.date, current.date);
  if (!days)
    return {};
  if (*days == 0)
    return {"follow-up on the same day", false};
  const long count = *days < 0 ? -*days : *days;
  const std::string amount = std::to_string(count) + (count == 1 ? " day" : " days");
  if (*days > 0)
    return {"follow-up " + amount + " later", false};
  return {"the prior (" + prior.date + ") is " + amount + " later than the follow-up (" +
              current.date + "): are they swapped?",
          true};
}

}  // namespace longmim
