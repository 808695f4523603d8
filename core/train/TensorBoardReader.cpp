#include "train/TensorBoardReader.h"

#include <fstream>

#include "Error.h"
#include "train/Crc32c.h"
#include "train/tensorboard_event.pb.h"

namespace longmim {

namespace {

std::uint64_t getLittleEndian(const unsigned char* bytes, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i)
    value = (value << 8) | bytes[i];
  return value;
}

// Reads one framed record after another, checking the framing; knows nothing about events.
class RecordReader {
 public:
  explicit RecordReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_)
      throw DataError(path_, "cannot open the TensorBoard event file " + path_);
    in_.seekg(0, std::ios::end);
    fileSize_ = static_cast<std::uint64_t>(in_.tellg());
    in_.seekg(0, std::ios::beg);
  }

  // False at a clean end of file; throws on a damaged record.
  bool next(std::string* data) {
    index_ = recordsRead_;
    unsigned char header[12];
    const std::uint64_t remaining = fileSize_ - position_;
    if (remaining == 0)
      return false;
    if (remaining < sizeof(header))
      fail("is truncated (its " + std::to_string(sizeof(header)) + "-byte header is cut off)");
    readBytes(header, sizeof(header));
    const auto storedLengthCrc = static_cast<std::uint32_t>(getLittleEndian(header + 8, 4));
    if (maskCrc32c(crc32c(header, 8)) != storedLengthCrc)
      fail("is corrupt (the CRC32C of its length does not match)");
    const std::uint64_t length = getLittleEndian(header, 8);
    if (fileSize_ - position_ < 4 || length > fileSize_ - position_ - 4) {
      fail("is truncated (" + std::to_string(length) + " bytes of data announced, " +
           std::to_string(fileSize_ - position_) + " bytes left in the file)");
    }
    data->resize(static_cast<std::size_t>(length));
    readBytes(data->data(), data->size());
    unsigned char footer[4];
    readBytes(footer, sizeof(footer));
    if (maskCrc32c(crc32c(data->data(), data->size())) != getLittleEndian(footer, 4))
      fail("is corrupt (the CRC32C of its data does not match)");
    ++recordsRead_;
    return true;
  }

  // Reports a problem with the record that next() read last (or is reading).
  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(path_, "TensorBoard event file " + path_ + ": record " +
                               std::to_string(index_) + " " + what);
  }

 private:
  void readBytes(void* out, std::size_t size) {
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
    if (!in_)
      fail("cannot be read");
    position_ += size;
  }

  std::string path_;
  std::ifstream in_;
  std::uint64_t fileSize_ = 0;
  std::uint64_t position_ = 0;
  std::size_t recordsRead_ = 0;
  std::size_t index_ = 0;  // the record next() is reading or has read last
};

TensorBoardEvent toEvent(const tb::Event& event) {
  TensorBoardEvent out;
  out.wallTime = event.wall_time();
  out.step = event.step();
  out.fileVersion = event.file_version();
  for (const tb::Summary::Value& value : event.summary().value()) {
    if (value.has_simple_value()) {
      out.scalars.push_back({value.tag(), value.simple_value()});
    } else if (value.has_image()) {
      const tb::Summary::Image& image = value.image();
      const std::string& png = image.encoded_image_string();
      out.images.push_back({value.tag(), image.height(), image.width(), image.colorspace(),
                            std::vector<std::uint8_t>(png.begin(), png.end())});
    }
  }
  return out;
}

}  // namespace

std::vector<TensorBoardEvent> readTensorBoardEvents(const std::string& path) {
  RecordReader records(path);
  std::vector<TensorBoardEvent> events;
  std::string data;
  while (records.next(&data)) {
    tb::Event event;
    if (!event.ParseFromString(data))
      records.fail("is not a TensorBoard event");
    events.push_back(toEvent(event));
  }
  return events;
}

}  // namespace longmim
