#include "io/GdcmGuard.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include <itkGDCMImageIO.h>

#include "train/Crc32c.h"

namespace longmim::dicom {
namespace {

// How long the child may take before this process reads the file itself. Forking a process with
// other threads leaves any lock they held locked in the child; should the child wait on one, it
// is killed after this and the file is read in-process as it would have been without the guard.
constexpr auto kChildLimit = std::chrono::seconds(60);

// A file that passed, by path and content (a fuzzer, or a user, rewrites a file in place within
// one tick of the file system's clock: size and modification time would not tell).
using FileKey = std::tuple<std::string, size_t, std::uint32_t>;

std::mutex& passedMutex() {
  static std::mutex mutex;
  return mutex;
}

std::set<FileKey>& passedFiles() {
  static std::set<FileKey> files;
  return files;
}

bool keyOf(const std::string& path, FileKey& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::vector<char> chunk(1 << 20);
  std::uint32_t crc = 0;
  size_t size = 0;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    crc = crc32c(chunk.data(), got, crc);
    size += got;
  }
  key = FileKey{path, size, crc};
  return true;
}

// The child: the reader's GDCM calls, nothing else; its exit status says how far it got.
[[noreturn]] void readInChild(const std::string& path) {
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {  // GDCM's assertion text is this guard's business, not the user's terminal's
    ::dup2(null, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
  }
  try {
    itk::GDCMImageIO::Pointer io = itk::GDCMImageIO::New();
    io->SetFileName(path);
    io->ReadImageInformation();
    double pixels = 1.0;
    for (unsigned d = 0; d < io->GetNumberOfDimensions(); ++d)
      pixels *= static_cast<double>(io->GetDimensions(d));
    if (pixels * io->GetNumberOfComponents() > 1e8)
      ::_exit(0);  // the reader refuses it by its size before reading pixels
    std::vector<char> buffer(static_cast<size_t>(io->GetImageSizeInBytes()));
    io->Read(buffer.data());
  } catch (...) {
    ::_exit(0);  // an exception: the reader reports it in its own words
  }
  ::_exit(0);
}

}  // namespace

std::string gdcmStopsOn(const std::string& path) {
  FileKey key;
  const bool known = keyOf(path, key);
  if (known) {
    std::lock_guard<std::mutex> lock(passedMutex());
    if (passedFiles().count(key) != 0)
      return {};
  }
  const pid_t child = ::fork();
  if (child < 0)
    return {};  // no process to spare: read it in-process, as without the guard
  if (child == 0)
    readInChild(path);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kChildLimit;
  for (auto pause = std::chrono::microseconds(200);;
       pause = std::min(pause * 2, std::chrono::microseconds(20000))) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child)
      break;
    if (done < 0 && errno != EINTR)
      return {};
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      return {};
    }
    std::this_thread::sleep_for(pause);
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* what = signal == SIGABRT   ? "aborted (an assertion failed)"
                       : signal == SIGSEGV ? "crashed (segmentation fault)"
                                           : "was stopped";
    return std::string("GDCM ") + what + " while reading it (signal " + std::to_string(signal) +
           ")";
  }
  if (known) {
    std::lock_guard<std::mutex> lock(passedMutex());
    passedFiles().insert(key);
  }
  return {};
}

}  // namespace longmim::dicom
