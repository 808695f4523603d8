#include "train/TensorBoardWriter.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

#include <png.h>

#include "Error.h"
#include "train/Crc32c.h"
#include "train/tensorboard_event.pb.h"

namespace longmim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFileVersion = "brain.Event:2";

double nowSeconds() {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since).count();
}

std::string hostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0')
    return "localhost";
  return name;
}

std::string systemReason() {
  return errno != 0 ? std::string(": ") + std::strerror(errno) : std::string();
}

// TensorBoard reads every events.out.tfevents.* file in a folder; a numbered suffix keeps two
// writers started in the same second from overwriting each other's file.
fs::path uniqueEventFilePath(const fs::path& folder) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::string base = "events.out.tfevents." + std::to_string(seconds) + "." + hostName();
  fs::path candidate = folder / base;
  for (int n = 1; fs::exists(candidate); ++n)
    candidate = folder / (base + "." + std::to_string(n));
  return candidate;
}

void createFolder(const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    throw Error("cannot create the TensorBoard folder " + folder.string() + ": " + ec.message());
  }
  if (!fs::is_directory(folder, ec)) {
    throw Error("cannot create the TensorBoard folder " + folder.string() +
                ": a file of that name is in the way");
  }
}

// ---- PNG encoding ---------------------------------------------------------------------------
// libpng reports errors by longjmp; the function that calls setjmp holds only trivially
// destructible locals, so the jump skips no destructor.

struct PngErrorState {
  char message[256] = {};
};

void onPngError(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof(state->message), "%s", message);
  png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

void appendPngBytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
  bool appended = true;
  try {
    out->insert(out->end(), data, data + length);
  } catch (const std::bad_alloc&) {
    appended = false;  // jump only after the exception object is gone
  }
  if (!appended)
    png_error(png, "out of memory");
}

void flushNothing(png_structp) {}

bool writePngRows(png_structp png, png_infop info, int rows, int cols, int channels,
                  const std::uint8_t* pixels, std::vector<std::uint8_t>* out) {
  if (setjmp(png_jmpbuf(png)))
    return false;
  png_set_write_fn(png, out, appendPngBytes, flushNothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(cols), static_cast<png_uint_32>(rows), 8,
               channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const std::size_t rowBytes = static_cast<std::size_t>(cols) * channels;
  for (int r = 0; r < rows; ++r)
    png_write_row(png, pixels + r * rowBytes);
  png_write_end(png, nullptr);
  return true;
}

std::vector<std::uint8_t> encodePng(int rows, int cols, int channels,
                                    const std::vector<std::uint8_t>& pixels) {
  PngErrorState errors;
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, onPngError, onPngWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  std::vector<std::uint8_t> encoded;
  const bool ok = info && writePngRows(png, info, rows, cols, channels, pixels.data(), &encoded);
  png_destroy_write_struct(&png, &info);
  if (!ok) {
    throw Error(std::string("cannot PNG-encode a TensorBoard image: ") +
                (errors.message[0] ? errors.message : "libpng could not start"));
  }
  return encoded;
}

// ---- Record framing -------------------------------------------------------------------------

void putLittleEndian(std::uint64_t value, int bytes, char* out) {
  for (int i = 0; i < bytes; ++i)
    out[i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
}

}  // namespace

struct TensorBoardWriter::Impl {
  fs::path path;
  std::ofstream out;

  void write(const tb::Event& event) {
    std::string data;
    if (!event.SerializeToString(&data))
      throw Error("cannot serialise a TensorBoard event for " + path.string());
    // Record: uint64 length, masked CRC32C of those 8 bytes, data, masked CRC32C of the data.
    char header[12];
    putLittleEndian(data.size(), 8, header);
    putLittleEndian(maskCrc32c(crc32c(header, 8)), 4, header + 8);
    char footer[4];
    putLittleEndian(maskCrc32c(crc32c(data.data(), data.size())), 4, footer);
    errno = 0;
    out.write(header, sizeof(header));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.write(footer, sizeof(footer));
    if (!out)
      throw Error("cannot write the TensorBoard event file " + path.string() + systemReason());
  }

  void writeSummaryValue(tb::Summary::Value value, std::int64_t step, double wallTime) {
    tb::Event event;
    event.set_wall_time(wallTime);
    event.set_step(step);
    *event.mutable_summary()->add_value() = std::move(value);
    write(event);
  }
};

TensorBoardWriter::TensorBoardWriter(const std::string& logDir) : impl_(std::make_unique<Impl>()) {
  const fs::path folder(logDir);
  createFolder(folder);
  impl_->path = uniqueEventFilePath(folder);
  errno = 0;
  impl_->out.open(impl_->path, std::ios::binary | std::ios::out | std::ios::trunc);
  if (!impl_->out) {
    throw Error("cannot create the TensorBoard event file " + impl_->path.string() +
                systemReason());
  }
  tb::Event version;
  version.set_wall_time(nowSeconds());
  version.set_file_version(kFileVersion);
  impl_->write(version);
  flush();
}

TensorBoardWriter::~TensorBoardWriter() {
  if (impl_)
    impl_->out.flush();  // a destructor must not throw; flush() reports errors to callers
}

TensorBoardWriter::TensorBoardWriter(TensorBoardWriter&&) noexcept = default;
TensorBoardWriter& TensorBoardWriter::operator=(TensorBoardWriter&&) noexcept = default;

void TensorBoardWriter::addScalar(const std::string& tag, double value, std::int64_t step,
                                  double wallTime) {
  tb::Summary::Value summaryValue;
  summaryValue.set_tag(tag);
  summaryValue.set_simple_value(static_cast<float>(value));
  impl_->writeSummaryValue(std::move(summaryValue), step, wallTime);
}

void TensorBoardWriter::addImage(const std::string& tag, int rows, int cols, int channels,
                                 const std::vector<std::uint8_t>& pixels, std::int64_t step,
                                 double wallTime) {
  if (channels != 1 && channels != 3) {
    throw Error("TensorBoard image '" + tag + "' has " + std::to_string(channels) +
                " channels; expected 1 (grey) or 3 (RGB)");
  }
  if (rows <= 0 || cols <= 0 ||
      pixels.size() != static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) *
                           static_cast<std::size_t>(channels)) {
    throw Error("TensorBoard image '" + tag + "' is " + std::to_string(rows) + "x" +
                std::to_string(cols) + "x" + std::to_string(channels) + " but holds " +
                std::to_string(pixels.size()) + " bytes");
  }
  const std::vector<std::uint8_t> png = encodePng(rows, cols, channels, pixels);
  tb::Summary::Value summaryValue;
  summaryValue.set_tag(tag);
  tb::Summary::Image* image = summaryValue.mutable_image();
  image->set_height(rows);
  image->set_width(cols);
  image->set_colorspace(channels);  // TensorBoard's codes: 1 grey, 3 RGB
  image->set_encoded_image_string(png.data(), png.size());
  impl_->writeSummaryValue(std::move(summaryValue), step, wallTime);
}

void TensorBoardWriter::flush() {
  errno = 0;
  impl_->out.flush();
  if (!impl_->out)
    throw Error("cannot write the TensorBoard event file " + impl_->path.string() + systemReason());
}

std::string TensorBoardWriter::path() const {
  return impl_->path.string();
}

}  // namespace longmim
