#include "io/FileChecks.h"

#include <filesystem>

#include "Error.h"

namespace fs = std::filesystem;

namespace longmim {

void requireReadableFile(const std::string& path, const char* kind) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw DataError(path, path + ": file not found");
  if (fs::is_directory(path, ec))
    throw DataError(path, path + ": is a folder, not a " + kind);
  if (fs::file_size(path, ec) == 0)
    throw DataError(path, path + ": file is empty");
}

bool acceptablePixelCount(double cols, double rows) {
  constexpr double kMaxPixels = 1e8;
  return cols >= 1.0 && rows >= 1.0 && cols * rows <= kMaxPixels;
}

void requirePixelCount(const std::string& path, double cols, double rows) {
  if (!acceptablePixelCount(cols, rows)) {
    throw DataError(path, path + ": announces an image of " +
                              std::to_string(static_cast<long long>(cols)) + "x" +
                              std::to_string(static_cast<long long>(rows)) +
                              " pixels (at most 100 million are read)");
  }
}

std::string itkErrorText(const std::string& description) {
  const size_t start = description.find_first_not_of(" \n");
  std::string trimmed = start == std::string::npos ? description : description.substr(start);
  // ITK messages start with "file:line:\nitk::ERROR: ..."; keep the last meaningful line.
  const size_t error = trimmed.find("ERROR:");
  if (error != std::string::npos)
    trimmed = trimmed.substr(error + 6);
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' '))
    trimmed.pop_back();
  while (!trimmed.empty() && trimmed.front() == ' ')
    trimmed.erase(trimmed.begin());
  return trimmed;
}

}  // namespace longmim
