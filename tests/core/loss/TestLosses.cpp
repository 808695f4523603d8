// Tests every loss term against an independent computation, and the composer's toggles and lambdas.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include <torch/torch.h>

#include "Error.h"
#include "PythonProbe.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/Presets.h"
#include "loss/FourierLoss.h"
#include "loss/LossComposer.h"
#include "loss/LossTerms.h"
#include "loss/PerceptualStyleLoss.h"
#include "loss/Ssim.h"
#include "model/ModelFactory.h"

using namespace longmim;
using longmim::test::pythonHas;
using namespace longmim::loss;

namespace {

// SSIM by the formula with explicit loops over every valid window position (double precision).
double directSsim(const torch::Tensor& xt, const torch::Tensor& yt, double range) {
  const auto x = xt.to(torch::kDouble).squeeze();
  const auto y = yt.to(torch::kDouble).squeeze();
  const int h = static_cast<int>(x.size(0));
  const int w = static_cast<int>(x.size(1));
  const int win = 11;
  double g[win];
  double gs = 0.0;
  for (int i = 0; i < win; ++i) {
    g[i] = std::exp(-(i - 5.0) * (i - 5.0) / (2 * 1.5 * 1.5));
    gs += g[i];
  }
  const auto xa = x.accessor<double, 2>();
  const auto ya = y.accessor<double, 2>();
  const double c1 = std::pow(0.01 * range, 2);
  const double c2 = std::pow(0.03 * range, 2);
  double total = 0.0;
  int count = 0;
  for (int r = 0; r + win <= h; ++r) {
    for (int c = 0; c + win <= w; ++c) {
      double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
      for (int i = 0; i < win; ++i) {
        for (int j = 0; j < win; ++j) {
          const double k = g[i] * g[j] / (gs * gs);
          const double a = xa[r + i][c + j];
          const double b = ya[r + i][c + j];
          mx += k * a;
          my += k * b;
          xx += k * a * a;
          yy += k * b * b;
          xy += k * a * b;
        }
      }
      const double vx = xx - mx * mx;
      const double vy = yy - my * my;
      const double cov = xy - mx * my;
      total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      ++count;
    }
  }
  return total / count;
}

TrainingConfig onlyTerms(std::initializer_list<const char*> terms) {
  TrainingConfig c = presetConfig("tiny");
  c.useL1 = c.useL2 = c.useSsim = c.usePercStyle = c.useFourier = c.useGan = false;
  for (const std::string t : terms) {
    if (t == "L1")
      c.useL1 = true;
    if (t == "L2")
      c.useL2 = true;
    if (t == "SSIM")
      c.useSsim = true;
    if (t == "Fourier")
      c.useFourier = true;
    if (t == "GAN")
      c.useGan = true;
  }
  return c;
}

}  // namespace

class TestLosses : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() { torch::manual_seed(3); }

  void pixelLossesByHand() {
    const torch::Tensor p = torch::tensor({0.5f, -0.2f, 0.0f, 0.1f}).view({1, 1, 2, 2});
    const torch::Tensor t = torch::tensor({0.3f, 0.0f, 0.01f, -0.4f}).view({1, 1, 2, 2});
    TrainingConfig c = onlyTerms({"L1", "L2"});
    LossComposer composer(c);
    const LossResult r = composer.compute(p, t, 1);
    const double l1 = (0.2 + 0.2 + 0.01 + 0.5) / 4;
    const double l2 = (0.04 + 0.04 + 0.0001 + 0.25) / 4;
    const double masked = (0.2 + 0.5) / 2;  // only |t| > 0.015: the 0.3 and -0.4 pixels
    QVERIFY(std::fabs(*r.component("L1") - l1) < 1e-6);
    QVERIFY(std::fabs(*r.component("L2") - l2) < 1e-6);
    QVERIFY(std::fabs(*r.component("L1_masked") - masked) < 1e-6);
    QVERIFY(std::fabs(r.totalValue() - (l1 + masked + l2)) < 1e-6);
  }

  void maskedL1WithEmptyAndFullMasks() {
    const torch::Tensor p = torch::rand({2, 1, 8, 8}, torch::requires_grad());
    const torch::Tensor zero = torch::zeros({2, 1, 8, 8});
    const torch::Tensor empty = maskedL1(p, zero, 0.015);
    QCOMPARE(empty.item<double>(), 0.0);
    empty.backward();
    QVERIFY(p.grad().defined());
    QCOMPARE(p.grad().abs().sum().item<double>(), 0.0);
    const torch::Tensor t = torch::full({2, 1, 8, 8}, 0.5);
    const double full = maskedL1(p.detach(), t, 0.015).item<double>();
    QVERIFY(std::fabs(full - torch::abs(p.detach() - t).mean().item<double>()) < 1e-6);
  }

  void ssimMatchesTheFormula() {
    const torch::Tensor x = torch::rand({1, 1, 20, 24}) * 2 - 1;
    const torch::Tensor y = (x + 0.3 * torch::randn({1, 1, 20, 24})).clamp(-1, 1);
    const double ours = ssim(x, y).item<double>();
    QVERIFY2(std::fabs(ours - directSsim(x, y, 2.0)) < 1e-5, qPrintable(QString::number(ours)));
    QVERIFY(std::fabs(ssim(x, x).item<double>() - 1.0) < 1e-5);
  }

  void ssimMatchesSkimageWhenPresent() {
    if (!pythonHas("skimage"))
      QSKIP("python3-skimage is not installed");
    const torch::Tensor x = torch::rand({1, 1, 32, 32}) * 2 - 1;
    const torch::Tensor y = (x * 0.7 + 0.2 * torch::randn({1, 1, 32, 32})).clamp(-1, 1);
    QStringList xs;
    QStringList ys;
    for (int i = 0; i < 32 * 32; ++i) {
      xs << QString::number(x.flatten()[i].item<double>(), 'g', 17);
      ys << QString::number(y.flatten()[i].item<double>(), 'g', 17);
    }
    QProcess python;
    python.start("/usr/bin/python3",
                 {"-c",
                  "import sys, numpy as np\n"
                  "from skimage.metrics import structural_similarity as s\n"
                  "x = np.array([float(v) for v in sys.argv[1].split(',')]).reshape(32, 32)\n"
                  "y = np.array([float(v) for v in sys.argv[2].split(',')]).reshape(32, 32)\n"
                  "print(s(x, y, data_range=2.0, gaussian_weights=True, sigma=1.5, "
                  "use_sample_covariance=False,"
                  " win_size=11))\n",
                  xs.join(","), ys.join(",")});
    QVERIFY(python.waitForFinished(120000));
    const double skimage = QString(python.readAllStandardOutput()).trimmed().toDouble();
    const double ours = ssim(x, y).item<double>();
    QVERIFY2(std::fabs(ours - skimage) < 1e-4,
             qPrintable(QString("ours %1, skimage %2").arg(ours).arg(skimage)));
  }

  void msSsimIsOneForIdenticalAndBelowForDifferent() {
    const torch::Tensor x = torch::rand({2, 1, 128, 128});
    QVERIFY(torch::allclose(msSsim(x, x), torch::ones({2}), 1e-5, 1e-5));
    const torch::Tensor y = (x + 0.2 * torch::randn_like(x)).clamp(0, 1);
    const torch::Tensor v = msSsim(x, y);
    QVERIFY((v < 0.999).all().item<bool>());
    QVERIFY((v > 0.0).all().item<bool>());
  }

  void fourierByHand() {
    // 2 x 2 input: rfft2 gives [[a+b+c+d, a-b+c-d], [a+b-c-d, a-b-c+d]]; rolling by (1, 1) swaps
    // both axes.
    const float a = 1, b = 2, c = 4, d = 8;
    const torch::Tensor x = torch::tensor({a, b, c, d}).view({1, 1, 2, 2});
    const torch::Tensor s = logAmplitudeSpectrum(x);
    auto L = [](float v) { return static_cast<float>(std::log(std::fabs(v) + 1e-6)); };
    const float expected[2][2] = {{L(a - b - c + d), L(a + b - c - d)},
                                  {L(a - b + c - d), L(a + b + c + d)}};
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j)
        QVERIFY(std::fabs(s[0][0][i][j].item<float>() - expected[i][j]) < 1e-4f);
    }
    const torch::Tensor y = torch::tensor({a, b, c, 0.0f}).view({1, 1, 2, 2});
    const torch::Tensor sy = logAmplitudeSpectrum(y);
    QVERIFY(std::fabs(fourierLoss(x, y).item<float>() - torch::abs(s - sy).mean().item<float>()) <
            1e-6f);
  }

  void perceptualAndStyleWithAKnownNetwork() {
    // A randomly initialised VGG19-BN saved with torchvision's key names, then the terms computed
    // independently with plain torch operations on the same weights.
    torch::manual_seed(11);
    Vgg19BnFeatures vgg;
    for (auto& b : vgg->named_buffers()) {
      if (b.key().find("running_var") != std::string::npos)
        b.value().uniform_(0.5, 1.5);
      if (b.key().find("running_mean") != std::string::npos)
        b.value().uniform_(-0.1, 0.1);
    }
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [key, tensor] : model::orderedStateDict(*vgg))
      dict.insert(key, tensor);
    dict.insert("classifier.0.weight", torch::zeros({4, 4}));  // ignored
    const std::vector<char> bytes = torch::pickle_save(dict);
    const std::string path = dir_.filePath("vgg.pth").toStdString();
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    PerceptualStyleLoss loss(path);

    const torch::Tensor p = torch::rand({1, 1, 32, 32}) * 2 - 1;
    const torch::Tensor t = torch::rand({1, 1, 32, 32}) * 2 - 1;
    const PerceptualStyleValue v = loss(p, t);

    // Independent forward: conv -> batch norm (eval) -> ReLU, max pooling at the 'M' positions.
    auto run = [&](const torch::Tensor& x) {
      namespace F = torch::nn::functional;
      torch::Tensor h = F::interpolate(
          (x.expand({1, 3, 32, 32}) -
           torch::tensor({0.485, 0.456, 0.406}).view({1, 3, 1, 1}).to(torch::kFloat)) /
              torch::tensor({0.229, 0.224, 0.225}).view({1, 3, 1, 1}).to(torch::kFloat),
          F::InterpolateFuncOptions()
              .size(std::vector<int64_t>{224, 224})
              .mode(torch::kBilinear)
              .align_corners(false));
      std::vector<torch::Tensor> outs;
      const int layout[] = {64,  64, -1,  128, 128, -1,  256, 256, 256,
                            256, -1, 512, 512, 512, 512, -1,  512};
      int index = 0;
      for (const int ch : layout) {
        if (ch < 0) {
          h = torch::max_pool2d(h, 2, 2);
          index += 1;
        } else {
          const std::string conv = "features." + std::to_string(index) + ".";
          const std::string bn = "features." + std::to_string(index + 1) + ".";
          h = torch::conv2d(h, dict.at(conv + "weight"), dict.at(conv + "bias"), 1, 1);
          h = (h - dict.at(bn + "running_mean").view({1, -1, 1, 1})) /
                  torch::sqrt(dict.at(bn + "running_var").view({1, -1, 1, 1}) + 1e-5) *
                  dict.at(bn + "weight").view({1, -1, 1, 1}) +
              dict.at(bn + "bias").view({1, -1, 1, 1});
          h = torch::relu(h);
          index += 3;
        }
        if (index == 3 || index == 10 || index == 17 || index == 30 || index == 43)
          outs.push_back(h);
      }
      return outs;
    };
    torch::NoGradGuard noGrad;
    const auto fp = run(p);
    const auto ft = run(t);
    const double perceptual = ((fp[2] - ft[2]).abs().mean().item<double>() +
                               (fp[3] - ft[3]).abs().mean().item<double>()) /
                              2;
    double style = 0.0;
    for (int s : {2, 3, 4}) {
      const auto gp = torch::bmm(fp[s].flatten(2), fp[s].flatten(2).transpose(1, 2));
      const auto gt = torch::bmm(ft[s].flatten(2), ft[s].flatten(2).transpose(1, 2));
      style += (gp - gt).abs().mean().item<double>();
    }
    style /= 3;
    QVERIFY2(std::fabs(v.perceptual.item<double>() / perceptual - 1.0) < 1e-4,
             qPrintable(QString("%1 vs %2").arg(v.perceptual.item<double>()).arg(perceptual)));
    QVERIFY2(std::fabs(v.style.item<double>() / style - 1.0) < 1e-4,
             qPrintable(QString("%1 vs %2").arg(v.style.item<double>()).arg(style)));
    // Frozen: no parameter asks for gradients.
    for (const auto& param : loss.network()->parameters())
      QVERIFY(!param.requires_grad());
  }

  void perceptualWithoutOrWithWrongWeightsIsAClearError() {
    TrainingConfig c = onlyTerms({});
    c.usePercStyle = true;
    c.vggWeights = "";
    try {
      LossComposer composer(c);
      QFAIL("no error");
    } catch (const ConfigError& e) {
      QCOMPARE(QString::fromStdString(e.key()), QString("VGG_WEIGHTS"));
      QVERIFY(std::string(e.what()).find("vgg19_bn") != std::string::npos);
    }
    c.vggWeights = dir_.filePath("missing.pth").toStdString();
    try {
      LossComposer composer(c);
      QFAIL("no error");
    } catch (const Error& e) {
      QVERIFY2(
          std::string(e.what()).find("missing.pth: weight file not found") != std::string::npos,
          e.what());
    }
    // A file of the wrong network: strict loading names what is missing.
    c10::Dict<std::string, torch::Tensor> wrong;
    wrong.insert("features.0.weight", torch::zeros({8, 3, 3, 3}));
    const std::vector<char> bytes = torch::pickle_save(wrong);
    const std::string path = dir_.filePath("wrong.pth").toStdString();
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    c.vggWeights = path;
    try {
      LossComposer composer(c);
      QFAIL("no error");
    } catch (const Error& e) {
      const std::string m = e.what();
      QVERIFY2(m.find("wrong.pth does not match") != std::string::npos, e.what());
      QVERIFY2(
          m.find("features.0.weight: file [8, 3, 3, 3], model [64, 3, 3, 3]") != std::string::npos,
          e.what());
    }
    // The same file in an update: the composer stays exactly as it was and still computes.
    TrainingConfig plain = onlyTerms({"L1"});
    plain.vggWeights = path;
    LossComposer composer(plain);
    TrainingConfig withPerceptual = plain;
    withPerceptual.usePercStyle = true;
    QVERIFY_THROWS_EXCEPTION(Error, composer.updateConfig(withPerceptual));
    QVERIFY(!composer.config().usePercStyle);
    const torch::Tensor p = torch::zeros({1, 1, 32, 32});
    const LossResult result = composer.compute(p, p + 0.5, 1);
    QCOMPARE(result.components.size(), size_t(2));  // L1 and L1_masked, no perceptual
  }

  void totalIsTheSumOfEnabledWeightedTerms() {
    const torch::Tensor p = torch::rand({2, 1, 64, 64}) * 2 - 1;
    const torch::Tensor t = torch::rand({2, 1, 64, 64}) * 2 - 1;
    TrainingConfig c = onlyTerms({"L1", "L2", "SSIM", "Fourier"});
    c.lambdaL1All = 0.7;
    c.lambdaL1Masked = 0.3;
    c.lambdaL2 = 2.0;
    c.lambdaSsim = 1.5;
    c.lambdaFourier = 0.05;
    LossComposer composer(c);
    const LossResult r = composer.compute(p, t, 1);
    double expected = 0.0;
    for (const LossComponent& comp : r.components)
      expected += comp.lambda * comp.value;
    QCOMPARE(r.components.size(), size_t(5));
    QVERIFY(std::fabs(r.totalValue() - expected) < 1e-5);
    QVERIFY(std::fabs(*r.component("SSIM") - (1.0 - ssim(p, t).mean().item<double>())) < 1e-6);
    QVERIFY(std::fabs(*r.component("Fourier") - fourierLoss(p, t).item<double>()) < 1e-6);
    // Switching a term off (as a live edit would) removes it from the total and the report.
    c.useL2 = false;
    composer.updateConfig(c);
    const LossResult without = composer.compute(p, t, 1);
    QVERIFY(!without.component("L2"));
    QVERIFY(std::fabs(r.totalValue() - without.totalValue() - 2.0 * *r.component("L2")) < 1e-5);
    QCOMPARE(LossComposer::enabledTerms(c),
             (std::vector<std::string>{"L1", "L1_masked", "SSIM", "Fourier"}));
  }

  void theComposerReportsTheTableOfTerms() {
    // Each toggle on its own (the perceptual pair needs VGG weights: tested above): the composer
    // reports the table's terms, in its order, each with its own lambda.
    const torch::Tensor p = torch::rand({2, 1, 64, 64}) * 2 - 1;
    const torch::Tensor t = torch::rand({2, 1, 64, 64}) * 2 - 1;
    for (const LossToggle& toggle : lossToggles()) {
      if (std::string(toggle.toggle) == "USE_PERC_STYLE")
        continue;
      std::vector<std::string> names;
      for (const LossTerm& term : toggle.terms)
        names.emplace_back(term.name);
      TrainingConfig c = onlyTerms({});
      setConfigValue(c, *findConfigField(toggle.toggle), true, "test");
      double weight = 0.25;
      for (const LossTerm& term : toggle.terms) {
        setConfigValue(c, *findConfigField(term.lambda), weight, "test");
        weight += 0.5;
      }
      QCOMPARE(enabledLossTerms(c), names);
      LossComposer composer(c);
      const LossResult r = composer.compute(p, t, 1000);
      QCOMPARE(r.components.size(), toggle.terms.size());
      for (size_t i = 0; i < toggle.terms.size(); ++i) {
        QCOMPARE(r.components[i].name, std::string(toggle.terms[i].name));
        QCOMPARE(r.components[i].lambda,
                 configValue(c, *findConfigField(toggle.terms[i].lambda)).get<double>());
      }
    }
    QCOMPARE(allLossTerms(), (std::vector<std::string>{"L1", "L1_masked", "L2", "SSIM",
                                                       "perceptual", "style", "Fourier", "GAN"}));
  }

  void ganTermStartsAtItsEpochAndTheDiscriminatorLearns() {
    TrainingConfig c = onlyTerms({"GAN"});
    c.ganStartEpoch = 3;
    c.lambdaGan = 0.5;
    LossComposer composer(c);
    QVERIFY(composer.discriminator() != nullptr);
    const torch::Tensor fake = torch::zeros({4, 1, 64, 64});
    const torch::Tensor real = torch::rand({4, 1, 64, 64}) * 2 - 1;
    QCOMPARE(*composer.compute(fake, real, 2).component("GAN"), 0.0);
    QCOMPARE(composer.compute(fake, real, 2).totalValue(), 0.0);
    const LossResult active = composer.compute(fake, real, 3);
    QVERIFY(*active.component("GAN") > 0.0);
    QVERIFY(std::fabs(active.totalValue() - 0.5 * *active.component("GAN")) < 1e-6);
    // A few discriminator steps separate real from fake: its loss falls.
    const double first = composer.discriminatorStep(real, fake);
    double last = first;
    for (int i = 0; i < 30; ++i)
      last = composer.discriminatorStep(real, fake);
    QVERIFY2(last < first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
  }

  void theReferenceDiscriminatorTakesABatchOfOneAndValidationLeavesItsStatistics() {
    TrainingConfig c = onlyTerms({"GAN"});
    c.modelSize = "paper";  // the reference discriminator, with its BatchNorm1d
    c.imgSize = 64;
    c.ganStartEpoch = 1;
    LossComposer composer(c);
    const torch::Tensor fake = torch::zeros({1, 1, 64, 64});
    const torch::Tensor real = torch::rand({1, 1, 64, 64}) * 2 - 1;
    // One sample (the README's advice for the paper preset on a CPU): both steps work.
    const LossResult training = composer.compute(fake, real, 1);
    QVERIFY(std::isfinite(*training.component("GAN")));
    QVERIFY(std::isfinite(composer.discriminatorStep(real, fake)));
    // Validation runs it in eval mode: its running statistics do not move.
    std::vector<torch::Tensor> before;
    for (const auto& b : composer.discriminator()->buffers())
      before.push_back(b.clone());
    {
      torch::NoGradGuard noGrad;
      composer.compute(torch::rand({3, 1, 64, 64}), real.expand({3, 1, 64, 64}), 1, false);
    }
    const std::vector<torch::Tensor> after = composer.discriminator()->buffers();
    QCOMPARE(after.size(), before.size());
    QVERIFY(!before.empty());
    for (size_t i = 0; i < before.size(); ++i)
      QVERIFY(torch::equal(before[i], after[i]));
  }

  void referenceDiscriminatorAtPaperSize() {
    // Its flatten size follows the image: 2 x (S / 16)^2 inputs to the first linear layer.
    const Discriminator d = makeDiscriminator("paper", 64);
    d->eval();
    const torch::Tensor logits = d->forward(torch::rand({2, 1, 64, 64}));
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2}));
  }
};

QTEST_GUILESS_MAIN(TestLosses)
#include "TestLosses.moc"
