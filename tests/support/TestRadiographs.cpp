#include "TestRadiographs.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <itkGDCMImageIO.h>
#include <itkMetaDataObject.h>

namespace longmim::test {

namespace {

template <typename Pixel>
void writeDicomOf(const std::string& path, int rows, int cols, const std::vector<short>& values,
                  const DicomTags& tags, double spacingCol, double spacingRow, size_t frames) {
  using ImageType = itk::Image<Pixel, 3>;
  auto image = ImageType::New();
  typename ImageType::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(cols), static_cast<itk::SizeValueType>(rows),
                  static_cast<itk::SizeValueType>(frames)});
  image->SetRegions(region);
  image->Allocate();
  std::transform(values.begin(), values.end(), image->GetBufferPointer(),
                 [](short v) { return static_cast<Pixel>(v); });
  typename ImageType::SpacingType spacing;
  spacing[0] = spacingCol;
  spacing[1] = spacingRow;
  spacing[2] = 1.0;
  image->SetSpacing(spacing);
  // ITK's writer takes the tags from the image's dictionary, not the IO's.
  itk::MetaDataDictionary& dictionary = image->GetMetaDataDictionary();
  for (const auto& [key, value] : tags)
    itk::EncapsulateMetaData<std::string>(dictionary, key, value);
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetImageIO(itk::GDCMImageIO::New());
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

}  // namespace

void writeTestDicom(const std::string& path, int rows, int cols, const std::vector<short>& values,
                    const DicomTags& tags, double spacingCol, double spacingRow, size_t frames) {
  // ITK 5.2 writes several frames of unsigned, not signed, 16-bit pixels.
  if (frames > 1)
    writeDicomOf<unsigned short>(path, rows, cols, values, tags, spacingCol, spacingRow, frames);
  else
    writeDicomOf<short>(path, rows, cols, values, tags, spacingCol, spacingRow, frames);
}

std::vector<char> fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFileBytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void writeAsMonochrome1(const std::string& from, const std::string& to) {
  const std::vector<char> raw = fileBytes(from);
  std::string text(raw.begin(), raw.end());
  const size_t at = text.find("MONOCHROME2");
  if (at == std::string::npos || text.find("MONOCHROME2", at + 1) != std::string::npos)
    throw std::runtime_error(from + ": expected exactly one MONOCHROME2");
  text.replace(at, 11, "MONOCHROME1");
  writeFileBytes(to, std::vector<char>(text.begin(), text.end()));
}

}  // namespace longmim::test
