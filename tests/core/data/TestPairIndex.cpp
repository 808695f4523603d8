// Tests case discovery and the validation report on a tree that holds every kind of defect.
#include <QTemporaryDir>
#include <QtTest>

#include <itkJPEGImageIO.h>
#include <itkPNGImageIO.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "Error.h"
#include "TestImages.h"
#include "TestRadiographs.h"
#include "data/PairIndex.h"
#include "data/PairPreprocessing.h"
#include "io/AtomicFile.h"
#include "io/NiftiIO.h"

using namespace longmim;
using namespace longmim::test;
namespace fs = std::filesystem;

class TestPairIndex : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string root_;

  std::string at(const std::string& relative) const { return root_ + "/" + relative; }

 private Q_SLOTS:
  void initTestCase() {
    root_ = dir_.filePath("data").toStdString();
    writeCase(at("case_good"), 8, 8);
    writeCase(at("case_nii"), 8, 8, 1, ".nii");
    writeCase(at("ref_layout/pair0"), 8, 8, 2);
    writeCase(at("ref_layout/pair1"), 8, 8, 3);

    writeCase(at("case_missing"), 8, 8);
    fs::remove(at("case_missing/current.nii.gz"));

    writeCase(at("case_corrupt"), 32, 32);
    const std::string whole = readWholeFile(at("case_corrupt/current.nii.gz"));
    writeBytes(at("case_corrupt/current.nii.gz"), whole.substr(0, whole.size() / 2));

    writeCase(at("case_text"), 8, 8);
    writeBytes(at("case_text/prior.nii.gz"), "this is not a NIfTI file, just some text");

    writeCase(at("case_3d"), 4, 4);
    writeTypedNifti<float, 3>(at("case_3d/diff_map.nii.gz"), {4, 4, 2},
                              std::vector<float>(32, 0.f));

    writeCase(at("case_nan"), 8, 8);
    Image2D withNan = rampImage(8, 8);
    withNan.pixels[3] = std::numeric_limits<float>::quiet_NaN();
    withNan.pixels[9] = std::numeric_limits<float>::quiet_NaN();
    withNan.pixels[20] = std::numeric_limits<float>::infinity();
    writeImage2D(withNan, at("case_nan/prior.nii.gz"));

    writeCase(at("case_constant"), 8, 8);
    writeImage2D(Image2D(8, 8, 0.5f), at("case_constant/current.nii.gz"));

    writeCase(at("case_sizes"), 8, 8);
    writeImage2D(rampImage(4, 6), at("case_sizes/diff_map.nii.gz"));

    writeCase(at("case_zero_diff"), 8, 8);
    writeImage2D(Image2D(8, 8, 0.0f), at("case_zero_diff/diff_map.nii.gz"));

    writeCase(at("case_diffalt"), 8, 8);
    fs::rename(at("case_diffalt/diff_map.nii.gz"), at("case_diffalt/difference_map.nii.gz"));

    writeCase(at("case_both"), 8, 8);
    writeImage2D(rampImage(8, 8), at("case_both/prior.nii"));

    writeCase(at(".partial/pair0"), 8, 8);  // being written: hidden, skipped
    fs::create_directories(at("empty_folder"));
    writeBytes(at("notes.txt"), "not a case");
  }

  void reportIsExact() {
    const PairIndex index = PairIndex::scan(root_);
    std::vector<std::string> names;
    for (const CaseEntry& c : index.cases())
      names.push_back(c.name + (c.valid ? " ok" : " BAD"));
    const std::vector<std::string> expectedNames{
        "case_3d BAD",         "case_both ok",       "case_constant BAD", "case_corrupt BAD",
        "case_diffalt ok",     "case_good ok",       "case_missing BAD",  "case_nan BAD",
        "case_nii ok",         "case_sizes ok",      "case_text BAD",     "case_zero_diff ok",
        "ref_layout/pair0 ok", "ref_layout/pair1 ok"};
    auto joined = [](const std::vector<std::string>& items) {
      QStringList list;
      for (const std::string& item : items)
        list << QString::fromStdString(item);
      return list.join(" ; ");
    };
    QCOMPARE(joined(names), joined(expectedNames));
    QCOMPARE(index.validCount(), size_t(8));
    QCOMPARE(index.invalidCount(), size_t(6));

    std::vector<std::string> problems;
    for (const DataProblem& p : index.problems()) {
      problems.push_back(p.caseName + " | " + p.file + " | " + p.reason + " | " +
                         (p.fatal ? "error" : "warning"));
    }
    const std::vector<std::string> expected{
        "case_3d | diff_map.nii.gz | is 3-D (4x4x2); expected a 2-D image (a 3-D file may have one "
        "singleton axis) | error",
        "case_both | prior.nii.gz | used; also present and ignored: prior.nii | warning",
        "case_constant | current.nii.gz | is a constant image (every pixel is 0.5): nothing to "
        "learn from | error",
        "case_missing | current.nii.gz | missing | error",
        "case_nan | prior.nii.gz | contains 2 NaN and 1 infinite pixels | error",
        "case_sizes |  | image sizes differ (prior.nii.gz 8x8, current.nii.gz 8x8, diff_map.nii.gz "
        "4x6); each is resized to IMG_SIZE | warning",
        "case_text | prior.nii.gz | not a readable NIfTI file (bad header or corrupt compression) "
        "| "
        "error",
    };
    // The corrupt case's reason carries ITK's wording; check it separately.
    std::vector<std::string> withoutCorrupt;
    std::string corrupt;
    for (const std::string& p : problems) {
      if (p.rfind("case_corrupt", 0) == 0) {
        corrupt = p;
      } else {
        withoutCorrupt.push_back(p);
      }
    }
    for (size_t i = 0; i < std::max(expected.size(), withoutCorrupt.size()); ++i) {
      const std::string got = i < withoutCorrupt.size() ? withoutCorrupt[i] : "<none>";
      const std::string want = i < expected.size() ? expected[i] : "<none>";
      QCOMPARE(QString::fromStdString(got), QString::fromStdString(want));
    }
    QVERIFY2(
        corrupt.rfind("case_corrupt | current.nii.gz | corrupt or truncated pixel data", 0) == 0,
        corrupt.c_str());
    QVERIFY2(corrupt.find("| error") != std::string::npos, corrupt.c_str());
  }

  void layoutsAndSubjects() {
    const PairIndex index = PairIndex::scan(root_);
    for (const CaseEntry& c : index.cases()) {
      if (c.name.rfind("ref_layout/", 0) == 0) {
        QCOMPARE(c.subject, std::string("ref_layout"));
      } else {
        QCOMPARE(c.subject, c.name);
      }
      if (c.name == "case_nii")
        QVERIFY(c.priorPath.size() > 4 && c.priorPath.substr(c.priorPath.size() - 4) == ".nii");
      if (c.name == "case_diffalt")
        QVERIFY(c.diffPath.find("difference_map.nii.gz") != std::string::npos);
      if (c.name == "case_both")
        QVERIFY(c.priorPath.find("prior.nii.gz") != std::string::npos);
    }
  }

  void headerOnlyScanFindsStructuralProblems() {
    ScanOptions options;
    options.checkPixels = false;
    const PairIndex index = PairIndex::scan(root_, options);
    // Pixel-level problems (NaN, constant, truncated data) need the pixels; the rest is found.
    QCOMPARE(index.cases().size(), size_t(14));
    bool sawMissing = false;
    bool saw3d = false;
    for (const DataProblem& p : index.problems()) {
      sawMissing = sawMissing || p.reason == "missing";
      saw3d = saw3d || p.reason.find("is 3-D") == 0;
    }
    QVERIFY(sawMissing && saw3d);
  }

  void folderHoldingFilesDirectlyIsACase() {
    const PairIndex index = PairIndex::scan(at("case_good"));
    QCOMPARE(index.cases().size(), size_t(1));
    QCOMPARE(index.cases()[0].name, std::string("case_good"));
    QVERIFY(index.cases()[0].valid);
  }

  void jsonReport() {
    const auto json = PairIndex::scan(root_).toJson();
    QCOMPARE(json["valid_cases"].get<int>(), 8);
    QCOMPARE(json["invalid_cases"].get<int>(), 6);
    QCOMPARE(json["cases"].size(), size_t(14));
    QCOMPARE(json["problems"].size(), size_t(8));
    QCOMPARE(json["problems"][0]["case"].get<std::string>(), std::string("case_3d"));
    QCOMPARE(json["problems"][0]["file"].get<std::string>(), std::string("diff_map.nii.gz"));
    QCOMPARE(json["problems"][0]["severity"].get<std::string>(), std::string("error"));
  }

  void progressIsReported() {
    std::atomic<size_t> calls{0};
    std::atomic<size_t> lastTotal{0};
    ScanOptions options;
    options.threads = 2;
    options.progress = [&](size_t, size_t total) {
      ++calls;
      lastTotal = total;
    };
    PairIndex::scan(root_, options);
    QCOMPARE(calls.load(), size_t(14));
    QCOMPARE(lastTotal.load(), size_t(14));
  }

  void badRootsAreErrors() {
    try {
      PairIndex::scan(at("does_not_exist"));
      QFAIL("no error");
    } catch (const DataError& e) {
      QVERIFY2(std::string(e.what()).find("does_not_exist: folder not found") != std::string::npos,
               e.what());
    }
    try {
      PairIndex::scan(at("notes.txt"));
      QFAIL("no error");
    } catch (const DataError& e) {
      QVERIFY2(std::string(e.what()).find("is a file, not a folder") != std::string::npos,
               e.what());
    }
    const PairIndex empty = PairIndex::scan(at("empty_folder"));
    QVERIFY(empty.cases().empty());
  }

  // A DICOM dataset scanned by several threads: each DICOM read forks (io/GdcmGuard), and two
  // forks at once ran ITK's at-fork handler twice, which ended the process (std::terminate).
  void dicomPairsScanInParallel() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    std::vector<short> values(16 * 16);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<short>(i * 3);
    const int cases = 16;
    for (int c = 0; c < cases; ++c) {
      const std::string folder = root + "/case_" + std::to_string(100 + c);
      fs::create_directories(folder);
      values[static_cast<size_t>(c)] = static_cast<short>(500 + c);  // no two files alike
      writeTestDicom(folder + "/prior.dcm", 16, 16, values);
      values[static_cast<size_t>(c + 1)] = static_cast<short>(700 + c);
      writeTestDicom(folder + "/current.dcm", 16, 16, values);
      writeImage2D(rampImage(16, 16), folder + "/diff_map.nii.gz");
    }
    for (const bool pixels : {false, true}) {
      ScanOptions options;
      options.checkPixels = pixels;
      options.threads = 4;
      const PairIndex index = PairIndex::scan(root, options);
      QCOMPARE(index.cases().size(), size_t(cases));
      QCOMPARE(index.validCount(), size_t(cases));
    }
  }

  // X-rays as they come from a hospital or a collection, formats mixed within a pair; the
  // difference map stays NIfTI (signed values).
  void dicomPngAndJpegPairsAreCases() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    fs::create_directories(root + "/mixed");
    std::vector<short> values(8 * 8);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<short>(i * 7);
    writeTestDicom(root + "/mixed/prior", 8, 8, values);  // extension-less, as from a PACS
    std::vector<unsigned short> deep(8 * 8);
    for (size_t i = 0; i < deep.size(); ++i)
      deep[i] = static_cast<unsigned short>(1000 + i * 900);
    writeTestRaster<unsigned short>(root + "/mixed/current.png", 8, 8, deep,
                                    itk::PNGImageIO::New());
    writeImage2D(rampImage(8, 8), root + "/mixed/diff_map.nii.gz");

    fs::create_directories(root + "/jpeg");
    std::vector<unsigned char> darker(64, 40);
    std::vector<unsigned char> brighter(64, 90);
    darker[63] = 200;
    brighter[0] = 10;
    writeTestRaster<unsigned char>(root + "/jpeg/prior.jpg", 8, 8, darker, itk::JPEGImageIO::New());
    writeTestRaster<unsigned char>(root + "/jpeg/current.jpeg", 8, 8, brighter,
                                   itk::JPEGImageIO::New());
    writeImage2D(rampImage(8, 8), root + "/jpeg/diff_map.nii.gz");

    fs::create_directories(root + "/bad");
    writeTestDicom(root + "/bad/prior.dcm", 8, 8, values, {}, 0.2, 0.3);
    const std::vector<char> whole = fileBytes(root + "/bad/prior.dcm");
    writeFileBytes(root + "/bad/prior.dcm", std::vector<char>(whole.begin(), whole.end() - 30));
    writeTestRaster<unsigned char>(root + "/bad/current.png", 8, 8, brighter,
                                   itk::PNGImageIO::New());
    writeImage2D(rampImage(8, 8), root + "/bad/diff_map.nii.gz");

    for (const bool pixels : {true, false}) {
      ScanOptions options;
      options.checkPixels = pixels;
      const PairIndex index = PairIndex::scan(root, options);
      QCOMPARE(index.cases().size(), size_t(3));
      QCOMPARE(index.validCount(), size_t(2));
      const DataProblem& problem = index.problems().front();
      QCOMPARE(problem.caseName, std::string("bad"));
      QCOMPARE(problem.file, std::string("prior.dcm"));
      QVERIFY2(problem.reason.find("truncated pixel data") != std::string::npos,
               problem.reason.c_str());
    }
    const PairIndex index = PairIndex::scan(root);
    const CaseEntry& mixed = index.cases()[2];
    QCOMPARE(mixed.name, std::string("mixed"));
    QVERIFY(mixed.priorPath.size() > 6 &&
            mixed.priorPath.substr(mixed.priorPath.size() - 6) == "/prior");
    QVERIFY(mixed.valid);
    const PreparedPair pair = loadPreparedPair(mixed, 16);
    QCOMPARE(pair.prior.rows, 16);
    QCOMPARE(*std::max_element(pair.current.pixels.begin(), pair.current.pixels.end()), 1.0f);
    QCOMPARE(*std::min_element(pair.prior.pixels.begin(), pair.prior.pixels.end()), 0.0f);
  }
};

QTEST_GUILESS_MAIN(TestPairIndex)
#include "TestPairIndex.moc"
