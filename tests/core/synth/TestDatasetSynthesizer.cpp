// Tests `longmim synth` as a library: layout, determinism, resume after interruption, the CT path
// on a CT made here, and every bad input it must refuse without leaving anything behind.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>

#include "Error.h"
#include "ErrorOf.h"
#include "TestImages.h"
#include "data/PairIndex.h"
#include "io/AtomicFile.h"
#include "io/NiftiIO.h"
#include "synth/CtThorax.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"
#include "synth/ThoraxPhantom.h"

using namespace longmim;
using longmim::test::errorOf;
using namespace longmim::synth;
using longmim::test::writeBytes;
namespace fs = std::filesystem;

namespace {

SynthJob smallJob(const std::string& dir, int count) {
  SynthJob job;
  job.outputDir = dir;
  job.count = count;
  job.seed = 11;
  job.options.size = 64;
  return job;
}

std::vector<std::string> filesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file())
      files.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool hiddenEntries(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string()[0] == '.')
      return true;
  }
  return false;
}

// A chest CT made from the phantom, stored as a radiologist's scanner would: LPS physical axes
// with the slices going from inferior to superior (the phantom's z runs the other way).
std::string writePhantomCt(const std::string& path, std::uint64_t seed, float hu = 0.0f,
                           bool useHu = false) {
  SynthRandom rng(seed);
  const ThoraxVolume t = buildThoraxPhantom(PhantomOptions{64}, rng);
  using Image = itk::Image<short, 3>;
  auto image = Image::New();
  Image::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(t.hu.nx),
                  static_cast<itk::SizeValueType>(t.hu.ny),
                  static_cast<itk::SizeValueType>(t.hu.nz)});
  image->SetRegions(region);
  image->Allocate();
  Image::SpacingType spacing;
  spacing.Fill(t.hu.spacing);
  image->SetSpacing(spacing);
  short* out = image->GetBufferPointer();
  for (int z = 0; z < t.hu.nz; ++z) {
    for (int y = 0; y < t.hu.ny; ++y) {
      for (int x = 0; x < t.hu.nx; ++x) {
        const float v = useHu ? hu : t.hu.at(x, y, t.hu.nz - 1 - z);
        out[x + t.hu.nx * (y + static_cast<size_t>(t.hu.ny) * z)] =
            static_cast<short>(std::lround(v));
      }
    }
  }
  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetImageIO(itk::NiftiImageIO::New());
  writer->SetFileName(path);
  writer->SetInput(image);
  writer->Update();
  return path;
}

}  // namespace

class TestDatasetSynthesizer : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

 private Q_SLOTS:
  void writesTheLayoutAndPassesTheDataCheck() {
    const std::string out = path("basic");
    DatasetSynthesizer synthesizer(smallJob(out, 3));
    std::vector<size_t> seen;
    const SynthReport report =
        synthesizer.run([&](const SynthProgress& p) { seen.push_back(p.done); });
    QCOMPARE(report.generated, size_t(3));
    QCOMPARE(report.skipped, size_t(0));
    QCOMPARE(seen.back(), size_t(3));
    QCOMPARE(filesUnder(out),
             (std::vector<std::string>{
                 "case_000/pair_000/current.nii.gz", "case_000/pair_000/diff_map.nii.gz",
                 "case_000/pair_000/params.json", "case_000/pair_000/preview.png",
                 "case_000/pair_000/prior.nii.gz", "case_001/pair_000/current.nii.gz",
                 "case_001/pair_000/diff_map.nii.gz", "case_001/pair_000/params.json",
                 "case_001/pair_000/preview.png", "case_001/pair_000/prior.nii.gz",
                 "case_002/pair_000/current.nii.gz", "case_002/pair_000/diff_map.nii.gz",
                 "case_002/pair_000/params.json", "case_002/pair_000/preview.png",
                 "case_002/pair_000/prior.nii.gz", "synth_settings.json"}));
    const PairIndex index = PairIndex::scan(out);
    QCOMPARE(index.validCount(), size_t(3));
    QVERIFY(index.problems().empty());
    const Image2D current = readImage2D(out + "/case_001/pair_000/current.nii.gz");
    QCOMPARE(current.rows, 64);
    QCOMPARE(current.cols, 64);
    const auto params =
        nlohmann::json::parse(readWholeFile(out + "/case_001/pair_000/params.json"));
    QCOMPARE(params["source"].get<std::string>(), std::string("phantom"));
    QCOMPARE(params["case"].get<std::string>(), std::string("case_001"));
    QVERIFY(params.contains("added_entities"));
    QVERIFY(params.contains("rotation_degrees"));
  }

  void sameSeedGivesIdenticalFilesWhateverTheThreads() {
    SynthJob one = smallJob(path("det1"), 4);
    one.threads = 1;
    SynthJob two = smallJob(path("det2"), 4);
    two.threads = 2;
    DatasetSynthesizer(one).run();
    DatasetSynthesizer(two).run();
    const std::vector<std::string> files = filesUnder(one.outputDir);
    QCOMPARE(files, filesUnder(two.outputDir));
    for (const std::string& f : files) {
      if (f == "synth_settings.json")
        continue;
      QVERIFY2(readWholeFile(one.outputDir + "/" + f) == readWholeFile(two.outputDir + "/" + f),
               f.c_str());
    }
    SynthJob other = smallJob(path("det3"), 1);
    other.seed = 12;
    DatasetSynthesizer(other).run();
    QVERIFY(readWholeFile(other.outputDir + "/case_000/pair_000/current.nii.gz") !=
            readWholeFile(one.outputDir + "/case_000/pair_000/current.nii.gz"));
  }

  void rerunContinuesWhereItStopped() {
    const std::string out = path("resume");
    DatasetSynthesizer(smallJob(out, 4)).run();
    const std::string original = readWholeFile(out + "/case_002/pair_000/diff_map.nii.gz");
    // An interruption: one pair missing, another half-written in its temporary folder.
    fs::remove_all(out + "/case_002/pair_000");
    fs::create_directories(out + "/case_003/.pair_000.tmp-99999");
    writeBytes(out + "/case_003/.pair_000.tmp-99999/prior.nii.gz", "half");
    const SynthReport report = DatasetSynthesizer(smallJob(out, 4)).run();
    QCOMPARE(report.generated, size_t(1));
    QCOMPARE(report.skipped, size_t(3));
    QCOMPARE(readWholeFile(out + "/case_002/pair_000/diff_map.nii.gz"), original);
    QVERIFY(!hiddenEntries(out));
    // Growing the dataset keeps the existing pairs.
    const SynthReport more = DatasetSynthesizer(smallJob(out, 6)).run();
    QCOMPARE(more.generated, size_t(2));
    QCOMPARE(PairIndex::scan(out).validCount(), size_t(6));
  }

  void cancellingLeavesOnlyCompletePairs() {
    const std::string out = path("cancel");
    std::atomic<bool> cancel{false};
    SynthJob job = smallJob(out, 6);
    job.threads = 1;
    DatasetSynthesizer synthesizer(job);
    const std::string message = errorOf([&] {
      synthesizer.run(
          [&](const SynthProgress& p) {
            if (p.done >= 2)
              cancel = true;
          },
          &cancel);
    });
    QVERIFY2(message.find("cancelled after 2 of 6 pairs") != std::string::npos, message.c_str());
    QVERIFY(!hiddenEntries(out));
    const PairIndex index = PairIndex::scan(out);
    QCOMPARE(index.validCount(), size_t(2));
    QCOMPARE(index.invalidCount(), size_t(0));
    QCOMPARE(DatasetSynthesizer(job).run().generated, size_t(4));
  }

  void pairsPerCaseGroupsPairsUnderOneCase() {
    SynthJob job = smallJob(path("grouped"), 5);
    job.pairsPerCase = 2;
    DatasetSynthesizer(job).run();
    const PairIndex index = PairIndex::scan(job.outputDir);
    QCOMPARE(index.validCount(), size_t(5));
    QCOMPARE(index.cases()[1].name, std::string("case_000/pair_001"));
    QCOMPARE(index.cases()[1].subject, std::string("case_000"));
    QCOMPARE(index.cases()[4].name, std::string("case_002/pair_000"));
  }

  void ctVolumeBecomesAThorax() {
    const std::string ct = writePhantomCt(path("ct.nii.gz"), 3);
    SynthRandom rng(3);
    const ThoraxVolume truth = buildThoraxPhantom(PhantomOptions{64}, rng);
    const ThoraxVolume loaded = loadCtThorax(ct, "", 64);
    QCOMPARE(loaded.hu.nx, truth.hu.nx);
    QCOMPARE(loaded.hu.nz, truth.hu.nz);
    // The reorientation puts the apex at the top and the patient's right lung at small x.
    size_t agree = 0;
    size_t lungs = 0;
    for (size_t i = 0; i < truth.labels.size(); ++i) {
      const std::uint16_t t = truth.labels.data[i] & kLungs;
      if (!t)
        continue;
      ++lungs;
      agree += (loaded.labels.data[i] & kLungs) == t;
    }
    QVERIFY2(agree > 0.8 * lungs,
             qPrintable(QString("%1 of %2 lung voxels agree").arg(agree).arg(lungs)));
    QCOMPARE(loaded.hu.at(10, 10, 10) < -900.0f, truth.hu.at(10, 10, 10) < -900.0f);
  }

  void ctPathGeneratesValidPairs() {
    const std::string ct = writePhantomCt(path("ct2.nii.gz"), 4);
    SynthJob job = smallJob(path("fromct"), 2);
    job.ctInputs = {ct};
    const SynthReport report = DatasetSynthesizer(job).run();
    QCOMPARE(report.generated, size_t(2));
    const PairIndex index = PairIndex::scan(job.outputDir);
    QCOMPARE(index.validCount(), size_t(2));
    QCOMPARE(index.cases()[1].name, std::string("case_000/pair_001"));  // one CT: one case
    const auto params =
        nlohmann::json::parse(readWholeFile(job.outputDir + "/case_000/pair_000/params.json"));
    QVERIFY2(params["source"]["ct"].get<std::string>().find("ct2.nii.gz") != std::string::npos,
             params.dump().c_str());
  }

  void ctWithLungMask() {
    fs::create_directories(path("masked"));
    const std::string ct = writePhantomCt(path("masked/ct3.nii.gz"), 5);
    // A mask holding only the right half of the thorax's lungs: the volume follows the mask.
    SynthRandom rng(5);
    const ThoraxVolume truth = buildThoraxPhantom(PhantomOptions{64}, rng);
    using Image = itk::Image<unsigned char, 3>;
    auto mask = Image::New();
    Image::RegionType region;
    region.SetSize({static_cast<itk::SizeValueType>(truth.hu.nx),
                    static_cast<itk::SizeValueType>(truth.hu.ny),
                    static_cast<itk::SizeValueType>(truth.hu.nz)});
    mask->SetRegions(region);
    mask->Allocate();
    Image::SpacingType spacing;
    spacing.Fill(truth.hu.spacing);
    mask->SetSpacing(spacing);
    for (int z = 0; z < truth.hu.nz; ++z) {
      for (int y = 0; y < truth.hu.ny; ++y) {
        for (int x = 0; x < truth.hu.nx; ++x) {
          mask->GetBufferPointer()[x + truth.hu.nx * (y + static_cast<size_t>(truth.hu.ny) * z)] =
              (truth.labels.at(x, y, truth.hu.nz - 1 - z) & kLungRight) ? 1 : 0;
        }
      }
    }
    fs::create_directories(path("masks"));
    auto writer = itk::ImageFileWriter<Image>::New();
    writer->SetImageIO(itk::NiftiImageIO::New());
    writer->SetFileName(path("masks/ct3_seg.nii.gz"));
    writer->SetInput(mask);
    writer->Update();
    const std::vector<std::string> matched =
        matchLungMasks({ct}, collectNiftiFiles({path("masks")}, "mask"));
    QCOMPARE(matched.size(), size_t(1));
    const ThoraxVolume loaded = loadCtThorax(ct, matched[0], 64);
    QVERIFY(boundingBox(loaded.labels, kLungRight).empty() == false);
    QVERIFY(boundingBox(loaded.labels, kLungLeft).empty() ||
            boundingBox(loaded.labels, kLungLeft).lo[0] >= loaded.hu.nx / 2 - 2);
    SynthJob job = smallJob(path("fromctmask"), 1);
    job.ctInputs = {path("masked")};
    job.lungSegInputs = {path("masks")};
    QCOMPARE(DatasetSynthesizer(job).run().generated, size_t(1));
  }

  void badInputsAreRefusedAndLeaveNothing_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no pairs") << "count0"
                              << "-n must be a positive number of pairs (got 0)";
    QTest::newRow("negative pairs") << "count-3"
                                    << "-n must be a positive number of pairs (got -3)";
    QTest::newRow("missing CT") << "missingct"
                                << "nowhere.nii.gz: CT file or folder not found";
    QTest::newRow("unreadable CT") << "garbagect"
                                   << "garbage.nii.gz: not a readable NIfTI file";
    QTest::newRow("2-D CT") << "flatct"
                            << "flat.nii.gz: is 2-D (32x24); expected a 3-D CT volume";
    // nifticlib zero-fills a short data block; the reader must refuse it instead.
    QTest::newRow("truncated CT") << "truncatedct"
                                  << "short.nii: corrupt or truncated pixel data (holds";
    QTest::newRow("CT without lung") << "solidct"
                                     << "solid.nii.gz: no lung detected";
    QTest::newRow("output is a file") << "outfile"
                                      << "it is a file, not a folder";
    QTest::newRow("output under a file") << "outunderfile"
                                         << "cannot create the output folder";
    QTest::newRow("foreign folder") << "foreign"
                                    << "is not empty and was not made by longmim synth";
    QTest::newRow("mask without CT") << "maskonly"
                                     << "--lung-seg needs --ct";
    QTest::newRow("size") << "size"
                          << "--size must be between 32 and 2048";
  }
  void badInputsAreRefusedAndLeaveNothing() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const std::string out = path("bad_" + kind.toStdString());
    SynthJob job = smallJob(out, 2);
    if (kind == "count0")
      job.count = 0;
    if (kind == "count-3")
      job.count = -3;
    if (kind == "missingct")
      job.ctInputs = {path("nowhere.nii.gz")};
    if (kind == "garbagect") {
      writeBytes(path("garbage.nii.gz"), "not a volume at all, just text");
      job.ctInputs = {path("garbage.nii.gz")};
    }
    if (kind == "flatct") {
      longmim::test::writeTypedNifti<float, 2>(path("flat.nii.gz"), {32, 24},
                                               std::vector<float>(32 * 24, 0.0f));
      job.ctInputs = {path("flat.nii.gz")};
    }
    if (kind == "truncatedct") {
      const std::string whole = readWholeFile(writePhantomCt(path("whole.nii"), 2));
      writeBytes(path("short.nii"), whole.substr(0, whole.size() - 4096));
      job.ctInputs = {path("short.nii")};
    }
    if (kind == "solidct")
      job.ctInputs = {writePhantomCt(path("solid.nii.gz"), 1, 40.0f, true)};
    if (kind == "outfile")
      writeBytes(out, "a file");
    if (kind == "outunderfile") {
      writeBytes(path("plainfile"), "x");
      job.outputDir = path("plainfile/sub");
    }
    if (kind == "foreign") {
      fs::create_directories(out);
      writeBytes(out + "/notes.txt", "mine");
    }
    if (kind == "maskonly")
      job.lungSegInputs = {path("masks")};
    if (kind == "size")
      job.options.size = 8;
    const bool existed = fs::exists(job.outputDir);
    const std::string message = errorOf([&] { DatasetSynthesizer(job).run(); });
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    if (!existed)
      QVERIFY2(!fs::exists(job.outputDir), "the output folder was created");
    if (kind == "foreign")
      QCOMPARE(filesUnder(out), std::vector<std::string>{"notes.txt"});
  }

  void otherSettingsCannotContinueAFolder() {
    const std::string out = path("settings");
    DatasetSynthesizer(smallJob(out, 1)).run();
    const std::string before = readWholeFile(out + "/synth_settings.json");
    SynthJob changed = smallJob(out, 1);
    changed.seed = 99;
    const std::string message = errorOf([&] { DatasetSynthesizer{changed}; });
    QVERIFY2(message.find("holds pairs generated with other settings") != std::string::npos,
             message.c_str());
    QCOMPARE(readWholeFile(out + "/synth_settings.json"), before);
  }

  void entityAndRotationArguments() {
    const EntityProbabilities p = parseEntityProbabilities("CO=0.3,EX=0");
    QCOMPARE(p.consolidation, 0.3);
    QCOMPARE(p.devices, 0.0);
    QCOMPARE(p.pneumothorax, 0.15);  // untouched default
    for (const char* bad : {"CO", "XX=0.1", "CO=abc", "CO=1.5", "PL=-0.1"}) {
      QVERIFY2(!errorOf([&] { parseEntityProbabilities(bad); }).empty(), bad);
    }
    SynthOptions o;
    parseRotationLimits("10,20", o);
    QCOMPARE(o.maxAxisDegrees, 10.0);
    QCOMPARE(o.maxSumDegrees, 20.0);
    for (const char* bad : {"10", "a,b", "-1,5", "10,20,30"}) {
      QVERIFY2(!errorOf([&] { parseRotationLimits(bad, o); }).empty(), bad);
    }
  }

  void demoDatasetLocation() {
    qputenv("LONGMIM_DEMO_DIR", QByteArray::fromStdString(path("demo")));
    qputenv("LONGMIM_DEMO_PAIRS", "2");
    QCOMPARE(defaultDemoDatasetDir(), path("demo"));
    const SynthJob job = demoDatasetJob(defaultDemoDatasetDir());
    QCOMPARE(job.count, 2);
    QCOMPARE(job.options.size, 128);
    QVERIFY(!isDemoDatasetComplete(job.outputDir));
    DatasetSynthesizer(job).run();
    QVERIFY(isDemoDatasetComplete(job.outputDir));
    qunsetenv("LONGMIM_DEMO_DIR");
    qunsetenv("LONGMIM_DEMO_PAIRS");
    qputenv("XDG_DATA_HOME", "/somewhere");
    QCOMPARE(defaultDemoDatasetDir(), std::string("/somewhere/longitudinal-mim-studio/demo-v3"));
    QCOMPARE(demoDatasetJob("x").count, 720);
    QCOMPARE(demoDatasetJob("x").options.profile, std::string("demo"));
  }
};

QTEST_GUILESS_MAIN(TestDatasetSynthesizer)
#include "TestDatasetSynthesizer.moc"
