// Tests TrainingConfig with its schema, JSON load/save, validation and presets.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "Error.h"
#include "ErrorOf.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/ConfigSources.h"
#include "config/ConfigValidation.h"
#include "config/Presets.h"
#include "io/AtomicFile.h"

using namespace longmim;
using longmim::test::errorOf;

namespace {

std::string problemKeys(const TrainingConfig& config) {
  std::string keys;
  for (const ConfigProblem& p : validateConfig(config))
    keys += (keys.empty() ? "" : ",") + p.key;
  return keys;
}

}  // namespace

class TestTrainingConfig : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private Q_SLOTS:
  void defaultsAreTheSeedConstants() {
    const TrainingConfig c;
    QCOMPARE(c.batchSize, 4);
    QCOMPARE(c.updateEveryBatches, 12);
    QCOMPARE(c.epochs, 10);
    QCOMPARE(c.maxLr, 6e-4);
    QCOMPARE(c.weightDecay, 1e-2);
    QCOMPARE(c.imgSize, 512);
    QVERIFY(c.useL1 && c.useL2);
    QVERIFY(!c.useSsim && !c.usePercStyle && !c.useFourier && !c.useGan);
    QCOMPARE(c.lambdaSsim, 1.5);
    QCOMPARE(c.lambdaP, 2.0);
    QCOMPARE(c.lambdaFourier, 0.05);
    QCOMPARE(c.ganStartEpoch, 13);
    QCOMPARE(c.changeThreshold, 0.015);
    QVERIFY(validateConfig(c).empty());
  }

  void everyKeyIsInTheJsonUnderItsSeedName() {
    const auto json = configToJson(TrainingConfig{});
    QCOMPARE(json.size(), configFields().size());
    for (const char* key : {"BATCH_SIZE",
                            "UPDATE_EVERY_BATCHES",
                            "LONGITUDINAL_MIM_EPOCHS",
                            "MAX_LR",
                            "WEIGHT_DECAY",
                            "IMG_SIZE",
                            "USE_L1",
                            "USE_L2",
                            "USE_SSIM",
                            "USE_PERC_STYLE",
                            "USE_FOURIER",
                            "USE_GAN",
                            "LAMBDA_L1_ALL",
                            "LAMBDA_L1_MASKED",
                            "LAMBDA_L2",
                            "LAMBDA_SSIM",
                            "LAMBDA_P",
                            "LAMBDA_S",
                            "LAMBDA_FOURIER",
                            "LAMBDA_GAN",
                            "GAN_START_EPOCH",
                            "DATA_DIR",
                            "OUTPUT_DIR",
                            "SEED",
                            "NUM_THREADS",
                            "DEVICE",
                            "PRESET",
                            "MODEL_ARCH",
                            "MODEL_SIZE",
                            "VAL_FRACTION",
                            "CHANGE_THRESHOLD",
                            "VGG_WEIGHTS",
                            "PRETRAINED_WEIGHTS",
                            "ENCODER_WEIGHTS",
                            "CLAHE_PROB",
                            "FLIP_PROB"}) {
      QVERIFY2(json.contains(key), key);
    }
    QVERIFY(json.size() >= 40);
    QCOMPARE(json["BATCH_SIZE"].get<int>(), 4);
    QCOMPARE(json["MODEL_ARCH"].get<std::string>(), std::string("big"));
  }

  void fileRoundTripKeepsEveryValue() {
    TrainingConfig c = presetConfig("cpu-demo");
    c.maxLr = 1.234567890123e-4;
    c.dataDir = "/data/with spaces/ü";
    c.useSsim = true;
    c.lambdaGan = 0.0;
    c.seed = 7;
    saveConfigFile(c, path("params.json"));
    const TrainingConfig back = loadConfigFile(path("params.json"), TrainingConfig{});
    QVERIFY(back == c);
    QCOMPARE(back.maxLr, 1.234567890123e-4);
  }

  void fileOnTopOfItsPreset() {
    writeFileAtomically(path("partial.json"), R"({"PRESET": "tiny", "SEED": 5})");
    const TrainingConfig c = loadConfigFile(path("partial.json"), TrainingConfig{});
    QCOMPARE(c.imgSize, 64);  // from the tiny preset
    QCOMPARE(c.seed, 5);
    QCOMPARE(c.preset, std::string("tiny"));
  }

  void unknownKeyNamesKeyFileAndSuggestion() {
    writeFileAtomically(path("typo.json"), R"({"BATCH_SIZ": 4})");
    const std::string message =
        errorOf([&] { loadConfigFile(path("typo.json"), TrainingConfig{}); });
    QVERIFY2(message.find("typo.json") != std::string::npos, message.c_str());
    QVERIFY2(message.find("unknown key 'BATCH_SIZ'") != std::string::npos, message.c_str());
    QVERIFY2(message.find("did you mean BATCH_SIZE") != std::string::npos, message.c_str());
  }

  void wrongTypesNameKeyAndExpectedType_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("string for number") << R"({"MAX_LR": "fast"})"
                                       << "MAX_LR must be a number in (0, 10], got a string";
    QTest::newRow("fraction for integer")
        << R"({"BATCH_SIZE": 4.5})"
        << "BATCH_SIZE must be an integer in [1, 4096], got a number";
    QTest::newRow("number for bool") << R"({"USE_L1": 1})"
                                     << "USE_L1 must be true or false";
    QTest::newRow("bool for string") << R"({"DATA_DIR": false})"
                                     << "DATA_DIR must be a path";
    QTest::newRow("not an object") << "[1, 2]"
                                   << "expected a JSON object";
    QTest::newRow("not json") << "{\"BATCH_SIZE\": "
                              << "not valid JSON";
    // Found by FuzzParamsJson: nlohmann_json's out_of_range escaped the loader.
    QTest::newRow("number beyond double") << R"({"MAX_LR": 1e999})"
                                          << "not valid JSON";
  }
  void wrongTypesNameKeyAndExpectedType() {
    QFETCH(QString, json);
    QFETCH(QString, expected);
    writeFileAtomically(path("bad.json"), json.toStdString());
    const std::string message =
        errorOf([&] { loadConfigFile(path("bad.json"), TrainingConfig{}); });
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    QVERIFY2(message.find("bad.json") != std::string::npos, message.c_str());
  }

  void integralFloatAcceptedForIntegers() {
    TrainingConfig c;
    applyConfigJson(c, nlohmann::json::parse(R"({"BATCH_SIZE": 8.0})"), "test");
    QCOMPARE(c.batchSize, 8);
  }

  void everyRangeViolationIsReported_data() {
    QTest::addColumn<QString>("assignment");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("allowed");
    QTest::newRow("batch 0") << "BATCH_SIZE=0"
                             << "BATCH_SIZE"
                             << "an integer in [1, 4096]";
    QTest::newRow("lr 0") << "MAX_LR=0"
                          << "MAX_LR"
                          << "a number in (0, 10]";
    QTest::newRow("lr negative") << "MAX_LR=-1e-3"
                                 << "MAX_LR"
                                 << "(0, 10]";
    QTest::newRow("size 500") << "IMG_SIZE=500"
                              << "IMG_SIZE"
                              << "a multiple of 32";
    QTest::newRow("size 16") << "IMG_SIZE=16"
                             << "IMG_SIZE"
                             << "[32, 2048]";
    QTest::newRow("lambda negative") << "LAMBDA_L2=-0.5"
                                     << "LAMBDA_L2"
                                     << "a number >= 0";
    QTest::newRow("lambda ssim negative") << "LAMBDA_SSIM=-1"
                                          << "LAMBDA_SSIM"
                                          << ">= 0";
    QTest::newRow("accumulation 0") << "UPDATE_EVERY_BATCHES=0"
                                    << "UPDATE_EVERY_BATCHES"
                                    << "an integer in [1, 10000]";
    QTest::newRow("epochs 0") << "LONGITUDINAL_MIM_EPOCHS=0"
                              << "LONGITUDINAL_MIM_EPOCHS"
                              << "[1,";
    QTest::newRow("weight decay") << "WEIGHT_DECAY=-1"
                                  << "WEIGHT_DECAY"
                                  << "[0, 10]";
    QTest::newRow("val fraction") << "VAL_FRACTION=1"
                                  << "VAL_FRACTION"
                                  << "[0, 0.9]";
    QTest::newRow("pct start") << "PCT_START=1"
                               << "PCT_START"
                               << "(0, 1)";
    QTest::newRow("beta2") << "BETA2=1"
                           << "BETA2"
                           << "[0, 1)";
    QTest::newRow("threads") << "NUM_THREADS=-1"
                             << "NUM_THREADS"
                             << "[0, 1024]";
    QTest::newRow("arch") << "MODEL_ARCH=vit"
                          << "MODEL_ARCH"
                          << "one of: big, reference";
    QTest::newRow("device") << "DEVICE=tpu"
                            << "DEVICE"
                            << "one of: auto, cpu, cuda";
    QTest::newRow("gan epoch") << "GAN_START_EPOCH=0"
                               << "GAN_START_EPOCH"
                               << "[1, 100000]";
    QTest::newRow("threshold") << "CHANGE_THRESHOLD=-0.1"
                               << "CHANGE_THRESHOLD"
                               << "[0, 10]";
    QTest::newRow("probability") << "FLIP_PROB=1.5"
                                 << "FLIP_PROB"
                                 << "a number in [0, 1] (got 1.5)";
    QTest::newRow("probabilities sum") << "CLAHE_PROB=0.9"
                                       << "SHARPEN_PROB"
                                       << "must not exceed 1";
    QTest::newRow("clip order") << "CLAHE_CLIP_MIN=2"
                                << "CLAHE_CLIP_MAX"
                                << ">= CLAHE_CLIP_MIN";
    QTest::newRow("sharpen order") << "SHARPEN_FACTOR_MIN=9"
                                   << "SHARPEN_FACTOR_MAX"
                                   << ">= SHARPEN";
    QTest::newRow("beta order") << "BETA1_MIN=0.99"
                                << "BETA1_MIN"
                                << "<= BETA1_MAX";
    QTest::newRow("perc without vgg") << "USE_PERC_STYLE=true"
                                      << "VGG_WEIGHTS"
                                      << "vgg19_bn";
    QTest::newRow("dropout") << "DROPOUT=1"
                             << "DROPOUT"
                             << "[0, 1)";
    QTest::newRow("prefetch") << "PREFETCH_BATCHES=0"
                              << "PREFETCH_BATCHES"
                              << "[1, 64]";
    QTest::newRow("run name with a slash") << "RUN_NAME=a/b"
                                           << "RUN_NAME"
                                           << "one folder name";
    QTest::newRow("run name ..") << "RUN_NAME=.."
                                 << "RUN_NAME"
                                 << "one folder name";
  }
  void everyRangeViolationIsReported() {
    QFETCH(QString, assignment);
    QFETCH(QString, key);
    QFETCH(QString, allowed);
    TrainingConfig c;
    applyConfigAssignment(c, assignment.toStdString());
    const std::vector<ConfigProblem> problems = validateConfig(c);
    QCOMPARE(problems.size(), size_t(1));
    QCOMPARE(QString::fromStdString(problems[0].key), key);
    QVERIFY2(problems[0].message.find(allowed.toStdString()) != std::string::npos,
             problems[0].message.c_str());
    // The same problem reaches a command-line user as an error naming its origin and the key.
    const std::string fromSet = errorOf([&] {
      resolveConfig({"", "", {assignment.toStdString()}});
    });
    QVERIFY2(fromSet.find(key.toStdString()) != std::string::npos, fromSet.c_str());
    QVERIFY2(fromSet.find("--set") != std::string::npos, fromSet.c_str());
    saveConfigFile(c, path("range.json"));
    const std::string fromFile = errorOf([&] { resolveConfig({"", path("range.json"), {}}); });
    QVERIFY2(fromFile.find("range.json: ") != std::string::npos, fromFile.c_str());
    QVERIFY2(fromFile.find(key.toStdString()) != std::string::npos, fromFile.c_str());
  }

  void resolveAppliesSourcesInOrder() {
    writeFileAtomically(path("order.json"), R"({"PRESET": "tiny", "SEED": 5, "BATCH_SIZE": 3})");
    const TrainingConfig fromFile = resolveConfig({"", path("order.json"), {"SEED=6"}});
    QCOMPARE(fromFile.imgSize, 64);   // the file's preset
    QCOMPARE(fromFile.batchSize, 3);  // the file
    QCOMPARE(fromFile.seed, 6);       // --set wins
    const TrainingConfig presetWins = resolveConfig({"cpu-demo", path("order.json"), {}});
    QCOMPARE(presetWins.imgSize, 128);  // --preset replaces the file's preset as the base
    QCOMPARE(presetWins.batchSize, 3);
    QCOMPARE(presetWins.preset, std::string("cpu-demo"));
    // A --set may repair a value the file got wrong.
    writeFileAtomically(path("repair.json"), R"({"USE_PERC_STYLE": true})");
    const TrainingConfig repaired =
        resolveConfig({"", path("repair.json"), {"VGG_WEIGHTS=/w.pth"}});
    QVERIFY(repaired.usePercStyle);
    // The file itself is opened when a run starts.
    QCOMPARE(checkConfigFiles(repaired).size(), size_t(1));
    QCOMPARE(checkConfigFiles(repaired)[0].message,
             std::string("VGG_WEIGHTS /w.pth does not exist: choose the VGG19-BN state-dict "
                         "file or turn USE_PERC_STYLE off"));
    writeFileAtomically(path("w.pth"), "weights");
    TrainingConfig present = repaired;
    present.vggWeights = path("w.pth");
    QVERIFY(checkConfigFiles(present).empty());
    const std::string message = errorOf([&] { resolveConfig({"", path("repair.json"), {}}); });
    QVERIFY2(message.find("repair.json: USE_PERC_STYLE needs VGG_WEIGHTS") != std::string::npos,
             message.c_str());
  }

  void fp16IsRefusedOnEveryDevice() {
    // It used to pass on CUDA and be ignored there (the run trained in fp32).
    for (const char* device : {"cpu", "cuda", "auto"}) {
      TrainingConfig c;
      c.precision = "fp16";
      c.device = device;
      QCOMPARE(QString::fromStdString(problemKeys(c)), QString("PRECISION"));
      QVERIFY(validateConfig(c)[0].message.find("not implemented") != std::string::npos);
    }
  }

  void setAssignmentsParseEachType() {
    TrainingConfig c;
    applyConfigAssignment(c, "BATCH_SIZE=16");
    applyConfigAssignment(c, "MAX_LR=1e-3");
    applyConfigAssignment(c, "USE_SSIM=yes");
    applyConfigAssignment(c, "USE_L2=off");
    applyConfigAssignment(c, "DATA_DIR=/tmp/a=b");
    QCOMPARE(c.batchSize, 16);
    QCOMPARE(c.maxLr, 1e-3);
    QVERIFY(c.useSsim);
    QVERIFY(!c.useL2);
    QCOMPARE(c.dataDir, std::string("/tmp/a=b"));
  }

  void badAssignmentsAreErrors_data() {
    QTest::addColumn<QString>("assignment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no equals") << "BATCH_SIZE"
                               << "expects KEY=VALUE";
    QTest::newRow("unknown") << "LAMBDA_L3=1"
                             << "unknown key 'LAMBDA_L3' (did you mean LAMBDA_L2?)";
    QTest::newRow("not int") << "BATCH_SIZE=four"
                             << "BATCH_SIZE must be an integer";
    QTest::newRow("not bool") << "USE_L1=maybe"
                              << "USE_L1 must be true or false";
    QTest::newRow("not number") << "MAX_LR=1e-3x"
                                << "MAX_LR must be a number";
    QTest::newRow("empty int") << "SEED="
                               << "SEED must be an integer";
  }
  void badAssignmentsAreErrors() {
    QFETCH(QString, assignment);
    QFETCH(QString, expected);
    TrainingConfig c;
    const std::string message =
        errorOf([&] { applyConfigAssignment(c, assignment.toStdString()); });
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
  }

  void configErrorCarriesTheKey() {
    TrainingConfig c;
    try {
      applyConfigAssignment(c, "BATCH_SIZE=x");
      QFAIL("no error");
    } catch (const ConfigError& e) {
      QCOMPARE(QString::fromStdString(e.key()), QString("BATCH_SIZE"));
    }
  }

  void presetsLoadAndDiffer() {
    QCOMPARE(presetNames().size(), size_t(3));
    for (const std::string& name : presetNames()) {
      const TrainingConfig c = presetConfig(name);
      QCOMPARE(c.preset, name);
      QVERIFY2(validateConfig(c).empty(), name.c_str());
      // cpu-demo trains the tiny architecture: more steps in its five minutes (docs/learning.md).
      QCOMPARE(c.modelSize, name == "cpu-demo" ? std::string("tiny") : name);
    }
    QVERIFY(presetConfig("paper") == TrainingConfig{});
    QCOMPARE(presetConfig("cpu-demo").imgSize, 128);
    QCOMPARE(presetConfig("tiny").imgSize, 64);
    QVERIFY(presetConfig("tiny").imgSize % 32 == 0);
    const std::string message = errorOf([] { presetConfig("huge"); });
    QVERIFY2(message.find("unknown preset 'huge'") != std::string::npos, message.c_str());
    QVERIFY2(message.find("paper, cpu-demo, tiny") != std::string::npos, message.c_str());
  }

  void presetFilesInResourcesMatchTheEmbeddedOnes() {
    for (const std::string& name : presetNames()) {
      const std::string file =
          std::string(LONGMIM_SOURCE_DIR) + "/resources/presets/" + name + ".json";
      QCOMPARE(QString::fromStdString(readWholeFile(file)),
               QString::fromStdString(presetJson(name)));
    }
  }

  void failedLoadLeavesFileAndSaveIsAtomic() {
    const std::string target = path("keep.json");
    TrainingConfig c;
    c.seed = 99;
    saveConfigFile(c, target);
    const std::string before = readWholeFile(target);
    // A save into a missing folder fails without touching anything.
    const std::string message = errorOf([&] { saveConfigFile(c, path("missing/keep.json")); });
    QVERIFY2(message.find("does not exist") != std::string::npos, message.c_str());
    // Overwriting replaces the whole file; no temporary file is left behind.
    c.seed = 100;
    saveConfigFile(c, target);
    QVERIFY(readWholeFile(target) != before);
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path().toStdString())) {
      QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos,
               entry.path().c_str());
      ++files;
    }
    QVERIFY(files >= 1);
  }

  void missingFileIsAClearError() {
    const std::string message =
        errorOf([&] { loadConfigFile(path("nope.json"), TrainingConfig{}); });
    QVERIFY2(message.find("nope.json") != std::string::npos, message.c_str());
    QVERIFY2(message.find("No such file") != std::string::npos, message.c_str());
  }

  void schemaIsConsistent() {
    for (const ConfigField& f : configFields()) {
      QVERIFY2(!f.help.empty(), f.key.c_str());
      QVERIFY2(findConfigField(f.key) == &f, f.key.c_str());
      if (f.key.rfind("LAMBDA_", 0) == 0 || f.key.rfind("USE_", 0) == 0) {
        QVERIFY2(f.runEdit == RunEdit::Live, f.key.c_str());
      }
    }
    QVERIFY(findConfigField("IMG_SIZE")->runEdit == RunEdit::Locked);
    QVERIFY(findConfigField("BATCH_SIZE")->runEdit == RunEdit::Locked);
    QCOMPARE(QString::fromStdString(closestConfigKey("batch_size")), QString("BATCH_SIZE"));
    QVERIFY(closestConfigKey("COMPLETELY_DIFFERENT_THING").empty());
  }
};

QTEST_GUILESS_MAIN(TestTrainingConfig)
#include "TestTrainingConfig.moc"
