#include "io/GdcmGuard.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <tuple>
#include <vector>

#include <itkGDCMImageIO.h>

#include "train/Crc32c.h"

namespace longmim::dicom {
namespace {

// How long the child may take before this process reads the file itself. Forking a process with
// other threads leaves any lock they held locked in the child; should the child wait on one, it
// is killed after this and the file is read in-process as it would have been without the guard.
// glibc's malloc takes its locks across fork(), so with it that does not happen in practice.
// AddressSanitizer's allocator (clang 14) does not: a child forked while another thread was
// allocating waits on the allocator's lock for ever (seen with gdb in TestPairIndex's parallel
// DICOM scan under tests/sanitize/run.sh), so the sanitized build gives up much sooner.
#if defined(__SANITIZE_ADDRESS__)
#define LONGMIM_GUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LONGMIM_GUARD_ASAN 1
#endif
#endif
#ifdef LONGMIM_GUARD_ASAN
constexpr auto kChildLimit = std::chrono::seconds(10);
#else
constexpr auto kChildLimit = std::chrono::seconds(60);
#endif

// A file that passed, by path and content (a fuzzer, or a user, rewrites a file in place within
// one tick of the file system's clock: size and modification time would not tell).
// The last field tells the default read from a caller's.
using FileKey = std::tuple<std::string, size_t, std::uint32_t, bool>;

std::mutex& passedMutex() {
  static std::mutex mutex;
  return mutex;
}

// Held around fork() itself: ITK's thread pool has a pthread_atfork handler that joins the pool's
// threads, and two threads forking at once (the dataset scan and the loader read files in
// parallel) both joined the same threads -- std::system_error, then std::terminate.
std::mutex& forkMutex() {
  static std::mutex mutex;
  return mutex;
}

std::set<FileKey>& passedFiles() {
  static std::set<FileKey> files;
  return files;
}

bool keyOf(const std::string& path, bool callersRead, FileKey& key) {
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
  key = FileKey{path, size, crc, callersRead};
  return true;
}

// GDCM's own read of the file through ITK, header and pixels: what the guard runs when its caller
// names no read of its own.
void readWithGdcm(const std::string& path) {
  itk::GDCMImageIO::Pointer io = itk::GDCMImageIO::New();
  io->SetFileName(path);
  io->ReadImageInformation();
  double pixels = 1.0;
  for (unsigned d = 0; d < io->GetNumberOfDimensions(); ++d)
    pixels *= static_cast<double>(io->GetDimensions(d));
  if (pixels * io->GetNumberOfComponents() > 1e8)
    return;  // the reader refuses it by its size before reading pixels
  std::vector<char> buffer(static_cast<size_t>(io->GetImageSizeInBytes()));
  io->Read(buffer.data());
}

// The child: the read, nothing else; its exit status says how far it got.
[[noreturn]] void readInChild(const std::string& path, const std::function<void()>& read) {
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {  // GDCM's assertion text is this guard's business, not the user's terminal's
    ::dup2(null, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
  }
  // The parent's handlers of fatal signals (a crash reporter, libFuzzer's, AddressSanitizer's)
  // would turn GDCM's abort into an ordinary exit here: the default action, so that the parent
  // sees the signal.
  for (const int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
  }
  try {
    if (read)
      read();
    else
      readWithGdcm(path);
  } catch (...) {
    ::_exit(0);  // an exception: the reader reports it in its own words
  }
  ::_exit(0);
}

}  // namespace

std::string gdcmStopsOn(const std::string& path, const std::function<void()>& read) {
  FileKey key;
  const bool known = keyOf(path, static_cast<bool>(read), key);
  if (known) {
    std::lock_guard<std::mutex> lock(passedMutex());
    if (passedFiles().count(key) != 0)
      return {};
  }
  // The child holds the write end of a pipe until it ends, so this process sleeps in poll() and
  // wakes the moment it does (no polling interval added to every DICOM read).
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0)
    return {};  // no descriptors to spare: read it in-process, as without the guard
  pid_t child = -1;
  {
    std::lock_guard<std::mutex> lock(forkMutex());
    child = ::fork();
  }
  if (child < 0) {  // no process to spare: likewise
    ::close(ends[0]);
    ::close(ends[1]);
    return {};
  }
  if (child == 0) {
    ::close(ends[0]);
    readInChild(path, read);
  }
  ::close(ends[1]);
  const auto deadline = std::chrono::steady_clock::now() + kChildLimit;
  bool ended = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    pollfd end{ends[0], POLLIN, 0};
    const int ready = ::poll(&end, 1, static_cast<int>(left.count()));
    if (ready > 0) {  // closed: the child is ending (a sibling's child may have held it longer)
      ended = true;
      break;
    }
    if (ready < 0 && errno != EINTR)
      break;
  }
  ::close(ends[0]);
  int status = 0;
  pid_t done = 0;
  if (ended) {
    while ((done = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
    }
  } else {
    while ((done = ::waitpid(child, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
  }
  if (done < 0)
    return {};
  if (done == 0) {  // past the limit: stopped, and the file read in-process
    ::kill(child, SIGKILL);
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return {};
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* what = signal == SIGABRT   ? "aborted (an assertion failed)"
                       : signal == SIGSEGV ? "crashed (segmentation fault)"
                                           : "was stopped";
    return std::string("GDCM ") + what + " while reading it (signal " + std::to_string(signal) +
           ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {  // only an exit of GDCM's own (or a
    // handler the reset above missed) ends the child other than through _exit(0)
    return "GDCM ended its process while reading it (exit status " +
           std::to_string(WEXITSTATUS(status)) + ")";
  }
  if (known) {
    std::lock_guard<std::mutex> lock(passedMutex());
    passedFiles().insert(key);
  }
  return {};
}

}  // namespace longmim::dicom
