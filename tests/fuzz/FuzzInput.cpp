#include "FuzzInput.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace longmim::fuzz {
namespace {

fs::path& folder() {
  static fs::path path;
  return path;
}

void removeFolder() {
  std::error_code ec;
  fs::remove_all(folder(), ec);
}

}  // namespace

std::string writeInput(const uint8_t* data, size_t size, const std::string& suffix) {
  if (folder().empty()) {
    folder() = fs::temp_directory_path() / ("longmim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(folder());
    std::atexit(removeFolder);
  }
  const std::string path = (folder() / ("input" + suffix)).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

void requireNamesFile(const std::string& message, const std::string& path) {
  if (message.find(path) != std::string::npos)
    return;
  std::fprintf(stderr, "fuzz: the error does not name the file %s:\n%s\n", path.c_str(),
               message.c_str());
  std::abort();
}

}  // namespace longmim::fuzz
