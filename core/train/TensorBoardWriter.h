// Writes TensorBoard event files (scalars and PNG images) that `tensorboard --logdir` reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace longmim {

// One event file per writer: <logDir>/events.out.tfevents.<unix seconds>.<hostname>. Records are
// buffered; call flush() when a live TensorBoard should see them (the trainer does at epoch end)
// and the destructor flushes what is left. Not thread-safe: one writer per run, one thread.
class TensorBoardWriter {
 public:
  // Creates logDir (with its parents) and the event file, whose first record is the
  // "brain.Event:2" file-version event. Throws Error naming the folder or file when it cannot.
  explicit TensorBoardWriter(const std::string& logDir);
  ~TensorBoardWriter();
  TensorBoardWriter(TensorBoardWriter&&) noexcept;
  TensorBoardWriter& operator=(TensorBoardWriter&&) noexcept;
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // `value` is stored as a 32-bit float (TensorBoard's simple_value). `wallTime` is seconds since
  // the Unix epoch.
  void addScalar(const std::string& tag, double value, std::int64_t step, double wallTime);

  // `pixels` holds rows x cols x channels bytes, row-major, channels interleaved; channels is 1
  // (grey) or 3 (RGB). Stored PNG-encoded. Throws Error on an inconsistent size.
  void addImage(const std::string& tag, int rows, int cols, int channels,
                const std::vector<std::uint8_t>& pixels, std::int64_t step, double wallTime);

  // Pushes buffered records to the file; throws Error naming the file when writing failed.
  void flush();

  std::string path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longmim
