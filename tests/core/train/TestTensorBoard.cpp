// Tests that TensorBoard event files hold what was logged, with valid CRC32C framing, and that a
// damaged file is reported with its name and the record index.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include <png.h>

#include "Error.h"
#include "ErrorOf.h"
#include "train/Crc32c.h"
#include "train/TensorBoardReader.h"
#include "train/TensorBoardWriter.h"

using namespace longmim;
using longmim::test::errorOf;

namespace {

std::vector<char> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Offset of record `index`: each record is 8 (length) + 4 + data + 4 bytes.
size_t recordOffset(const std::vector<char>& bytes, int index) {
  size_t offset = 0;
  for (int i = 0; i < index; ++i) {
    uint64_t length = 0;
    for (int b = 7; b >= 0; --b)
      length = (length << 8) | static_cast<unsigned char>(bytes[offset + b]);
    offset += 12 + length + 4;
  }
  return offset;
}

// Pattern images whose rows and columns differ, so a swapped axis shows.
std::vector<uint8_t> patternPixels(int rows, int cols, int channels) {
  std::vector<uint8_t> pixels(static_cast<size_t>(rows) * cols * channels);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  return pixels;
}

struct DecodedPng {
  int rows = 0;
  int cols = 0;
  bool storedAsColour = false;
  std::vector<uint8_t> pixels;
};

// Decodes with libpng's simplified reader, a different path through libpng than the writer's.
DecodedPng decodePng(const std::vector<uint8_t>& png, int channels) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size()))
    return {};
  DecodedPng decoded;
  decoded.rows = static_cast<int>(image.height);
  decoded.cols = static_cast<int>(image.width);
  decoded.storedAsColour = (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  decoded.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, decoded.pixels.data(), 0, nullptr))
    return {};
  return decoded;
}

bool tensorboardImportable() {
  QProcess python;
  python.start("python3", {"-c", "import tensorboard"});
  return python.waitForFinished(60000) && python.exitStatus() == QProcess::NormalExit &&
         python.exitCode() == 0;
}

}  // namespace

class TestTensorBoard : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

  // A small file: version record, two scalars, one grey image.
  std::string writeSmallFile(const std::string& folder) {
    TensorBoardWriter writer(path(folder));
    writer.addScalar("train/total", 0.5, 1, 100.0);
    writer.addScalar("train/total", 0.25, 2, 101.0);
    writer.addImage("val/predicted", 3, 4, 1, patternPixels(3, 4, 1), 1, 102.0);
    return writer.path();
  }

 private Q_SLOTS:
  void crc32cMatchesKnownVectors() {
    const char* digits = "123456789";
    QCOMPARE(crc32c(digits, 9), 0xE3069283u);
    const std::vector<uint8_t> zeros(32, 0x00);
    QCOMPARE(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
    const std::vector<uint8_t> ones(32, 0xFF);
    QCOMPARE(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
    std::vector<uint8_t> ascending(32);
    for (int i = 0; i < 32; ++i)
      ascending[i] = static_cast<uint8_t>(i);
    QCOMPARE(crc32c(ascending.data(), ascending.size()), 0x46DD794Eu);
    QCOMPARE(crc32c(nullptr, 0), 0u);
    // Continuing a checksum over a second chunk equals checksumming everything at once.
    QCOMPARE(crc32c(digits + 4, 5, crc32c(digits, 4)), 0xE3069283u);
    QCOMPARE(maskCrc32c(0), 0xA282EAD8u);
    QCOMPARE(maskCrc32c(0xE3069283u), 0xC78AB0E5u);
  }

  void writesScalarsAndImagesThatReadBack() {
    const std::string folder = path("runs/demo_run");  // neither folder exists yet
    const double before = static_cast<double>(QDateTime::currentSecsSinceEpoch()) - 1.0;
    TensorBoardWriter writer(folder);
    const std::string file = writer.path();
    QCOMPARE(std::filesystem::path(file).parent_path(), std::filesystem::path(folder));
    QVERIFY(std::filesystem::path(file).filename().string().rfind("events.out.tfevents.", 0) == 0);

    writer.addScalar("train/L1", 0.012, 100, 1700000000.25);
    writer.addScalar("train/lr", 6e-4, 100, 1700000000.25);
    writer.addScalar("val/total", 0.0187, 1, 1700000100.5);
    const std::vector<uint8_t> rgb = patternPixels(5, 7, 3);
    const std::vector<uint8_t> grey = patternPixels(6, 4, 1);
    writer.addImage("val/pair/predicted", 5, 7, 3, rgb, 1, 1700000101.0);
    writer.addImage("val/pair/baseline", 6, 4, 1, grey, 1, 1700000101.0);
    writer.flush();

    const std::vector<TensorBoardEvent> events = readTensorBoardEvents(file);
    QCOMPARE(events.size(), size_t(6));
    QCOMPARE(events[0].fileVersion, std::string("brain.Event:2"));
    QVERIFY(events[0].wallTime >= before);
    QVERIFY(events[0].wallTime <= static_cast<double>(QDateTime::currentSecsSinceEpoch()) + 1.0);
    QVERIFY(events[0].scalars.empty() && events[0].images.empty());

    QCOMPARE(events[1].step, int64_t(100));
    QCOMPARE(events[1].wallTime, 1700000000.25);
    QCOMPARE(events[1].scalars.size(), size_t(1));
    QCOMPARE(events[1].scalars[0].tag, std::string("train/L1"));
    QCOMPARE(events[1].scalars[0].value, 0.012f);
    QCOMPARE(events[2].scalars[0].tag, std::string("train/lr"));
    QCOMPARE(events[2].scalars[0].value, 6e-4f);
    QCOMPARE(events[3].step, int64_t(1));
    QCOMPARE(events[3].wallTime, 1700000100.5);
    QCOMPARE(events[3].scalars[0].value, 0.0187f);
    QVERIFY(events[3].fileVersion.empty());

    const TensorBoardImage& colour = events[4].images.at(0);
    QCOMPARE(colour.tag, std::string("val/pair/predicted"));
    QCOMPARE(colour.height, 5);
    QCOMPARE(colour.width, 7);
    QCOMPARE(colour.colorspace, 3);
    const DecodedPng decodedColour = decodePng(colour.png, 3);
    QCOMPARE(decodedColour.rows, 5);
    QCOMPARE(decodedColour.cols, 7);
    QVERIFY(decodedColour.storedAsColour);
    QVERIFY(decodedColour.pixels == rgb);

    const TensorBoardImage& plain = events[5].images.at(0);
    QCOMPARE(plain.tag, std::string("val/pair/baseline"));
    QCOMPARE(plain.height, 6);
    QCOMPARE(plain.width, 4);
    QCOMPARE(plain.colorspace, 1);
    QCOMPARE(events[5].wallTime, 1700000101.0);
    const DecodedPng decodedGrey = decodePng(plain.png, 1);
    QCOMPARE(decodedGrey.rows, 6);
    QCOMPARE(decodedGrey.cols, 4);
    QVERIFY(!decodedGrey.storedAsColour);
    QVERIFY(decodedGrey.pixels == grey);
  }

  // Pins the wire format to TensorBoard's event.proto / summary.proto field numbers, independent of
  // our .proto: a wrong number would read back fine here and show nothing in TensorBoard.
  void encodesTensorBoardFieldNumbers() {
    std::string file;
    {
      TensorBoardWriter writer(path("wire"));
      writer.addScalar("a", 0.5, 7, 1.5);
      writer.addImage("i", 1, 2, 1, {0, 255}, 8, 2.0);
      file = writer.path();
    }
    const std::vector<char> bytes = readBytes(file);
    const auto dataOf = [&](int record) {
      const size_t offset = recordOffset(bytes, record);
      const size_t length = recordOffset(bytes, record + 1) - offset - 16;
      return std::vector<uint8_t>(bytes.begin() + offset + 12,
                                  bytes.begin() + offset + 12 + length);
    };
    // Event: wall_time (1, fixed64), file_version (3, length-delimited).
    const std::vector<uint8_t> version = dataOf(0);
    QCOMPARE(version.size(), size_t(24));
    QCOMPARE(version[0], uint8_t(0x09));
    QCOMPARE(version[9], uint8_t(0x1A));
    QCOMPARE(version[10], uint8_t(13));
    QCOMPARE(std::string(version.begin() + 11, version.end()), std::string("brain.Event:2"));
    // Event{wall_time 1.5, step (2, varint) 7, summary (5){value (1){tag (1) "a",
    // simple_value (2, fixed32) 0.5}}}.
    const std::vector<uint8_t> scalar{0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8,
                                      0x3F, 0x10, 0x07, 0x2A, 0x0A, 0x0A, 0x08, 0x0A,
                                      0x01, 'a',  0x15, 0x00, 0x00, 0x00, 0x3F};
    QVERIFY(dataOf(1) == scalar);
    // ... summary{value{tag "i", image (4){height (1) 1, width (2) 2, colorspace (3) 1,
    // encoded_image_string (4) <PNG>}}}; every length here fits a one-byte varint.
    const std::vector<uint8_t> image = dataOf(2);
    QVERIFY(image.size() > 32 && image.size() < 128);
    QCOMPARE(image[11], uint8_t(0x2A));
    const std::vector<uint8_t> head(image.begin() + 15, image.begin() + 19);
    QVERIFY(head == (std::vector<uint8_t>{0x0A, 0x01, 'i', 0x22}));
    const std::vector<uint8_t> fields(image.begin() + 20, image.begin() + 27);
    QVERIFY(fields == (std::vector<uint8_t>{0x08, 0x01, 0x10, 0x02, 0x18, 0x01, 0x22}));
    QCOMPARE(size_t(image[27]), image.size() - 28);
    QCOMPARE(std::string(image.begin() + 29, image.begin() + 32), std::string("PNG"));
    QCOMPARE(recordOffset(bytes, 3), bytes.size());
  }

  void destructorFlushesWhatIsLeft() {
    const std::string file = writeSmallFile("unflushed");
    const std::vector<TensorBoardEvent> events = readTensorBoardEvents(file);
    QCOMPARE(events.size(), size_t(4));
    QCOMPARE(events[2].scalars.at(0).value, 0.25f);
    QCOMPARE(events[3].images.at(0).tag, std::string("val/predicted"));
  }

  void twoWritersInOneFolderKeepSeparateFiles() {
    TensorBoardWriter first(path("shared"));
    TensorBoardWriter second(path("shared"));
    QVERIFY(first.path() != second.path());
    first.addScalar("a", 1.0, 1, 1.0);
    second.addScalar("b", 2.0, 1, 1.0);
    first.flush();
    second.flush();
    QCOMPARE(readTensorBoardEvents(first.path()).at(1).scalars.at(0).tag, std::string("a"));
    QCOMPARE(readTensorBoardEvents(second.path()).at(1).scalars.at(0).tag, std::string("b"));
  }

  void reportsFlippedByteWithRecordIndex() {
    const std::string file = writeSmallFile("flipped");
    const std::vector<char> original = readBytes(file);

    std::vector<char> badData = original;
    badData[recordOffset(original, 2) + 12 + 3] ^= 0x01;  // inside record 2's event
    writeBytes(file, badData);
    std::string error = errorOf([&] { readTensorBoardEvents(file); });
    QVERIFY2(error.find(file) != std::string::npos, error.c_str());
    QVERIFY2(error.find("record 2 is corrupt") != std::string::npos, error.c_str());
    QVERIFY2(error.find("CRC32C of its data") != std::string::npos, error.c_str());

    std::vector<char> badLength = original;
    badLength[recordOffset(original, 1)] ^= 0x40;  // record 1's length field
    writeBytes(file, badLength);
    error = errorOf([&] { readTensorBoardEvents(file); });
    QVERIFY2(error.find("record 1 is corrupt") != std::string::npos, error.c_str());
    QVERIFY2(error.find("CRC32C of its length") != std::string::npos, error.c_str());

    // The error is a DataError that names the file, so the GUI can point at it.
    try {
      readTensorBoardEvents(file);
      QFAIL("a damaged file was read without an error");
    } catch (const DataError& e) {
      QCOMPARE(e.path(), file);
    }
  }

  void reportsTruncatedFileWithRecordIndex() {
    const std::string file = writeSmallFile("truncated");
    const std::vector<char> original = readBytes(file);

    writeBytes(file, std::vector<char>(original.begin(), original.end() - 10));
    std::string error = errorOf([&] { readTensorBoardEvents(file); });
    QVERIFY2(error.find(file) != std::string::npos, error.c_str());
    QVERIFY2(error.find("record 3 is truncated") != std::string::npos, error.c_str());

    const size_t cutInHeader = recordOffset(original, 2) + 5;
    writeBytes(file, std::vector<char>(original.begin(), original.begin() + cutInHeader));
    error = errorOf([&] { readTensorBoardEvents(file); });
    QVERIFY2(error.find("record 2 is truncated") != std::string::npos, error.c_str());

    // Cut exactly between records: a complete, shorter file.
    writeBytes(file,
               std::vector<char>(original.begin(), original.begin() + recordOffset(original, 2)));
    QCOMPARE(readTensorBoardEvents(file).size(), size_t(2));
  }

  void reportsMissingFile() {
    const std::string missing = path("no_such_events_file");
    const std::string error = errorOf([&] { readTensorBoardEvents(missing); });
    QVERIFY2(error.find(missing) != std::string::npos, error.c_str());
  }

  void reportsFolderThatCannotBeCreated() {
    const std::string blocker = path("blocker");
    writeBytes(blocker, {'x'});

    const std::string below = blocker + "/runs";
    std::string error = errorOf([&] { TensorBoardWriter writer(below); });
    QVERIFY2(error.find("cannot create the TensorBoard folder " + below) != std::string::npos,
             error.c_str());

    error = errorOf([&] { TensorBoardWriter writer(blocker); });
    QVERIFY2(error.find("cannot create the TensorBoard folder " + blocker) != std::string::npos,
             error.c_str());
  }

  void rejectsImagesOfTheWrongShape() {
    TensorBoardWriter writer(path("shapes"));
    std::string error =
        errorOf([&] { writer.addImage("rgba", 2, 2, 4, patternPixels(2, 2, 4), 1, 1.0); });
    QVERIFY2(error.find("expected 1 (grey) or 3 (RGB)") != std::string::npos, error.c_str());
    error = errorOf([&] { writer.addImage("short", 2, 3, 3, patternPixels(2, 2, 3), 1, 1.0); });
    QVERIFY2(error.find("'short' is 2x3x3 but holds 12 bytes") != std::string::npos, error.c_str());
    // The file stays readable after a refused image.
    writer.flush();
    QCOMPARE(readTensorBoardEvents(writer.path()).size(), size_t(1));
  }

  void tensorboardReadsTheFile() {
    if (!tensorboardImportable())
      QSKIP("python3 cannot import tensorboard; the framing is checked by the tests above");
    const std::string file = writeSmallFile("for_tensorboard");
    const char* script = R"(
import sys
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
for event in EventFileLoader(sys.argv[1]).Load():
    for value in event.summary.value:
        print(value.tag, event.step)
)";
    QProcess python;
    python.start("python3", {"-c", script, QString::fromStdString(file)});
    QVERIFY(python.waitForFinished(120000));
    QCOMPARE(python.exitCode(), 0);
    const QString output = QString::fromUtf8(python.readAllStandardOutput());
    QVERIFY2(output.contains("train/total 1\ntrain/total 2\nval/predicted 1"),
             qPrintable(output + QString::fromUtf8(python.readAllStandardError())));
  }
};

QTEST_GUILESS_MAIN(TestTensorBoard)
#include "TestTensorBoard.moc"
