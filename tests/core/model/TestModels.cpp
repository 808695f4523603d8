// Tests both architectures at every size: shapes, parameter counts, the reference's exact state
// dict, gradients to every parameter, seeded initialisation.
#include <QtTest>

#include <set>

#include <torch/torch.h>

#include "config/Presets.h"
#include "model/BigModel.h"
#include "model/ModelFactory.h"
#include "model/ReferenceModel.h"

using namespace longmim;
using namespace longmim::model;

namespace {

TrainingConfig configFor(const std::string& arch, const std::string& size, int imgSize) {
  TrainingConfig c = presetConfig(size == "paper" ? "paper" : size);
  c.modelArch = arch;
  c.modelSize = size;
  c.imgSize = imgSize;
  c.learnedDeadBand = false;  // the architectures as they are; the band has its own test
  return c;
}

std::map<std::string, std::vector<int64_t>> shapes(const torch::nn::Module& m) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& [key, tensor] : orderedStateDict(m))
    out[key] = tensor.sizes().vec();
  return out;
}

}  // namespace

class TestModels : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(2); }

  void referenceAtPaperSizeMatchesThePublicModel() {
    const LongitudinalModel model = buildModel(configFor("reference", "paper", 512));
    QCOMPARE(parameterCount(*model), int64_t(110887538));
    const auto dict = orderedStateDict(*model);
    QCOMPARE(dict.size(), size_t(287));
    size_t bnBuffers = 0;
    for (const auto& [key, tensor] : dict) {
      for (const char* suffix : {"running_mean", "running_var", "num_batches_tracked"}) {
        const std::string s(suffix);
        if (key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0)
          ++bnBuffers;
      }
    }
    QCOMPARE(bnBuffers, size_t(69));
    // Parameter counts per part, from the reference's description.
    auto part = [&](const char* name) {
      int64_t n = 0;
      for (const auto& p : model->named_children()) {
        if (p.key() == name)
          n = parameterCount(*p.value());
      }
      return n;
    };
    QCOMPARE(part("encoder"), int64_t(10743408));
    QCOMPARE(part("encoded_bn"), int64_t(22126080));
    QCOMPARE(part("encoded_bn2"), int64_t(22126080));
    QCOMPARE(part("diff_processing"), int64_t(22126080));
    QCOMPARE(part("diff_processing2"), int64_t(22126080));
    QCOMPARE(part("features_upsampling"), int64_t(2345600));
    QCOMPARE(part("decoder"), int64_t(9294210));
    // Key names and shapes the reference documents.
    const auto s = shapes(*model);
    const std::map<std::string, std::vector<int64_t>> expected = {
        {"encoder.input_expansion_block.expansion_layer1.conv.weight", {8, 1, 7, 7}},
        {"encoder.input_expansion_block.expansion_layer1.norm.weight", {8}},
        {"encoder.input_expansion_block.expansion_layer2.conv.weight", {64, 8, 3, 3}},
        {"encoder.blocks.0.depthwise_conv.depthwise_conv.weight", {64, 1, 3, 3}},
        {"encoder.blocks.0.squeeze_excite.reduce.weight", {16, 64, 1, 1}},
        {"encoder.blocks.0.projection.project_conv.weight", {32, 64, 1, 1}},
        {"encoder.blocks.1.expansion.expand_conv.weight", {192, 32, 1, 1}},
        {"encoder.blocks.1.expansion.expand_bn.running_var", {192}},
        {"encoder.blocks.2.depthwise_conv.depthwise_conv.weight", {288, 1, 5, 5}},
        {"encoder.blocks.7.squeeze_excite.expand.bias", {3840}},
        {"encoder.blocks.7.projection.project_bn.num_batches_tracked", {}},
        {"encoded_bn.0.conv_block.0.weight", {640, 640, 3, 3}},
        {"encoded_bn.2.conv_block.4.bias", {640}},
        {"encoded_bn2.1.conv_block.3.weight", {640, 640, 3, 3}},
        {"features_upsampling.0.sampling.weight", {768, 704, 1, 1}},
        {"features_upsampling.1.sampling.weight", {704, 640, 2, 2}},
        {"features_upsampling.1.norm.bias", {640}},
        {"diff_processing.0.conv_block.1.weight", {640}},
        {"diff_processing2.2.conv_block.0.weight", {640, 640, 3, 3}},
        {"decoder.decoder_blocks.0.deconv.weight", {640, 576, 2, 2}},
        {"decoder.decoder_blocks.0.conv.weight", {512, 576, 3, 3}},
        {"decoder.decoder_blocks.2.deconv.weight", {384, 320, 1, 1}},
        {"decoder.decoder_blocks.2.conv.weight", {256, 320, 5, 5}},
        {"decoder.decoder_blocks.4.norm2.weight", {64}},
        {"decoder.decoder_blocks.5.weight", {1, 64, 3, 3}},
        {"decoder.decoder_blocks.6.weight", {1}},
        {"decoder.decoder_blocks.6.bias", {1}},
    };
    for (const auto& [key, shape] : expected) {
      QVERIFY2(s.count(key), key.c_str());
      QCOMPARE(s.at(key), shape);
    }
    // No block but 52 (index 7) has an expansion-free layout... block 0 has no expansion at all.
    QVERIFY(!s.count("encoder.blocks.0.expansion.expand_conv.weight"));
  }

  void referenceForwardShapes() {
    const LongitudinalModel model = buildModel(configFor("reference", "tiny", 64));
    model->eval();
    const torch::Tensor x = torch::rand({2, 1, 64, 64});
    const torch::Tensor y = model->forward(x, x);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 1, 64, 64}));
    QVERIFY(y.abs().max().item<float>() < 1.0f);
  }

  void everyArchitectureAndSizeRuns_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("size");
    QTest::addColumn<int>("image");
    QTest::newRow("big tiny") << "big"
                              << "tiny" << 64;
    QTest::newRow("big cpu-demo") << "big"
                                  << "cpu-demo" << 128;
    QTest::newRow("reference tiny") << "reference"
                                    << "tiny" << 64;
    QTest::newRow("reference cpu-demo") << "reference"
                                        << "cpu-demo" << 128;
  }
  void everyArchitectureAndSizeRuns() {
    QFETCH(QString, arch);
    QFETCH(QString, size);
    QFETCH(int, image);
    const LongitudinalModel model =
        buildModel(configFor(arch.toStdString(), size.toStdString(), image));
    model->train();
    const torch::Tensor b = torch::rand({2, 1, image, image});
    const torch::Tensor f = torch::rand({2, 1, image, image});
    torch::Tensor y = model->forward(b, f);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 1, image, image}));
    QVERIFY(torch::isfinite(y).all().item<bool>());
    if (arch == QLatin1String("big")) {
      // big's head starts at zero: its first prediction is the zeros baseline. Give the head
      // weights so that gradients can reach the layers behind it.
      QCOMPARE(y.abs().max().item<double>(), 0.0);
      torch::NoGradGuard noGrad;
      for (auto& p : model->named_parameters()) {
        if (p.key() == "head.weight")
          p.value().normal_(0.0, 0.05);
      }
    }
    y = model->forward(b, f);
    // Gradients reach every trainable parameter (the reference's unused up-sampler excepted).
    (y - 0.5).pow(2).mean().backward();
    for (const auto& p : model->named_parameters()) {
      if (p.key().rfind("features_upsampling", 0) == 0) {
        QVERIFY(!p.value().grad().defined() || p.value().grad().abs().sum().item<double>() == 0.0);
        continue;
      }
      QVERIFY2(p.value().grad().defined(), p.key().c_str());
      QVERIFY2(p.value().grad().abs().sum().item<double>() > 0.0, p.key().c_str());
    }
  }

  void theLearnedDeadBandZeroesSmallValuesAndLearnsItsWidth() {
    // The module alone: t = 0.005 relu(threshold); inside +-t a value keeps a tenth of itself,
    // outside it moves towards zero by 0.9 t.
    LearnedDeadBand band;
    QVERIFY(std::fabs(band->width() - LearnedDeadBandImpl::kInitialWidth) < 1e-9);
    {
      torch::NoGradGuard noGrad;
      band->threshold.fill_(2.0);  // t = 0.01
    }
    QVERIFY(std::fabs(band->width() - 0.01) < 1e-9);
    const torch::Tensor x = torch::tensor({-0.5, -0.01, -0.004, 0.0, 0.004, 0.02});
    const torch::Tensor y = band(x);
    const std::vector<double> expected{-0.5 + 0.009, -0.001, -0.0004, 0.0, 0.0004, 0.02 - 0.009};
    for (size_t i = 0; i < expected.size(); ++i)
      QVERIFY2(std::fabs(y[int64_t(i)].item<double>() - expected[i]) < 1e-7,
               qPrintable(QString::number(i)));
    // An L1 loss against zeros widens the band (its gradient on the threshold is negative) ...
    y.abs().sum().backward();
    QVERIFY(band->threshold.grad().item<double>() < 0.0);
    // ... and against values far outside it narrows it.
    band->threshold.mutable_grad().zero_();
    (band(x) - x * 2.0).abs().sum().backward();
    QVERIFY(band->threshold.grad().item<double>() > 0.0);

    // In both architectures: one more parameter, off by default (state dicts unchanged), and
    // gradients reach the band and the head from the first step.
    for (const std::string arch : {"big", "reference"}) {
      TrainingConfig c = configFor(arch, "tiny", 64);
      const int64_t without = parameterCount(*buildModel(c));
      c.learnedDeadBand = true;
      const LongitudinalModel model = buildModel(c);
      QCOMPARE(parameterCount(*model), without + 1);
      bool found = false;
      for (const auto& [key, tensor] : orderedStateDict(*model))
        found = found || key == "dead_band.threshold";
      QVERIFY2(found, arch.c_str());
      model->train();
      const torch::Tensor b = torch::rand({2, 1, 64, 64});
      const torch::Tensor f = torch::rand({2, 1, 64, 64});
      const torch::Tensor out = model->forward(b, f);
      QVERIFY(torch::isfinite(out).all().item<bool>());
      out.abs().mean().backward();
      for (const auto& p : model->named_parameters()) {
        if (p.key() == "dead_band.threshold" || p.key() == "head.weight" ||
            p.key() == "decoder.head.weight") {
          QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0,
                   p.key().c_str());
        }
      }
    }
    // No preset uses it: the paper preset is the seed's model, and with the band cpu-demo
    // stayed at the zeros map or under r 0.5 for 3 of 5 seeds (docs/learning.md, 2026-12-03).
    for (const std::string preset : {"paper", "cpu-demo", "tiny"})
      QVERIFY2(!presetConfig(preset).learnedDeadBand, preset.c_str());
  }

  void bigPaperIsTheSeedsLayout() {
    // Built at 64 px to keep the test light: the layout and counts do not depend on the size,
    // except the positional embedding (resampled at run time).
    TrainingConfig c = configFor("big", "paper", 64);
    const LongitudinalModel model = buildModel(c);
    auto* big = dynamic_cast<BigModelImpl*>(model.get());
    QVERIFY(big);
    QCOMPARE(big->encoder->blockList.size(), size_t(55));  // B7 depths
    QCOMPARE(big->encoder->layerList.size(), size_t(12));  // ViT-Base
    QCOMPARE(big->encoder->spec.tokenDim, 768);
    QCOMPARE(big->encoder->spec.heads, 12);
    QCOMPARE(big->encoder->blockList.back()->spec.out, 640);  // B7 widths
    QCOMPARE(big->encoder->skipAfter.size(), size_t(4));
    QVERIFY(parameterCount(*model) > 100000000);
  }

  void initialisationIsSeededAndFollowsTheReference() {
    TrainingConfig c = configFor("reference", "tiny", 64);
    const LongitudinalModel a = buildModel(c);
    const LongitudinalModel b = buildModel(c);
    c.seed += 1;
    const LongitudinalModel other = buildModel(c);
    const auto da = orderedStateDict(*a);
    const auto db = orderedStateDict(*b);
    const auto dother = orderedStateDict(*other);
    bool anyDifferent = false;
    for (size_t i = 0; i < da.size(); ++i) {
      QVERIFY2(torch::equal(da[i].second, db[i].second), da[i].first.c_str());
      anyDifferent = anyDifferent || !torch::equal(da[i].second, dother[i].second);
    }
    QVERIFY(anyDifferent);
    auto* reference = dynamic_cast<ReferenceModelImpl*>(a.get());
    // Norms start at 1 / 0.
    QVERIFY(torch::equal(reference->decoder->stages[0]->norm1->weight,
                         torch::ones_like(reference->decoder->stages[0]->norm1->weight)));
    // Kaiming normal (fan_in, ReLU): std = sqrt(2 / fan_in).
    const torch::Tensor w = reference->encoded_bn[0]->as<ConvBlockBranch>()->conv1->weight;
    const double fanIn = static_cast<double>(w.size(1) * w.size(2) * w.size(3));
    const double sd = w.std().item<double>();
    QVERIFY2(std::fabs(sd / std::sqrt(2.0 / fanIn) - 1.0) < 0.15, qPrintable(QString::number(sd)));
    // Xavier uniform with gain 5/3 on the last convolution: |w| <= gain * sqrt(6 / (fan_in +
    // fan_out)).
    const torch::Tensor last = reference->decoder->head->weight;
    const double bound = 5.0 / 3.0 * std::sqrt(6.0 / (last.size(1) * 9 + last.size(0) * 9));
    QVERIFY(last.abs().max().item<double>() <= bound + 1e-6);
    QVERIFY(last.abs().max().item<double>() > 0.5 * bound);
  }
};

QTEST_GUILESS_MAIN(TestModels)
#include "TestModels.moc"
