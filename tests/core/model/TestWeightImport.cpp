// Tests weight import: strict round trips (our files and Python torch.save files), encoder-only
// import, and the messages for every kind of wrong file.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <torch/torch.h>

#include "Error.h"
#include "ErrorOf.h"
#include "TestImages.h"
#include "config/Presets.h"
#include "model/ModelFactory.h"
#include "model/WeightImport.h"
#include "train/CheckpointStore.h"

using namespace longmim;
using longmim::test::errorOf;
using namespace longmim::model;

namespace {

TrainingConfig tiny(const std::string& arch, int seed) {
  TrainingConfig c = presetConfig("tiny");
  c.modelArch = arch;
  c.seed = seed;
  return c;
}

void save(const std::string& path, const c10::Dict<std::string, torch::Tensor>& dict) {
  const std::vector<char> bytes = torch::pickle_save(dict);
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

c10::Dict<std::string, torch::Tensor> dictOf(const torch::nn::Module& m,
                                             const std::string& prefix = {}) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [key, tensor] : orderedStateDict(m))
    dict.insert(prefix + key, tensor.clone());
  return dict;
}

bool sameWeights(const torch::nn::Module& a, const torch::nn::Module& b) {
  const auto da = orderedStateDict(a);
  const auto db = orderedStateDict(b);
  for (size_t i = 0; i < da.size(); ++i) {
    if (!torch::equal(da[i].second, db[i].second))
      return false;
  }
  return true;
}

}  // namespace

class TestWeightImport : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private Q_SLOTS:
  // The inputs FuzzCheckpoint found that crashed, overflowed a buffer, leaked, or made LibTorch
  // allocate gigabytes (tests/fuzz/corpus/checkpoint/finding-*): each is now refused with an
  // error naming the file, by both readers.
  void fuzzFindingsAreRefusedWithAClearError() {
    const QDir corpus(LONGMIM_SOURCE_DIR "/tests/fuzz/corpus/checkpoint");
    const QStringList findings = corpus.entryList({"finding-*"}, QDir::Files);
    QVERIFY(findings.size() >= 3);
    for (const QString& name : findings) {
      const std::string file = corpus.filePath(name).toStdString();
      const std::string checkpoint = errorOf([&] { (void)loadCheckpoint(file); });
      QVERIFY2(checkpoint.rfind(file + ": ", 0) == 0, (name + ": " + checkpoint.c_str()).toUtf8());
      const std::string weights = errorOf([&] { (void)model::readStateDict(file); });
      QVERIFY2(weights.rfind(file + ": ", 0) == 0, (name + ": " + weights.c_str()).toUtf8());
    }
  }

  void strictRoundTripOfAStateDict() {
    const LongitudinalModel source = buildModel(tiny("reference", 1));
    const LongitudinalModel target = buildModel(tiny("reference", 2));
    QVERIFY(!sameWeights(*source, *target));
    save(path("state.pt"), dictOf(*source));
    const WeightImportReport report = importWeights(*target, path("state.pt"), /*strict=*/true);
    QVERIFY(report.clean());
    QCOMPARE(report.loaded, orderedStateDict(*target).size());
    QVERIFY(sameWeights(*source, *target));
  }

  void checkpointDictsAndDataParallelPrefixes() {
    const LongitudinalModel source = buildModel(tiny("big", 1));
    for (const char* key : {"model_state_dict", "model_dict", "state_dict"}) {
      c10::impl::GenericDict checkpoint(c10::StringType::get(), c10::AnyType::get());
      checkpoint.insert(key, dictOf(*source, "module."));
      checkpoint.insert("epoch", 3);
      const std::vector<char> bytes = torch::pickle_save(checkpoint);
      std::ofstream(path("ckpt.pt"), std::ios::binary)
          .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      const LongitudinalModel target = buildModel(tiny("big", 2));
      QVERIFY(importWeights(*target, path("ckpt.pt"), true).clean());
      QVERIFY(sameWeights(*source, *target));
    }
  }

  void encoderOnlyImport() {
    const LongitudinalModel source = buildModel(tiny("reference", 1));
    const LongitudinalModel target = buildModel(tiny("reference", 2));
    const auto decoderBefore = orderedStateDict(*target).back().second.clone();
    // The reference stores encoder weights without the prefix; our own files have it.
    save(path("encoder.pt"), dictOf(source->encoderModule()));
    QVERIFY(importWeights(target->encoderModule(), path("encoder.pt"), true, "encoder.").clean());
    QVERIFY(sameWeights(source->encoderModule(), target->encoderModule()));
    save(path("whole.pt"), dictOf(*source));
    const LongitudinalModel other = buildModel(tiny("reference", 3));
    QVERIFY(importWeights(other->encoderModule(), path("whole.pt"), true, "encoder.").clean());
    QVERIFY(sameWeights(source->encoderModule(), other->encoderModule()));
    QVERIFY(
        torch::equal(orderedStateDict(*target).back().second, decoderBefore));  // decoder untouched
  }

  void pythonTorchSaveFilesLoadWhenPresent() {
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import torch"});
    if (!probe.waitForFinished(120000) || probe.exitCode() != 0)
      QSKIP("python3-torch is not installed");
    // Python writes a state dict with every key and shape of the model (an OrderedDict, as
    // model.state_dict() gives), values filled with a recognisable pattern.
    const LongitudinalModel target = buildModel(tiny("reference", 2));
    QStringList spec;
    for (const auto& [key, tensor] : orderedStateDict(*target)) {
      QStringList dims;
      for (const int64_t d : tensor.sizes())
        dims << QString::number(d);
      spec << QString::fromStdString(key) + ":" + dims.join("x") + ":" +
                  (tensor.scalar_type() == torch::kLong ? "long" : "float");
    }
    QProcess python;
    python.start("/usr/bin/python3",
                 {"-c",
                  "import sys, collections, torch\n"
                  "d = collections.OrderedDict()\n"
                  "for i, item in enumerate(sys.argv[2].split(';')):\n"
                  "    key, dims, kind = item.split(':')\n"
                  "    shape = [int(v) for v in dims.split('x')] if dims else []\n"
                  "    t = torch.full(shape, float(i) / 1000.0)\n"
                  "    d[key] = t.long() if kind == 'long' else t\n"
                  "torch.save(d, sys.argv[1])\n",
                  QString::fromStdString(path("python.pt")), spec.join(";")});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const WeightImportReport report = importWeights(*target, path("python.pt"), true);
    QVERIFY(report.clean());
    const auto dict = orderedStateDict(*target);
    QVERIFY(std::fabs(dict[5].second.flatten()[0].item<double>() - 0.005) < 1e-7);
    // And Python reads our files back: torch.load of our state dict gives the same tensors.
    save(path("ours.pt"), dictOf(*target));
    QProcess reader;
    reader.start("/usr/bin/python3", {"-c",
                                      "import sys, torch\n"
                                      "d = torch.load(sys.argv[1])\n"
                                      "print(len(d), float(list(d.values())[5].flatten()[0]))\n",
                                      QString::fromStdString(path("ours.pt"))});
    QVERIFY(reader.waitForFinished(120000));
    const QStringList out = QString(reader.readAllStandardOutput()).split(' ');
    QCOMPARE(out.size(), 2);
    QCOMPARE(out[0].toULongLong(), static_cast<qulonglong>(dict.size()));
    QVERIFY(std::fabs(out[1].toDouble() - 0.005) < 1e-7);
  }

  void wrongFilesGiveThePromisedMessages() {
    const LongitudinalModel model = buildModel(tiny("reference", 1));
    QVERIFY(errorOf([&] {
              importWeights(*model, path("absent.pt"), true);
            }).find("absent.pt: weight file not found") != std::string::npos);
    test::writeBytes(path("text.pt"), "this is not a pytorch file");
    const std::string notTorch = errorOf([&] { importWeights(*model, path("text.pt"), true); });
    QVERIFY2(notTorch.find("text.pt: not a PyTorch weight file") != std::string::npos,
             notTorch.c_str());
    // A truncated file.
    save(path("full.pt"), dictOf(*model));
    std::ifstream in(path("full.pt"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    test::writeBytes(path("cut.pt"), bytes.substr(0, bytes.size() / 2));
    QVERIFY(errorOf([&] {
              importWeights(*model, path("cut.pt"), true);
            }).find("cut.pt: not a PyTorch weight file") != std::string::npos);
    // A dict without tensors.
    c10::impl::GenericDict empty(c10::StringType::get(), c10::AnyType::get());
    empty.insert("epoch", 4);
    const std::vector<char> e = torch::pickle_save(empty);
    std::ofstream(path("notensor.pt"), std::ios::binary)
        .write(e.data(), static_cast<std::streamsize>(e.size()));
    QVERIFY(errorOf([&] {
              importWeights(*model, path("notensor.pt"), true);
            }).find("holds no tensors") != std::string::npos);
    // Another architecture: strict loading refuses and names the first mismatches; the model
    // keeps its weights.
    const LongitudinalModel big = buildModel(tiny("big", 1));
    save(path("big.pt"), dictOf(*big));
    const auto before = orderedStateDict(*model)[0].second.clone();
    const std::string other = errorOf([&] { importWeights(*model, path("big.pt"), true); });
    QVERIFY2(other.find("big.pt does not match the model (strict loading)") != std::string::npos,
             other.c_str());
    QVERIFY2(other.find("missing in the file: encoder.input_expansion_block") != std::string::npos,
             other.c_str());
    QVERIFY2(other.find("not in the model:") != std::string::npos, other.c_str());
    QVERIFY2(other.find("more)") != std::string::npos, other.c_str());
    QVERIFY(torch::equal(orderedStateDict(*model)[0].second, before));
    // Another size of the same architecture: shapes differ.
    TrainingConfig demo = tiny("reference", 1);
    demo.modelSize = "cpu-demo";
    const LongitudinalModel wider = buildModel(demo);
    save(path("wider.pt"), dictOf(*wider));
    const std::string shapes = errorOf([&] { importWeights(*model, path("wider.pt"), true); });
    QVERIFY2(
        shapes.find("shapes differ: encoder.input_expansion_block.expansion_layer1.conv.weight: "
                    "file [4, 1, 7, "
                    "7], model [2, 1, 7, 7]") != std::string::npos,
        shapes.c_str());
  }

  void nonStrictLoadsWhatMatchesAndReports() {
    const LongitudinalModel source = buildModel(tiny("reference", 1));
    c10::Dict<std::string, torch::Tensor> partial = dictOf(source->encoderModule(), "encoder.");
    partial.insert("extra.weight", torch::zeros({3}));
    save(path("partial.pt"), partial);
    const LongitudinalModel target = buildModel(tiny("reference", 2));
    const WeightImportReport report = importWeights(*target, path("partial.pt"), /*strict=*/false);
    QCOMPARE(report.loaded, orderedStateDict(source->encoderModule()).size());
    QCOMPARE(report.unexpected, std::vector<std::string>{"extra.weight"});
    QVERIFY(!report.missing.empty());
    QVERIFY(sameWeights(source->encoderModule(), target->encoderModule()));
    QVERIFY(report.summary().find("not in the model: extra.weight") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestWeightImport)
#include "TestWeightImport.moc"
