#include "io/PngWriter.h"

#include <filesystem>

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include "Error.h"
#include "io/AtomicFile.h"

namespace longmim {

void writeRgbPng(const std::string& path, int rows, int cols,
                 const std::vector<std::uint8_t>& rgb) {
  if (rows <= 0 || cols <= 0 || rgb.size() != static_cast<size_t>(rows) * cols * 3) {
    throw Error("cannot write " + path + ": the image is empty or its size is inconsistent");
  }
  using Pixel = itk::RGBPixel<std::uint8_t>;
  using ImageType = itk::Image<Pixel, 2>;
  auto image = ImageType::New();
  ImageType::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(cols), static_cast<itk::SizeValueType>(rows)});
  image->SetRegions(region);
  image->Allocate();
  Pixel* out = image->GetBufferPointer();
  for (size_t i = 0; i < static_cast<size_t>(rows) * cols; ++i) {
    out[i].Set(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
  }
  const std::string temporary = temporarySiblingPath(path);
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetImageIO(itk::PNGImageIO::New());
  writer->SetFileName(temporary);
  writer->SetInput(image);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    throw Error("cannot write " + path + ": " + e.GetDescription());
  }
  commitTemporaryFile(temporary, path);
}

}  // namespace longmim
