#include "io/DicomReader.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

#include <gdcmReader.h>
#include <gdcmTrace.h>
#include <gdcmTransferSyntax.h>
#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkMetaDataObject.h>

#include "Error.h"
#include "io/DicomStructure.h"
#include "io/FileChecks.h"
#include "io/GdcmGuard.h"

namespace longmim::dicom {
namespace {

void quietGdcm() {
  // GDCM writes its warnings ("Incomplete Pixel Data found", ...) to stderr; this reader turns
  // the ones that matter into errors of its own.
  static std::once_flag once;
  std::call_once(once, [] {
    gdcm::Trace::WarningOff();
    gdcm::Trace::DebugOff();
  });
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0'))
    text.pop_back();
  while (!text.empty() && text.front() == ' ')
    text.erase(text.begin());
  return text;
}

std::string tagText(const itk::MetaDataDictionary& dictionary, const char* key) {
  std::string value;
  itk::ExposeMetaData<std::string>(dictionary, key, value);
  return trimmed(value);
}

// The first value of a multi-valued decimal string ("40\400" -> 40).
std::optional<double> firstNumber(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  try {
    size_t used = 0;
    const double value = std::stod(text.substr(0, text.find('\\')), &used);
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// DICOM DA "YYYYMMDD" (or the old "YYYY.MM.DD") as "YYYY-MM-DD"; empty when not a date.
std::string isoDate(std::string da) {
  da.erase(std::remove(da.begin(), da.end(), '.'), da.end());
  if (da.size() != 8 ||
      !std::all_of(da.begin(), da.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2);
}

// ITK's GDCM reader (ITK 5.2) reads a file whose pixel data ends early as if it were complete,
// the missing part zero-filled (GDCM only warns "Incomplete Pixel Data found"), and GDCM reports
// the length the element declares, not the bytes the file holds. So the Pixel Data element's
// header -- its tag, VR and the declared length GDCM parsed -- is located in the file's bytes,
// and the file's length checked against it and against the image the header announces.
// Hand-written for that reason; compressed (encapsulated) and deflated files are left to the
// decoders.
void checkPixelData(const std::string& path, size_t expectedBytes) {
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.Read())
    throw DataError(path, path + ": not a readable DICOM file (its header cannot be parsed)");
  const gdcm::Tag pixelData(0x7fe0, 0x0010);
  const gdcm::DataSet& dataSet = reader.GetFile().GetDataSet();
  if (!dataSet.FindDataElement(pixelData)) {
    throw DataError(path, path +
                              ": holds no pixel data (a DICOM object without an image, such as "
                              "a report or a presentation state)");
  }
  const gdcm::TransferSyntax syntax = reader.GetFile().GetHeader().GetDataSetTransferSyntax();
  const gdcm::DataElement& element = dataSet.GetDataElement(pixelData);
  if (syntax.IsEncapsulated() || element.GetSequenceOfFragments() ||
      element.GetVL().IsUndefined() ||
      syntax == gdcm::TransferSyntax::DeflatedExplicitVRLittleEndian) {
    return;
  }
  const uint32_t declared = element.GetVL();
  if (declared < expectedBytes) {
    throw DataError(path, path + ": corrupt pixel data (its element holds " +
                              std::to_string(declared) + " of the " +
                              std::to_string(expectedBytes) +
                              " bytes its rows, columns and bits announce)");
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
  const bool big = syntax.GetSwapCode() == gdcm::SwapCode::BigEndian;
  auto u32 = [&](size_t at) {
    const uint32_t b0 = bytes[at], b1 = bytes[at + 1], b2 = bytes[at + 2], b3 = bytes[at + 3];
    return big ? (b0 << 24 | b1 << 16 | b2 << 8 | b3) : (b3 << 24 | b2 << 16 | b1 << 8 | b0);
  };
  const unsigned char tag[4] = {
      static_cast<unsigned char>(big ? 0x7f : 0xe0), static_cast<unsigned char>(big ? 0xe0 : 0x7f),
      static_cast<unsigned char>(big ? 0x00 : 0x10), static_cast<unsigned char>(big ? 0x10 : 0x00)};
  // The last header of that tag with that length: explicit VR (tag, "OB"/"OW", 2 reserved
  // bytes, 4-byte length) or implicit (tag, 4-byte length).
  for (size_t at = bytes.size() >= 8 ? bytes.size() - 8 : 0;; --at) {
    if (bytes.size() >= at + 8 && std::equal(tag, tag + 4, &bytes[at])) {
      size_t valueStart = 0;
      if (bytes.size() >= at + 12 && bytes[at + 4] == 'O' && u32(at + 8) == declared)
        valueStart = at + 12;
      else if (u32(at + 4) == declared)
        valueStart = at + 8;
      if (valueStart) {
        const size_t held = bytes.size() - valueStart;
        if (held < declared) {
          throw DataError(path, path + ": corrupt or truncated pixel data (holds " +
                                    std::to_string(held) + " of the " + std::to_string(declared) +
                                    " bytes its header announces)");
        }
        return;
      }
    }
    if (at == 0)
      return;
  }
}

struct DicomInfo {
  itk::GDCMImageIO::Pointer io;
  int rows = 0;
  int cols = 0;
  std::string photometric;
};

DicomInfo openUnguarded(const std::string& path) {
  quietGdcm();
  requireReadableFile(path, "DICOM file");
  std::string problem;
  if (!structureIsIntact(path, problem)) {
    const bool pixels = problem.rfind("the pixel data", 0) == 0;
    throw DataError(path, path +
                              (pixels ? ": corrupt or truncated pixel data (" + problem.substr(4)
                                      : ": corrupt or truncated DICOM (" + problem) +
                              ")");
  }
  DicomInfo info;
  info.io = itk::GDCMImageIO::New();
  info.io->SetFileName(path);
  try {
    info.io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    // Find out why: no pixel data and unparsable headers are the usual causes.
    checkPixelData(path, 0);
    throw DataError(path,
                    path + ": unreadable DICOM file (" + itkErrorText(e.GetDescription()) + ")");
  }
  const itk::MetaDataDictionary& tags = info.io->GetMetaDataDictionary();
  info.photometric = tagText(tags, "0028|0004");
  const unsigned components = info.io->GetNumberOfComponents();
  if (components != 1) {
    throw DataError(path, path + ": is a colour DICOM image (" +
                              (info.photometric.empty() ? std::to_string(components) + " samples"
                                                        : info.photometric) +
                              " per pixel); expected a grey-level radiograph (MONOCHROME1 or 2)");
  }
  const unsigned dims = info.io->GetNumberOfDimensions();
  const size_t frames = dims > 2 ? info.io->GetDimensions(2) : 1;
  if (frames > 1) {
    throw DataError(path, path + ": is a multi-frame DICOM (" + std::to_string(frames) +
                              " frames); expected a single radiograph");
  }
  requirePixelCount(path, static_cast<double>(info.io->GetDimensions(0)),
                    static_cast<double>(info.io->GetDimensions(1)));
  info.cols = static_cast<int>(info.io->GetDimensions(0));
  info.rows = static_cast<int>(info.io->GetDimensions(1));
  const std::optional<double> bitsAllocated = firstNumber(tagText(tags, "0028|0100"));
  const double bits = bitsAllocated.value_or(16.0);
  const auto expected =
      static_cast<size_t>(std::ceil(static_cast<double>(info.rows) * info.cols * bits / 8.0));
  checkPixelData(path, expected);
  return info;
}

}  // namespace

bool canRead(const std::string& path) {
  quietGdcm();
  std::string problem;
  return structureIsIntact(path, problem) && itk::GDCMImageIO::New()->CanReadFile(path.c_str());
}

namespace {

Radiograph readUnguarded(const std::string& path);

// GDCM aborts its process on some malformed files (GdcmGuard.h): the whole read below runs in a
// child first -- the same checks in the same order, so that a file they refuse (pixel data
// shorter than the image, say) is refused before GDCM decodes it there too.
void guard(const std::string& path) {
  const std::string stopped = gdcmStopsOn(path, [&path] { (void)readUnguarded(path); });
  if (!stopped.empty()) {
    throw DataError(path, path + ": malformed DICOM that this program's checks did not catch (" +
                              stopped + "); the file cannot be read");
  }
}

Radiograph readUnguarded(const std::string& path) {
  DicomInfo info = openUnguarded(path);
  Radiograph result;
  Image2D& image = result.image;
  image = Image2D(info.rows, info.cols);
  using ImageType = itk::Image<float, 3>;
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetImageIO(info.io);
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(
        path, path + ": unreadable DICOM pixel data (" + itkErrorText(e.GetDescription()) + ")");
  }
  const ImageType* itkImage = reader->GetOutput();
  const float* buffer = itkImage->GetBufferPointer();
  std::copy(buffer, buffer + image.size(), image.pixels.begin());
  for (unsigned d = 0; d < 2; ++d) {
    image.geometry.spacing[d] = itkImage->GetSpacing()[d];
    image.geometry.origin[d] = itkImage->GetOrigin()[d];
    for (unsigned e = 0; e < 2; ++e)
      image.geometry.direction[d * 2 + e] = itkImage->GetDirection()(d, e);
  }

  const itk::MetaDataDictionary& tags = info.io->GetMetaDataDictionary();
  RadiographInfo& about = result.info;
  about.format = ImageFormat::Dicom;
  about.inverted = info.photometric == "MONOCHROME1";
  about.description = "DICOM, " +
                      (info.photometric.empty() ? std::string("MONOCHROME2") : info.photometric) +
                      (about.inverted ? " (inverted: bone bright)" : "");
  for (const auto& [key, kind] :
       {std::pair{"0008|0022", "acquisition"}, std::pair{"0008|0023", "content"},
        std::pair{"0008|0021", "series"}, std::pair{"0008|0020", "study"}}) {
    const std::string date = isoDate(tagText(tags, key));
    if (!date.empty()) {
      about.date = date;
      about.dateKind = kind;
      break;
    }
  }
  const std::optional<double> centre = firstNumber(tagText(tags, "0028|1050"));
  const std::optional<double> width = firstNumber(tagText(tags, "0028|1051"));
  if (centre && width && *width > 0.0) {
    double c = *centre;
    if (about.inverted) {
      // ITK has already inverted a MONOCHROME1 image the way GDCM does: stored' = lo + hi -
      // stored over the stored range (BitsStored, PixelRepresentation), before the rescale
      // v = slope * stored + intercept. The window of the file moves with it.
      const double bitsStored = firstNumber(tagText(tags, "0028|0101")).value_or(16.0);
      const bool isSigned = tagText(tags, "0028|0103") == "1";
      const double range = isSigned ? -1.0 : std::pow(2.0, bitsStored) - 1.0;
      const double slope = info.io->GetRescaleSlope();
      const double intercept = info.io->GetRescaleIntercept();
      c = slope * range + 2.0 * intercept - c;
    }
    about.window = std::array<double, 2>{c, *width};
  }
  return result;
}

}  // namespace

RadiographHeader readHeader(const std::string& path) {
  quietGdcm();
  requireReadableFile(path, "DICOM file");
  guard(path);
  const DicomInfo info = openUnguarded(path);
  return {ImageFormat::Dicom, info.rows, info.cols};
}

Radiograph read(const std::string& path) {
  quietGdcm();
  requireReadableFile(path, "DICOM file");
  guard(path);
  return readUnguarded(path);
}

}  // namespace longmim::dicom
