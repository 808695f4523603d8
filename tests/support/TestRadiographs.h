// Writers of X-ray files as hospitals and collections store them -- DICOM, PNG, JPEG -- through
// ITK's writers (never the code under test, which only reads them), for the test suites.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkImageIOBase.h>

namespace longmim::test {

using DicomTags = std::vector<std::pair<std::string, std::string>>;  // {"0028|1053", "2"}, ...

// A DICOM of `frames` x `rows` x `cols` signed 16-bit values (row-major), with extra tags such as
// Rescale Slope / Intercept (ITK then stores (value - intercept) / slope), dates or a window.
// ITK always writes MONOCHROME2; several frames are stored unsigned (values must be >= 0).
void writeTestDicom(const std::string& path, int rows, int cols, const std::vector<short>& values,
                    const DicomTags& tags = {}, double spacingCol = 0.2, double spacingRow = 0.3,
                    size_t frames = 1);

// The same file with MONOCHROME1 as its photometric interpretation (as CR / DX systems write it):
// the name is patched in place, the strings being of equal length.
void writeAsMonochrome1(const std::string& from, const std::string& to);

// The whole file, as bytes.
std::vector<char> fileBytes(const std::string& path);
void writeFileBytes(const std::string& path, const std::vector<char>& bytes);

// A 2-D image of `Pixel` (unsigned char, unsigned short, itk::RGBPixel...) written with `io`
// (itk::PNGImageIO, itk::JPEGImageIO, itk::GDCMImageIO).
template <typename Pixel>
void writeTestRaster(const std::string& path, int rows, int cols, const std::vector<Pixel>& values,
                     itk::ImageIOBase* io) {
  using ImageType = itk::Image<Pixel, 2>;
  auto image = ImageType::New();
  typename ImageType::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(cols), static_cast<itk::SizeValueType>(rows)});
  image->SetRegions(region);
  image->Allocate();
  std::copy(values.begin(), values.end(), image->GetBufferPointer());
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetImageIO(io);
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

}  // namespace longmim::test
