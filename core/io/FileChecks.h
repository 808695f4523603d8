// Checks and message helpers shared by the image readers of core/io.
#pragma once

#include <string>

namespace longmim {

// Throws DataError naming the file when it does not exist, is a folder or is empty. `kind` names
// what the file should have been ("NIfTI file", "image file") in the folder message.
void requireReadableFile(const std::string& path, const char* kind);

// Throws DataError naming the file when an image of cols x rows is empty or larger than the
// readers accept (100 million pixels, 400 MB as float): checked before anything is allocated, as a
// header may announce any size.
void requirePixelCount(const std::string& path, double cols, double rows);
bool acceptablePixelCount(double cols, double rows);

// The part of an ITK exception's description worth showing: its "ERROR:" text, trimmed.
std::string itkErrorText(const std::string& description);

}  // namespace longmim
