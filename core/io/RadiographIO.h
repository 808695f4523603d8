// Reading an X-ray from any of the formats it arrives in -- NIfTI, DICOM, PNG (8/16-bit grey or
// colour) and JPEG -- into a float image, with what the file says about its acquisition. The
// format is decided by the file's content (a DICOM file often has no extension), NIfTI by name.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "io/Image2D.h"

namespace longmim {

enum class ImageFormat { Nifti, Dicom, Png, Jpeg };

// "NIfTI", "DICOM", "PNG", "JPEG"
const char* formatName(ImageFormat format);

// What a radiograph file says besides its pixels.
struct RadiographInfo {
  ImageFormat format = ImageFormat::Nifti;
  std::string description;  // e.g. "DICOM, MONOCHROME1 (inverted)", "PNG, 16-bit grey"
  std::string date;         // "YYYY-MM-DD", empty when the file has none
  std::string dateKind;     // which date: "acquisition", "content", "series" or "study"
  // The file's own display window (DICOM Window Center / Width), in the values read: after the
  // rescale and, for MONOCHROME1, after the inversion.
  std::optional<std::array<double, 2>> window;  // {centre, width}
  bool inverted = false;                        // MONOCHROME1 turned into MONOCHROME2
};

struct Radiograph {
  Image2D image;
  RadiographInfo info;
};

// The size of the image and its format, read from the header (and, for DICOM, the file's length
// checked against it) without decoding the pixels.
struct RadiographHeader {
  ImageFormat format = ImageFormat::Nifti;
  int rows = 0;
  int cols = 0;
};

// Decides the format from the file's first bytes (".nii" / ".nii.gz" names are NIfTI). Throws
// DataError naming the file when it is missing, empty, a folder or none of the four formats.
ImageFormat detectImageFormat(const std::string& path);

// Reads any of the four formats as a scalar float image: NIfTI as readImage2D does; DICOM with its
// Rescale Slope / Intercept applied and MONOCHROME1 inverted so that bone is bright, refusing
// multi-frame, colour, image-less and truncated files; PNG and JPEG as grey levels (colour turned
// into luminance). Throws DataError naming the file and the problem.
Radiograph readRadiograph(const std::string& path);

// readRadiograph(path).image
Image2D readAnyImage2D(const std::string& path);

// The header alone, with the same refusals as readRadiograph where the header decides them.
RadiographHeader readRadiographHeader(const std::string& path);

// Whole days from `fromDate` to `toDate` ("YYYY-MM-DD"); empty when either is not a valid date.
std::optional<long> daysBetween(const std::string& fromDate, const std::string& toDate);

// The interval between a prior and its follow-up, as the viewer states it: "follow-up 37 days
// later", "follow-up on the same day", with `warning` set when the prior is the later image.
// Empty text when either date is unknown.
struct StudyInterval {
  std::string text;
  bool warning = false;
};
StudyInterval describeInterval(const RadiographInfo& prior, const RadiographInfo& current);

}  // namespace longmim
