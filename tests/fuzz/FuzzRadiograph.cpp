// libFuzzer target: the readers of X-rays as other people's tools write them -- DICOM (ITK's
// GDCM reader behind core/io/DicomReader's own checks), PNG and JPEG -- on arbitrary bytes, the
// format decided by content as for an extension-less file from a PACS export. Every input must
// either read or throw longmim::Error naming the file; anything else is a finding.
#include <itkObject.h>

#include <cstdint>

#include "Error.h"
#include "FuzzInput.h"
#include "io/RadiographIO.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  itk::Object::GlobalWarningDisplayOff();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = longmim::fuzz::writeInput(data, size, "");
  try {
    const longmim::RadiographHeader header = longmim::readRadiographHeader(path);
    (void)header;
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  try {
    const longmim::Radiograph image = longmim::readRadiograph(path);
    (void)image;
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  return 0;
}
