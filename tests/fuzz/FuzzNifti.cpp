// libFuzzer target: the NIfTI reader (core/io/NiftiIO, through ITK) on arbitrary bytes. Every input
// must either read or throw longmim::Error naming the file; anything else -- a crash, an ASan or
// UBSan report, a leak, another exception type escaping -- is a finding.
#include <itkObject.h>

#include <cstdint>

#include "Error.h"
#include "FuzzInput.h"
#include "io/NiftiIO.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  itk::Object::GlobalWarningDisplayOff();  // "is Analyze file and it's deprecated", per input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = longmim::fuzz::writeInput(data, size, ".nii");
  try {
    const longmim::NiftiHeader header = longmim::readNiftiHeader(path);
    (void)header.planeAxes();
    (void)header.sizeText();
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  try {
    const longmim::Image2D image = longmim::readImage2D(path);
    (void)image;
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  return 0;
}
