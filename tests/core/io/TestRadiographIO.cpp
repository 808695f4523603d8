// Tests reading X-rays as hospitals and public collections store them: DICOM (rescale,
// MONOCHROME1, dates, window, refusals), PNG (8/16-bit, colour), JPEG; detection by content; the
// interval between two dates. Files are written in the test with ITK's writers (the code under
// test only reads), and with pydicom / PIL where python3 has them.
#include <signal.h>
#include <unistd.h>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

#include <itkGDCMImageIO.h>
#include <itkJPEGImageIO.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include "Error.h"
#include "ErrorOf.h"
#include "PythonProbe.h"
#include "TestRadiographs.h"
#include "io/GdcmGuard.h"
#include "io/RadiographIO.h"

using namespace longmim;
using longmim::test::errorOf;
using namespace longmim::test;

namespace {

bool runPython(const QString& script) {
  QProcess python;
  python.start("/usr/bin/python3", {"-c", script});
  if (!python.waitForFinished(120000) || python.exitCode() != 0) {
    qWarning() << python.readAllStandardError();
    return false;
  }
  return true;
}

std::vector<short> rampValues(int n, int start, int step) {
  std::vector<short> values(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    values[static_cast<size_t>(i)] = static_cast<short>(start + step * i);
  return values;
}

}  // namespace

class TestRadiographIO : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }
  const DicomTags dicomTags_ = {{"0028|1053", "2"},        {"0028|1052", "-100"},
                                {"0008|0022", "20240105"}, {"0008|0020", "20231230"},
                                {"0028|1050", "40\\400"},  {"0028|1051", "80\\1500"}};

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void dicomRescaleSpacingDateAndWindow() {
    // Values 0, 10, ..., 110 stored as (v + 100) / 2: the reader must undo the rescale.
    const std::vector<short> values = rampValues(12, 0, 10);
    writeTestDicom(path("m2.dcm"), 3, 4, values, dicomTags_);
    const Radiograph r = readRadiograph(path("m2.dcm"));
    QCOMPARE(r.info.format, ImageFormat::Dicom);
    QCOMPARE(r.image.rows, 3);
    QCOMPARE(r.image.cols, 4);
    for (size_t i = 0; i < values.size(); ++i)
      QCOMPARE(r.image.pixels[i], float(values[i]));
    QCOMPARE(r.image.geometry.spacing[0], 0.2);
    QCOMPARE(r.image.geometry.spacing[1], 0.3);
    QCOMPARE(r.info.date, std::string("2024-01-05"));  // acquisition before study
    QCOMPARE(r.info.dateKind, std::string("acquisition"));
    QVERIFY(!r.info.inverted);
    QVERIFY(r.info.window.has_value());
    QCOMPARE((*r.info.window)[0], 40.0);  // the first of several windows
    QCOMPARE((*r.info.window)[1], 80.0);
    const RadiographHeader header = readRadiographHeader(path("m2.dcm"));
    QCOMPARE(header.rows, 3);
    QCOMPARE(header.cols, 4);
  }

  void dicomStudyDateWhenNoAcquisitionDate() {
    writeTestDicom(path("study.dcm"), 2, 2, rampValues(4, 0, 1), {{"0008|0020", "20240301"}});
    const Radiograph r = readRadiograph(path("study.dcm"));
    QCOMPARE(r.info.date, std::string("2024-03-01"));
    QCOMPARE(r.info.dateKind, std::string("study"));
    QVERIFY(!r.info.window.has_value());
  }

  void monochrome1IsInvertedWithItsWindow() {
    const std::vector<short> values = rampValues(12, 0, 10);
    writeTestDicom(path("m2b.dcm"), 3, 4, values, dicomTags_);
    writeAsMonochrome1(path("m2b.dcm"), path("m1.dcm"));
    const Radiograph r = readRadiograph(path("m1.dcm"));
    QVERIFY(r.info.inverted);
    QVERIFY(r.info.description.find("MONOCHROME1") != std::string::npos);
    // Bone (high attenuation) is stored dark in MONOCHROME1: read back, the order is reversed,
    // an affine flip value' = K - value.
    const double k = r.image.pixels[0] + values[0];
    for (size_t i = 0; i < values.size(); ++i)
      QCOMPARE(double(r.image.pixels[i]) + values[i], k);
    QVERIFY(r.image.pixels[0] > r.image.pixels[11]);
    // The file's window follows the flip: its centre lands on the same tissue.
    QVERIFY(r.info.window.has_value());
    QCOMPARE((*r.info.window)[0], k - 40.0);
    QCOMPARE((*r.info.window)[1], 80.0);
  }

  void dicomWithoutExtensionIsFoundByContent() {
    writeTestDicom(path("IM0001"), 2, 3, rampValues(6, 5, 1), {});
    QCOMPARE(detectImageFormat(path("IM0001")), ImageFormat::Dicom);
    QCOMPARE(readAnyImage2D(path("IM0001")).pixels[5], 10.0f);
  }

  void dicomRefusals() {
    writeTestDicom(path("whole.dcm"), 8, 8, rampValues(64, 0, 3), {});
    std::vector<char> bytes = fileBytes(path("whole.dcm"));

    std::vector<char> cut(bytes.begin(), bytes.end() - 20);
    writeFileBytes(path("truncated.dcm"), cut);
    std::string message = errorOf([&] { readRadiograph(path("truncated.dcm")); });
    QVERIFY2(message.find("truncated.dcm: corrupt or truncated pixel data") != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("of the 128 bytes") != std::string::npos, message.c_str());
    QVERIFY(!errorOf([&] { readRadiographHeader(path("truncated.dcm")); }).empty());

    const std::string text(bytes.begin(), bytes.end());
    const size_t pixelTag = text.rfind(std::string("\xe0\x7f\x10\x00", 4));
    QVERIFY(pixelTag != std::string::npos);
    writeFileBytes(path("nopixels.dcm"),
                   std::vector<char>(bytes.begin(), bytes.begin() + pixelTag));
    message = errorOf([&] { readRadiograph(path("nopixels.dcm")); });
    QVERIFY2(message.find("nopixels.dcm: holds no pixel data") != std::string::npos,
             message.c_str());

    writeTestDicom(path("frames.dcm"), 4, 4, rampValues(48, 0, 1), {}, 0.2, 0.3, 3);
    message = errorOf([&] { readRadiograph(path("frames.dcm")); });
    QVERIFY2(message.find("frames.dcm: is a multi-frame DICOM (3 frames)") != std::string::npos,
             message.c_str());

    using Rgb = itk::RGBPixel<unsigned char>;
    writeTestRaster<Rgb>(path("colour.dcm"), 2, 2, std::vector<Rgb>(4, Rgb(10)),
                         itk::GDCMImageIO::New());
    message = errorOf([&] { readRadiograph(path("colour.dcm")); });
    QVERIFY2(message.find("colour.dcm: is a colour DICOM image") != std::string::npos,
             message.c_str());

    std::vector<char> garbage(300, 'x');
    std::copy_n("DICM", 4, garbage.begin() + 128);
    writeFileBytes(path("garbage.dcm"), garbage);
    message = errorOf([&] { readRadiograph(path("garbage.dcm")); });
    QVERIFY2(message.find("garbage.dcm: ") != std::string::npos, message.c_str());
  }

  void png16AndPng8AndColour() {
    std::vector<unsigned short> deep(6);
    for (size_t i = 0; i < deep.size(); ++i)
      deep[i] = static_cast<unsigned short>(i * 13000);  // up to 65000: beyond 8 bits
    writeTestRaster<unsigned short>(path("deep.png"), 2, 3, deep, itk::PNGImageIO::New());
    Radiograph r = readRadiograph(path("deep.png"));
    QCOMPARE(r.info.format, ImageFormat::Png);
    QVERIFY2(r.info.description.find("16-bit grey") != std::string::npos,
             r.info.description.c_str());
    for (size_t i = 0; i < deep.size(); ++i)
      QCOMPARE(r.image.pixels[i], float(deep[i]));
    QCOMPARE(r.image.rows, 2);
    QCOMPARE(r.image.cols, 3);

    writeTestRaster<unsigned char>(path("grey.png"), 1, 3, {0, 128, 255}, itk::PNGImageIO::New());
    r = readRadiograph(path("grey.png"));
    QCOMPARE(r.image.pixels, (std::vector<float>{0.0f, 128.0f, 255.0f}));

    using Rgb = itk::RGBPixel<unsigned char>;
    Rgb colour;
    colour.Set(200, 100, 50);
    writeTestRaster<Rgb>(path("colour.png"), 1, 2, {colour, colour}, itk::PNGImageIO::New());
    r = readRadiograph(path("colour.png"));
    QVERIFY(r.info.description.find("converted to grey") != std::string::npos);
    // Rec. 709 luminance.
    QVERIFY(std::abs(r.image.pixels[0] - (0.2125f * 200 + 0.7154f * 100 + 0.0721f * 50)) < 0.01f);
  }

  void jpeg() {
    std::vector<unsigned char> grey(64 * 48);
    for (size_t i = 0; i < grey.size(); ++i)
      grey[i] = static_cast<unsigned char>((i % 64) * 4);
    auto io = itk::JPEGImageIO::New();
    io->SetQuality(100);
    writeTestRaster<unsigned char>(path("grey.jpg"), 48, 64, grey, io);
    const Radiograph r = readRadiograph(path("grey.jpg"));
    QCOMPARE(r.info.format, ImageFormat::Jpeg);
    QCOMPARE(r.image.rows, 48);
    QCOMPARE(r.image.cols, 64);
    double worst = 0.0;
    for (size_t i = 0; i < grey.size(); ++i)
      worst = std::max(worst, std::abs(double(r.image.pixels[i]) - grey[i]));
    QVERIFY2(worst <= 4.0, qPrintable(QString::number(worst)));  // lossy, at quality 100

    const std::vector<char> bytes = fileBytes(path("grey.jpg"));
    writeFileBytes(path("cut.jpg"), std::vector<char>(bytes.begin(), bytes.end() - 200));
    const std::string message = errorOf([&] { readRadiograph(path("cut.jpg")); });
    QVERIFY2(message.find("cut.jpg: truncated JPEG") != std::string::npos, message.c_str());
  }

  // Inputs the fuzzer found (tests/fuzz/corpus/radiograph/finding-*): each is read or refused with
  // a message naming it, never a crash (ITK's JPEG reader went on decoding a corrupt progressive
  // JPEG after libjpeg's error; the sanitizer build of this suite checks the memory too).
  void fuzzFindingsAreReadOrRefused() {
    const QDir corpus(QStringLiteral(LONGMIM_SOURCE_DIR "/tests/fuzz/corpus/radiograph"));
    const QStringList findings = corpus.entryList({QStringLiteral("finding-*")}, QDir::Files);
    QVERIFY(!findings.isEmpty());
    for (const QString& name : findings) {
      const std::string file = corpus.filePath(name).toStdString();
      const std::string message = errorOf([&] { (void)readRadiograph(file); });
      QVERIFY2(message.empty() || message.find(file + ": ") == 0, message.c_str());
    }
  }

  // GDCM aborts its process on some malformed files; the reader runs GDCM's read in a child
  // process first. The fuzzer's Bits Stored 4 of 8 file (now refused earlier, by the structure
  // check) aborts GDCM: given to the guard directly, the abort is a message, not the end of this
  // test. A good file passes (twice: the second time from the guard's memory) and reads.
  void anAbortInGdcmIsAMessage() {
    const std::string finding =
        LONGMIM_SOURCE_DIR "/tests/fuzz/corpus/radiograph/finding-dicom-bits-stored";
    const std::string stopped = dicom::gdcmStopsOn(finding);
    QVERIFY2(stopped.find("GDCM aborted") != std::string::npos, stopped.c_str());
    const std::string message = errorOf([&] { (void)readRadiograph(finding); });
    QVERIFY2(
        message.find(finding + ": ") == 0 && message.find("8 bits allocated") != std::string::npos,
        message.c_str());
    writeTestDicom(path("guarded.dcm"), 2, 2, rampValues(4, 0, 1), {});
    QCOMPARE(dicom::gdcmStopsOn(path("guarded.dcm")), std::string());
    QCOMPARE(dicom::gdcmStopsOn(path("guarded.dcm")), std::string());
    QCOMPARE(readRadiograph(path("guarded.dcm")).image.pixels[3], 3.0f);
  }

  // A process with its own handler of SIGABRT (libFuzzer's, a crash reporter) still learns of
  // GDCM's abort: the child puts the default action back. Before it did, libFuzzer's handler
  // ended every child with an ordinary exit and the guard let the file through to an in-process
  // abort (the spacing finding: GDCM asserts on a Pixel Spacing of another VR; seed 13).
  void anAbortIsSeenPastTheProcesssOwnHandler() {
    static pid_t self = 0;
    self = ::getpid();
    struct sigaction quiet {};
    struct sigaction before {};
    quiet.sa_handler = [](int) {  // "all is well" in a child; this process still aborts
      if (::getpid() != self)
        ::_exit(0);
      ::signal(SIGABRT, SIG_DFL);
      ::raise(SIGABRT);
    };
    sigemptyset(&quiet.sa_mask);
    QCOMPARE(::sigaction(SIGABRT, &quiet, &before), 0);
    const std::string finding =
        LONGMIM_SOURCE_DIR "/tests/fuzz/corpus/radiograph/finding-dicom-spacing-vr";
    const std::string stopped = dicom::gdcmStopsOn(finding);
    const std::string message = errorOf([&] { (void)readRadiograph(finding); });
    ::sigaction(SIGABRT, &before, nullptr);
    QVERIFY2(stopped.find("GDCM aborted") != std::string::npos, stopped.c_str());
    QVERIFY2(message.find(finding + ": malformed DICOM") == 0, message.c_str());
  }

  void badFiles() {
    writeFileBytes(path("empty.png"), {});
    std::string message = errorOf([&] { readRadiograph(path("empty.png")); });
    QVERIFY2(message.find("empty.png: file is empty") != std::string::npos, message.c_str());

    writeTestRaster<unsigned char>(path("half.png"), 32, 32, std::vector<unsigned char>(1024, 7),
                                   itk::PNGImageIO::New());
    const std::vector<char> png = fileBytes(path("half.png"));
    writeFileBytes(path("half.png"), std::vector<char>(png.begin(), png.begin() + png.size() / 2));
    message = errorOf([&] { readRadiograph(path("half.png")); });
    QVERIFY2(message.find("half.png:") != std::string::npos, message.c_str());

    writeFileBytes(path("notes.png"), {'h', 'e', 'l', 'l', 'o'});
    message = errorOf([&] { readRadiograph(path("notes.png")); });
    QVERIFY2(message.find("notes.png: named as PNG but is not a PNG file") != std::string::npos,
             message.c_str());

    message = errorOf([&] { readRadiograph(path("absent.dcm")); });
    QVERIFY2(message.find("absent.dcm: file not found") != std::string::npos, message.c_str());
    QDir(dir_.path()).mkdir("folder.png");
    message = errorOf([&] { readRadiograph(path("folder.png")); });
    QVERIFY2(message.find("is a folder") != std::string::npos, message.c_str());
  }

  void intervals() {
    QCOMPARE(daysBetween("2024-01-05", "2024-02-11"), std::optional<long>(37));
    QCOMPARE(daysBetween("2024-02-28", "2024-03-01"), std::optional<long>(2));  // leap year
    QCOMPARE(daysBetween("2023-02-28", "2023-03-01"), std::optional<long>(1));
    QCOMPARE(daysBetween("1999-12-31", "2000-01-01"), std::optional<long>(1));
    QCOMPARE(daysBetween("2024-03-01", "2024-01-05"), std::optional<long>(-56));
    QVERIFY(!daysBetween("2023-02-29", "2023-03-01"));
    QVERIFY(!daysBetween("", "2023-03-01"));
    QVERIFY(!daysBetween("2023-13-01", "2023-03-01"));

    RadiographInfo prior;
    RadiographInfo current;
    QVERIFY(describeInterval(prior, current).text.empty());
    prior.date = "2024-01-05";
    current.date = "2024-02-11";
    QCOMPARE(describeInterval(prior, current).text, std::string("follow-up 37 days later"));
    QVERIFY(!describeInterval(prior, current).warning);
    current.date = prior.date;
    QCOMPARE(describeInterval(prior, current).text, std::string("follow-up on the same day"));
    current.date = "2024-01-04";
    const StudyInterval swapped = describeInterval(prior, current);
    QVERIFY(swapped.warning);
    QVERIFY2(swapped.text.find("the prior (2024-01-05) is 1 day later") != std::string::npos,
             swapped.text.c_str());
  }

  // Files as other tools write them: pydicom (a 12-bit unsigned MONOCHROME1 DX with Imager Pixel
  // Spacing and one window) and PIL (a 16-bit grey PNG and an RGB JPEG).
  void filesOfOtherTools() {
    if (!pythonHas("pydicom, numpy, PIL"))
      QSKIP("python3-pydicom, python3-numpy or python3-pil is not installed");
    const QString script = QStringLiteral(R"(
import numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from PIL import Image
meta = FileMetaDataset()
meta.TransferSyntaxUID = ExplicitVRLittleEndian
meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.1.1'
meta.MediaStorageSOPInstanceUID = generate_uid()
ds = Dataset(); ds.file_meta = meta; ds.preamble = b'\0' * 128
ds.is_little_endian = True; ds.is_implicit_VR = False
ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.Modality = 'DX'; ds.Rows = 3; ds.Columns = 4; ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = 'MONOCHROME1'
ds.BitsAllocated = 16; ds.BitsStored = 12; ds.HighBit = 11; ds.PixelRepresentation = 0
ds.ImagerPixelSpacing = [0.15, 0.14]; ds.StudyDate = '20240101'
ds.WindowCenter = '500'; ds.WindowWidth = '1000'
a = np.array([[0, 100, 200, 300], [400, 500, 600, 700], [800, 900, 1000, 4095]], np.uint16)
ds.PixelData = a.tobytes()
ds.save_as('%1', write_like_original=False)
Image.fromarray((np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000).astype(np.uint16)).save('%2')
rgb = np.zeros((16, 16, 3), np.uint8); rgb[..., 0] = 200; rgb[..., 1] = 100; rgb[..., 2] = 50
Image.fromarray(rgb).save('%3', quality=100)
)")
                               .arg(QString::fromStdString(path("pydicom_dx")),
                                    QString::fromStdString(path("pil16.png")),
                                    QString::fromStdString(path("pil.jpg")));
    QVERIFY(runPython(script));

    const Radiograph dx = readRadiograph(path("pydicom_dx"));
    QVERIFY(dx.info.inverted);
    QCOMPARE(dx.image.pixels[0], 4095.0f);  // stored 0, shown white in MONOCHROME1
    QCOMPARE(dx.image.pixels[11], 0.0f);
    QCOMPARE(dx.image.pixels[5], 3595.0f);
    QCOMPARE(dx.image.geometry.spacing[0], 0.14);  // columns
    QCOMPARE(dx.image.geometry.spacing[1], 0.15);  // rows
    QCOMPARE(dx.info.date, std::string("2024-01-01"));
    QCOMPARE((*dx.info.window)[0], 3595.0);

    const Radiograph deep = readRadiograph(path("pil16.png"));
    for (int i = 0; i < 12; ++i)
      QCOMPARE(deep.image.pixels[size_t(i)], float(i * 5000));
    const Radiograph jpeg = readRadiograph(path("pil.jpg"));
    QVERIFY(std::abs(jpeg.image.pixels[0] - 117.6f) < 3.0f);
  }
};

QTEST_GUILESS_MAIN(TestRadiographIO)
#include "TestRadiographIO.moc"
