// Tests NIfTI reading of every supported datatype and layout, scaling, errors, and atomic writing.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "Error.h"
#include "ErrorOf.h"
#include "TestImages.h"
#include "io/AtomicFile.h"
#include "io/NiftiIO.h"

using namespace longmim;
using longmim::test::errorOf;
using namespace longmim::test;

namespace {

template <typename T>
std::vector<T> sequence(size_t n, T start) {
  std::vector<T> values(n);
  for (size_t i = 0; i < n; ++i)
    values[i] = static_cast<T>(start + static_cast<T>(i));
  return values;
}

}  // namespace

class TestNiftiIO : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

  template <typename T>
  void checkType(const char* name, T start) {
    // 3 columns x 2 rows: axis 0 (fastest) is the column.
    const std::string file = path(std::string("type_") + name + ".nii.gz");
    writeTypedNifti<T, 2>(file, {3, 2}, sequence<T>(6, start));
    const Image2D image = readImage2D(file);
    QCOMPARE(image.rows, 2);
    QCOMPARE(image.cols, 3);
    for (int i = 0; i < 6; ++i)
      QCOMPARE(image.pixels[i], static_cast<float>(start + i));
    QCOMPARE(image.at(1, 0), static_cast<float>(start + 3));
  }

 private Q_SLOTS:
  // The inputs FuzzNifti found that made ITK abort or invoked undefined behaviour
  // (tests/fuzz/corpus/nifti/finding-*): each is now refused with an error naming the file.
  void fuzzFindingsAreRefusedWithAClearError() {
    const QDir corpus(LONGMIM_SOURCE_DIR "/tests/fuzz/corpus/nifti");
    const QStringList findings = corpus.entryList({"finding-*"}, QDir::Files);
    QVERIFY(findings.size() >= 3);
    for (const QString& name : findings) {
      const std::string file = corpus.filePath(name).toStdString();
      const std::string message = errorOf([&] { (void)readImage2D(file); });
      QVERIFY2(message.rfind(file + ": ", 0) == 0, (name + ": " + message.c_str()).toUtf8());
    }
  }

  void readsEveryDatatype() {
    checkType<unsigned char>("uint8", 250);
    checkType<short>("int16", -3);
    checkType<int>("int32", -100000);
    checkType<float>("float32", 0.25f);
    checkType<double>("float64", -1.5);
  }

  void appliesSlopeAndIntercept() {
    const std::string file = path("scaled.nii");
    writeTypedNifti<short, 2>(file, {2, 2}, {0, 1, 2, 3}, 0.5, -10.0);
    const Image2D image = readImage2D(file);
    QCOMPARE(image.pixels, (std::vector<float>{-10.0f, -9.5f, -9.0f, -8.5f}));
  }

  void keepsNonFinitePixels() {
    // ITK 5's nifticlib turns NaN / Inf into 0; the reader must hand them over unchanged so the
    // data check can report them.
    std::vector<float> values{1.5f, std::nanf(""), INFINITY, -INFINITY, 2.5f, 0.0f};
    writeTypedNifti<float, 2>(path("nonfinite.nii.gz"), {3, 2}, values);
    const Image2D image = readImage2D(path("nonfinite.nii.gz"));
    QCOMPARE(image.pixels[0], 1.5f);
    QVERIFY(std::isnan(image.pixels[1]));
    QVERIFY(std::isinf(image.pixels[2]) && image.pixels[2] > 0);
    QVERIFY(std::isinf(image.pixels[3]) && image.pixels[3] < 0);
    QCOMPARE(image.pixels[4], 2.5f);
    std::vector<double> doubles{std::nan(""), 1.0, 2.0, 3.0};
    writeTypedNifti<double, 2>(path("nonfinite64.nii"), {2, 2}, doubles, 2.0, 1.0);
    const Image2D scaled = readImage2D(path("nonfinite64.nii"));
    QVERIFY(std::isnan(scaled.pixels[0]));
    QCOMPARE(scaled.pixels[3], 7.0f);
  }

  void truncatedUncompressedFileIsReported() {
    writeImage2D(rampImage(16, 16), path("whole.nii"));
    const std::string bytes = readWholeFile(path("whole.nii"));
    writeBytes(path("short.nii"), bytes.substr(0, bytes.size() - 100));
    const std::string message = errorOf([&] { readImage2D(path("short.nii")); });
    QVERIFY2(
        message.find("short.nii: corrupt or truncated pixel data (holds 1276 of the 1376 bytes") !=
            std::string::npos,
        message.c_str());
  }

  // Headers whose geometry is not finite made ITK 5.2 call abort() (found by tests/fuzz): each
  // must be refused with an error naming the file and the field, before ITK reads it.
  void nonFiniteGeometryIsRefusedBeforeItk_data() {
    QTest::addColumn<int>("offset");
    QTest::addColumn<float>("value");
    QTest::addColumn<int>("sformCode");
    QTest::addColumn<QString>("field");
    // NIfTI-2's magic where NIfTI-2 has it (offset 4) in a NIfTI-1 header (sizeof_hdr 348):
    // nifticlib reads it as NIfTI-1 by its size.
    QTest::addColumn<bool>("nifti2MagicAt4");
    const float nan = std::nanf("");
    const float inf = INFINITY;
    QTest::newRow("NaN in the sform") << 284 << nan << 2 << "srow_x[1] is nan" << false;
    QTest::newRow("inf in the sform") << 320 << inf << 1 << "srow_z[2] is inf" << false;
    QTest::newRow("inf spacing") << 84 << inf << 0 << "pixdim[2] is inf" << false;
    QTest::newRow("absurd quaternion") << 256 << 3e30f << 0 << "quatern_b/c/d[0] is 3e+30" << false;
    QTest::newRow("NaN sform, NIfTI-2 magic in a NIfTI-1 header")
        << 280 << nan << 2 << "srow_x[0] is nan" << true;
  }
  void nonFiniteGeometryIsRefusedBeforeItk() {
    QFETCH(int, offset);
    QFETCH(float, value);
    QFETCH(int, sformCode);
    QFETCH(QString, field);
    QFETCH(bool, nifti2MagicAt4);
    writeImage2D(rampImage(8, 8), path("geometry.nii"));
    std::string bytes = readWholeFile(path("geometry.nii"));
    if (nifti2MagicAt4)
      std::memcpy(&bytes[4], "n+2", 4);
    const int16_t code = static_cast<int16_t>(sformCode);
    std::memcpy(&bytes[254], &code, sizeof(code));
    const int16_t qformCode = 1;
    std::memcpy(&bytes[252], &qformCode, sizeof(qformCode));
    std::memcpy(&bytes[static_cast<size_t>(offset)], &value, sizeof(value));
    writeBytes(path("bad_geometry.nii"), bytes);
    const std::string message = errorOf([&] { readImage2D(path("bad_geometry.nii")); });
    const std::string expected =
        path("bad_geometry.nii") + ": corrupt NIfTI header (" + field.toStdString();
    QVERIFY2(message.find(expected) != std::string::npos, message.c_str());
  }

  void uncompressedAndCompressedReadTheSame() {
    const Image2D ramp = rampImage(5, 7, 1.0f, 0.5f);
    writeImage2D(ramp, path("same.nii"));
    writeImage2D(ramp, path("same.nii.gz"));
    QCOMPARE(readImage2D(path("same.nii")).pixels, ramp.pixels);
    QCOMPARE(readImage2D(path("same.nii.gz")).pixels, ramp.pixels);
    QVERIFY(std::filesystem::file_size(path("same.nii.gz")) <
            std::filesystem::file_size(path("same.nii")));
  }

  void acceptsOneSingletonAxisAnywhere_data() {
    QTest::addColumn<int>("singletonAxis");
    QTest::newRow("last") << 2;
    QTest::newRow("middle") << 1;
    QTest::newRow("first") << 0;
  }
  void acceptsOneSingletonAxisAnywhere() {
    QFETCH(int, singletonAxis);
    std::vector<size_t> sizes{4, 3};
    sizes.insert(sizes.begin() + singletonAxis, 1);
    const std::string file = path("singleton" + std::to_string(singletonAxis) + ".nii.gz");
    writeTypedNifti<float, 3>(file, sizes, sequence<float>(12, 0.0f));
    const Image2D image = readImage2D(file);
    QCOMPARE(image.cols, 4);
    QCOMPARE(image.rows, 3);
    QCOMPARE(image.at(2, 3), 11.0f);
  }

  void rejectsRealVolumesWithTheirShape() {
    const std::string file = path("volume.nii.gz");
    writeTypedNifti<float, 3>(file, {4, 3, 2}, sequence<float>(24, 0.0f));
    const std::string message = errorOf([&] { readImage2D(file); });
    QVERIFY2(
        message.find("volume.nii.gz: is 3-D (4x3x2); expected a 2-D image") != std::string::npos,
        message.c_str());

    const std::string file4 = path("series.nii.gz");
    writeTypedNifti<float, 4>(file4, {4, 3, 2, 2}, sequence<float>(48, 0.0f));
    const std::string message4 = errorOf([&] { readImage2D(file4); });
    QVERIFY2(message4.find("is 4-D (4x3x2x2)") != std::string::npos, message4.c_str());
  }

  void rejectsFilesThatAreNotNifti_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << "absent.nii.gz" << QByteArray() << "file not found";
    QTest::newRow("empty") << "empty.nii.gz" << QByteArray("") << "file is empty";
    QTest::newRow("text") << "text.nii" << QByteArray("hello, this is not an image at all")
                          << "not a readable NIfTI";
    QTest::newRow("wrong extension") << "image.png" << QByteArray("x") << "not a NIfTI file name";
  }
  void rejectsFilesThatAreNotNifti() {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string file = path(name.toStdString());
    if (name != "absent.nii.gz")
      writeBytes(file, content.toStdString());
    const std::string message = errorOf([&] { readImage2D(file); });
    QVERIFY2(message.find(file) != std::string::npos, message.c_str());
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
  }

  void truncatedCompressedFileIsReportedAsCorrupt() {
    writeImage2D(rampImage(64, 64), path("whole.nii.gz"));
    const std::string bytes = readWholeFile(path("whole.nii.gz"));
    writeBytes(path("cut.nii.gz"), bytes.substr(0, bytes.size() / 2));
    const std::string message = errorOf([&] { readImage2D(path("cut.nii.gz")); });
    QVERIFY2(message.find("cut.nii.gz") != std::string::npos, message.c_str());
    QVERIFY2(message.find("corrupt") != std::string::npos, message.c_str());
  }

  void writeKeepsGeometry() {
    Image2D image = rampImage(3, 4);
    image.geometry.spacing = {0.5, 2.0};
    image.geometry.origin = {10.0, -3.0};
    writeImage2D(image, path("geometry.nii.gz"));
    const Image2D back = readImage2D(path("geometry.nii.gz"));
    QCOMPARE(back.pixels, image.pixels);
    QCOMPARE(back.geometry.spacing[0], 0.5);
    QCOMPARE(back.geometry.spacing[1], 2.0);
    QCOMPARE(back.geometry.origin[0], 10.0);
  }

  void failedWriteLeavesExistingFileIntact() {
    const std::string file = path("precious.nii.gz");
    writeImage2D(rampImage(4, 4), file);
    const std::string before = readWholeFile(file);
    Image2D broken(4, 4);
    broken.pixels.resize(3);  // inconsistent size
    const std::string message = errorOf([&] { writeImage2D(broken, file); });
    QVERIFY2(message.find("inconsistent") != std::string::npos, message.c_str());
    QCOMPARE(readWholeFile(file), before);
    const std::string missing =
        errorOf([&] { writeImage2D(rampImage(2, 2), path("no/dir.nii.gz")); });
    QVERIFY2(missing.find("does not exist") != std::string::npos, missing.c_str());
    const std::string badName = errorOf([&] { writeImage2D(rampImage(2, 2), path("x.png")); });
    QVERIFY2(badName.find(".nii or .nii.gz") != std::string::npos, badName.c_str());
  }

  void readableByNibabelWhenPresent() {
    if (QStandardPaths::findExecutable("python3", {"/usr/bin"}).isEmpty())
      QSKIP("no /usr/bin/python3");
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import nibabel"});
    probe.waitForFinished();
    if (probe.exitCode() != 0)
      QSKIP("python3-nibabel is not installed");
    Image2D image = rampImage(3, 5, -2.0f, 0.25f);
    writeImage2D(image, path("nib.nii.gz"));
    // The reference reads with nibabel and transposes: arr.T[row, col] must equal our (row, col).
    QProcess python;
    python.start(
        "/usr/bin/python3",
        {"-c",
         "import sys, nibabel as nib; a = nib.load(sys.argv[1]).get_fdata().T; "
         "print(a.shape[0], a.shape[1], a[2, 4], a[0, 1], nib.load(sys.argv[1]).get_data_dtype())",
         QString::fromStdString(path("nib.nii.gz"))});
    QVERIFY(python.waitForFinished(60000));
    const QStringList out = QString(python.readAllStandardOutput()).split(' ', Qt::SkipEmptyParts);
    QCOMPARE(out.size(), 5);
    QCOMPARE(out[0].toInt(), 3);
    QCOMPARE(out[1].toInt(), 5);
    QCOMPARE(out[2].toFloat(), image.at(2, 4));
    QCOMPARE(out[3].toFloat(), image.at(0, 1));
    QCOMPARE(out[4].trimmed(), QString("float32"));
  }
};

QTEST_GUILESS_MAIN(TestNiftiIO)
#include "TestNiftiIO.moc"
