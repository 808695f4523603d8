// Tests the split, the torch dataset and the prefetching loader on a generated dataset.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <set>

#include <torch/torch.h>

#include "Error.h"
#include "Log.h"
#include "TestImages.h"
#include "config/Presets.h"
#include "data/CaseSplit.h"
#include "data/PairLoader.h"
#include "data/TrainingData.h"
#include "io/AtomicFile.h"

using namespace longmim;
using namespace longmim::test;

class TestPairLoader : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string root_;
  TrainingConfig config_;

  std::shared_ptr<PairDataset> datasetOf(const std::string& root, bool training) const {
    const PairIndex index = PairIndex::scan(root);
    return std::make_shared<PairDataset>(index.validCases(), config_, training,
                                         std::make_shared<ImageCache>());
  }

 private Q_SLOTS:
  void initTestCase() {
    root_ = dir_.filePath("data").toStdString();
    // 6 subjects: 4 with one pair, 2 with three pairs (reference layout).
    for (int s = 0; s < 4; ++s)
      writeCase(root_ + "/case_" + std::to_string(s), 40, 40, s);
    for (int s = 0; s < 2; ++s) {
      for (int p = 0; p < 3; ++p) {
        writeCase(root_ + "/subject_" + std::to_string(s) + "/pair" + std::to_string(p), 48, 40,
                  10 + p);
      }
    }
    config_ = presetConfig("tiny");
    config_.imgSize = 32;
  }

  void splitKeepsSubjectsTogetherAndIsDeterministic() {
    const PairIndex index = PairIndex::scan(root_);
    const std::vector<CaseEntry> cases = index.validCases();
    QCOMPARE(cases.size(), size_t(10));
    const CaseSplit a = splitBySubject(cases, 0.34, 42);
    const CaseSplit b = splitBySubject(cases, 0.34, 42);
    QCOMPARE(a.train, b.train);
    QCOMPARE(a.val, b.val);
    QCOMPARE(a.train.size() + a.val.size(), cases.size());
    std::set<std::string> trainSubjects;
    std::set<std::string> valSubjects;
    for (size_t i : a.train)
      trainSubjects.insert(cases[i].subject);
    for (size_t i : a.val)
      valSubjects.insert(cases[i].subject);
    QCOMPARE(valSubjects.size(), size_t(2));  // round(0.34 * 6)
    for (const std::string& s : valSubjects)
      QVERIFY(trainSubjects.count(s) == 0);
    // Other seeds give other splits.
    std::set<std::vector<size_t>> distinct;
    for (int seed = 0; seed < 10; ++seed)
      distinct.insert(splitBySubject(cases, 0.34, seed).val);
    QVERIFY(distinct.size() > 2);
    // Edge cases: no validation, a single subject.
    QVERIFY(splitBySubject(cases, 0.0, 1).val.empty());
    QCOMPARE(splitBySubject({cases[0]}, 0.5, 1).train.size(), size_t(1));
    QCOMPARE(splitBySubject(cases, 0.01, 1).val.empty(), false);  // at least one subject
  }

  void theViewerInspectsTheValidationCasesElseAll() {
    const std::vector<CaseEntry> cases = PairIndex::scan(root_).validCases();
    const CaseSplit split = splitBySubject(cases, 0.34, 42);
    const std::vector<CaseEntry> shown = casesToInspect(cases, 0.34, 42);
    QCOMPARE(shown.size(), split.val.size());
    for (size_t k = 0; k < shown.size(); ++k)
      QCOMPARE(shown[k].name, cases[split.val[k]].name);
    // Without a validation set every case can still be looked at.
    QCOMPARE(casesToInspect(cases, 0.0, 42).size(), cases.size());
  }

  void datasetGivesTensorsOfTheConfiguredSize() {
    auto dataset = datasetOf(root_, false);
    QCOMPARE(*dataset->size(), size_t(10));
    const PairTensors sample = dataset->get(3);
    QCOMPARE(sample.prior.sizes().vec(), (std::vector<int64_t>{1, 32, 32}));
    QCOMPARE(sample.diff.sizes().vec(), (std::vector<int64_t>{1, 32, 32}));
    QCOMPARE(sample.prior.min().item<float>(), 0.0f);
    QCOMPARE(sample.prior.max().item<float>(), 1.0f);
    // Validation data is deterministic across epochs; training data is not.
    QVERIFY(torch::equal(dataset->sample(3, 0).prior, dataset->sample(3, 5).prior));
    auto training = datasetOf(root_, true);
    int changed = 0;
    // A training sample is the validation preparation plus the augmentation drawn from
    // (SEED, epoch, index), whichever thread asks for it.
    auto validation = datasetOf(root_, false);
    const PairAugmenter augmenter(config_);
    for (size_t i = 0; i < 10; ++i) {
      for (int epoch = 0; epoch < 3; ++epoch) {
        PreparedPair expected = validation->preparedPair(i, epoch);
        std::mt19937_64 rng(PairAugmenter::sampleSeed(config_.seed, epoch, i));
        augmenter.apply(expected, rng);
        const PairTensors got = training->sample(i, epoch);
        const torch::Tensor want = torch::from_blob(expected.prior.pixels.data(), {1, 32, 32});
        QVERIFY(torch::equal(got.prior, want));
        changed += !torch::equal(got.prior, validation->sample(i, epoch).prior);
      }
    }
    QVERIFY2(changed >= 25, qPrintable(QString::number(changed)));  // ~4% draw no augmentation
  }

  void loaderDeliversEverySampleExactlyOncePerEpoch() {
    auto dataset = datasetOf(root_, true);
    PairLoader::Options options;
    options.batchSize = 3;
    options.seed = 11;
    options.threads = 2;
    options.prefetchBatches = 2;
    PairLoader loader(dataset, options);
    QCOMPARE(loader.batchesPerEpoch(), size_t(4));
    std::vector<std::vector<size_t>> orders;
    for (int epoch = 0; epoch < 3; ++epoch) {
      loader.startEpoch(epoch);
      std::vector<size_t> seen;
      size_t expectedNumber = 0;
      while (auto batch = loader.next()) {
        QCOMPARE(batch->number, expectedNumber++);
        const int64_t b = static_cast<int64_t>(batch->indices.size());
        QCOMPARE(batch->prior.sizes().vec(), (std::vector<int64_t>{b, 1, 32, 32}));
        QCOMPARE(batch->current.sizes().vec(), (std::vector<int64_t>{b, 1, 32, 32}));
        QCOMPARE(batch->diff.sizes().vec(), (std::vector<int64_t>{b, 1, 32, 32}));
        seen.insert(seen.end(), batch->indices.begin(), batch->indices.end());
      }
      QCOMPARE(seen.size(), size_t(10));
      QCOMPARE(std::set<size_t>(seen.begin(), seen.end()).size(), size_t(10));
      QCOMPARE(seen, loader.epochOrder(epoch));
      orders.push_back(seen);
      QVERIFY(!loader.next().has_value());  // stays finished
    }
    QVERIFY(orders[0] != orders[1] || orders[1] != orders[2]);
    QCOMPARE(dataset->cache()->count(), size_t(10));
  }

  void loaderIsDeterministicAndResumesMidEpoch() {
    PairLoader::Options options;
    options.batchSize = 4;
    options.seed = 3;
    options.threads = 2;
    auto collect = [&](size_t firstBatch) {
      PairLoader loader(datasetOf(root_, true), options);
      loader.startEpoch(2, firstBatch);
      std::vector<torch::Tensor> priors;
      while (auto batch = loader.next())
        priors.push_back(batch->prior);
      return priors;
    };
    const auto full = collect(0);
    const auto resumed = collect(1);
    QCOMPARE(full.size(), size_t(3));
    QCOMPARE(resumed.size(), size_t(2));
    QVERIFY(torch::equal(full[1], resumed[0]));
    QVERIFY(torch::equal(full[2], resumed[1]));
    QVERIFY(torch::equal(collect(0)[0], full[0]));
  }

  void dropLastAndNoShuffle() {
    PairLoader::Options options;
    options.batchSize = 4;
    options.shuffle = false;
    options.dropLast = true;
    PairLoader loader(datasetOf(root_, false), options);
    QCOMPARE(loader.batchesPerEpoch(), size_t(2));
    loader.startEpoch(0);
    QCOMPARE(loader.next()->indices, (std::vector<size_t>{0, 1, 2, 3}));
    QCOMPARE(loader.next()->indices, (std::vector<size_t>{4, 5, 6, 7}));
    QVERIFY(!loader.next());
  }

  void loaderErrorNamesTheFile() {
    QTemporaryDir dir;
    const std::string root = dir.filePath("d").toStdString();
    writeCase(root + "/a", 16, 16);
    writeCase(root + "/b", 16, 16);
    auto dataset = datasetOf(root, false);
    // The file goes bad after indexing (e.g. a network share dropped it).
    std::filesystem::remove(root + "/b/current.nii.gz");
    PairLoader::Options options;
    options.batchSize = 1;
    options.shuffle = false;
    PairLoader loader(dataset, options);
    loader.startEpoch(0);
    try {
      while (loader.next()) {
      }
      QFAIL("no error");
    } catch (const DataError& e) {
      QVERIFY2(std::string(e.what()).find("b/current.nii.gz: file not found") != std::string::npos,
               e.what());
    }
  }

  void abandoningAnEpochIsSafe() {
    PairLoader::Options options;
    options.batchSize = 1;
    options.threads = 2;
    PairLoader loader(datasetOf(root_, true), options);
    loader.startEpoch(0);
    QVERIFY(loader.next().has_value());
    loader.startEpoch(1);  // restart while workers are busy
    size_t count = 0;
    while (loader.next())
      ++count;
    QCOMPARE(count, size_t(10));
    QVERIFY(loader.waitSeconds() >= 0.0);
  }

  void trainingDataSkipsInvalidCasesWithOneWarning() {
    QTemporaryDir dir;
    const std::string root = dir.filePath("mixed").toStdString();
    for (int i = 0; i < 4; ++i)
      writeCase(root + "/good" + std::to_string(i), 16, 16, i);
    writeCase(root + "/broken", 16, 16);
    std::filesystem::remove(root + "/broken/diff_map.nii.gz");
    std::vector<std::string> warnings;
    setLogSink([&](LogLevel level, const std::string& message) {
      if (level == LogLevel::Warning)
        warnings.push_back(message);
    });
    TrainingConfig config = config_;
    config.valFraction = 0.25;
    const TrainingData data = TrainingData::open(root, config);
    setLogSink(nullptr);
    QCOMPARE(warnings.size(), size_t(1));
    QVERIFY2(warnings[0].find("skipping 1 invalid case(s)") != std::string::npos,
             warnings[0].c_str());
    QVERIFY2(warnings[0].find("broken") != std::string::npos, warnings[0].c_str());
    QCOMPARE(data.trainCases.size() + data.valCases.size(), size_t(4));
    QCOMPARE(data.valCases.size(), size_t(1));
    QVERIFY(data.train->training());
    QVERIFY(!data.val->training());
    QVERIFY(data.train->cache() != nullptr);
  }

  void trainingDataWithoutValidCaseIsAClearError() {
    QTemporaryDir dir;
    const std::string root = dir.filePath("bad").toStdString();
    writeCase(root + "/only", 16, 16);
    writeBytes(root + "/only/prior.nii.gz", "garbage");
    try {
      TrainingData::open(root, config_);
      QFAIL("no error");
    } catch (const DataError& e) {
      const std::string message = e.what();
      QVERIFY2(message.find("no valid case found among 1 case folders") != std::string::npos,
               e.what());
      QVERIFY2(message.find("only/prior.nii.gz") != std::string::npos, e.what());
      QVERIFY2(message.find("longmim data check") != std::string::npos, e.what());
    }
    std::filesystem::create_directories(dir.filePath("empty").toStdString());
    try {
      TrainingData::open(dir.filePath("empty").toStdString(), config_);
      QFAIL("no error");
    } catch (const DataError& e) {
      QVERIFY2(std::string(e.what()).find("no folder holds prior.nii.gz") != std::string::npos,
               e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestPairLoader)
#include "TestPairLoader.moc"
