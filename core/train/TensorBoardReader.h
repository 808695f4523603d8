// Reads TensorBoard event files back (tests, and the GUI's run browser), verifying every record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace longmim {

struct TensorBoardScalar {
  std::string tag;
  float value = 0.0f;
};

struct TensorBoardImage {
  std::string tag;
  int height = 0;
  int width = 0;
  int colorspace = 0;  // 1 grey, 3 RGB
  std::vector<std::uint8_t> png;
};

// One record of an event file. Exactly one of fileVersion / scalars / images is set by our writer,
// but an event from another writer may carry several summary values.
struct TensorBoardEvent {
  double wallTime = 0.0;
  std::int64_t step = 0;
  std::string fileVersion;  // "brain.Event:2" in the first record
  std::vector<TensorBoardScalar> scalars;
  std::vector<TensorBoardImage> images;
};

// All events of the file in order. Summary values other than scalars and images are skipped.
// Throws DataError naming the file and the 0-based record index when a record is truncated, a
// length or data CRC32C does not match, or the data is not an event.
std::vector<TensorBoardEvent> readTensorBoardEvents(const std::string& path);

}  // namespace longmim
