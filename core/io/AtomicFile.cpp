#include "io/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "Error.h"

namespace fs = std::filesystem;

namespace longmim {
namespace {

// Double extensions that must stay together at the end of the name.
std::string extensionOf(const std::string& name) {
  for (const char* twoPart : {".nii.gz", ".tar.gz"}) {
    const std::string ext(twoPart);
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      return ext;
    }
  }
  return fs::path(name).extension().string();
}

void syncPath(const std::string& path, bool isDirectory) {
  const int fd = ::open(path.c_str(), isDirectory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0)
    return;  // best effort: the rename below is what guarantees atomicity
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string temporarySiblingPath(const std::string& finalPath) {
  static std::atomic<unsigned> counter{0};
  const fs::path target(finalPath);
  const std::string name = target.filename().string();
  const std::string ext = extensionOf(name);
  const std::string stem = name.substr(0, name.size() - ext.size());
  const std::string unique =
      ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  return (target.parent_path() / ("." + stem + unique + ext)).string();
}

void commitTemporaryFile(const std::string& temporaryPath, const std::string& finalPath) {
  syncPath(temporaryPath, false);
  std::error_code ec;
  fs::rename(temporaryPath, finalPath, ec);
  if (ec) {
    fs::remove(temporaryPath);
    throw Error("cannot write " + finalPath + ": " + ec.message());
  }
  const fs::path parent = fs::path(finalPath).parent_path();
  syncPath(parent.empty() ? std::string(".") : parent.string(), true);
}

void writeFileAtomically(const std::string& finalPath,
                         const std::function<void(std::ostream&)>& write) {
  const fs::path parent = fs::path(finalPath).parent_path();
  if (!parent.empty() && !fs::is_directory(parent)) {
    throw Error("cannot write " + finalPath + ": folder " + parent.string() + " does not exist");
  }
  const std::string temporary = temporarySiblingPath(finalPath);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error("cannot write " + finalPath + ": " + std::strerror(errno));
    }
    try {
      write(out);
    } catch (...) {
      out.close();
      fs::remove(temporary);
      throw;
    }
    out.flush();
    if (!out) {
      const std::string reason = std::strerror(errno);
      out.close();
      fs::remove(temporary);
      throw Error("cannot write " + finalPath + ": " + reason);
    }
  }
  commitTemporaryFile(temporary, finalPath);
}

void writeFileAtomically(const std::string& finalPath, const std::string& bytes) {
  writeFileAtomically(finalPath, [&bytes](std::ostream& out) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
}

std::string readWholeFile(const std::string& path) {
  if (fs::is_directory(path))
    throw Error("cannot read " + path + ": it is a folder, not a file");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    throw Error("cannot read " + path + ": " + std::strerror(errno));
  // Sized once and read in place: a checkpoint of the paper model is 1.3 GB, and a string stream
  // would hold it twice.
  const std::streamoff size = in.tellg();
  std::string content;
  if (size > 0) {
    content.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(content.data(), size);
  }
  if (in.bad() || (size > 0 && in.gcount() != size))
    throw Error("cannot read " + path + ": " + std::strerror(errno));
  // A file that is not seekable (a pipe) or that grew while read: the rest, as it comes.
  if (size <= 0) {
    in.clear();
    in.seekg(0);
    content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return content;
}

}  // namespace longmim
