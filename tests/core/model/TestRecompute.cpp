// ACTIVATION_CHECKPOINTING (core/model/Recompute): a recomputed segment gives the plain path's
// outputs, gradients, BatchNorm statistics and random state, for both architectures; it runs
// again in the backward pass; without gradient recording it is the plain call.
#include <QtTest>

#include <torch/torch.h>

#include "config/Presets.h"
#include "model/ModelBlocks.h"
#include "model/ModelFactory.h"
#include "model/Recompute.h"

using namespace longmim;
using namespace longmim::model;

namespace {

TrainingConfig tinyModel(const std::string& arch, bool recompute) {
  TrainingConfig c = presetConfig("tiny");
  c.modelArch = arch;
  c.imgSize = 64;
  c.dropout = 0.3;  // dropout and drop path draw random numbers in the recomputed segments
  c.activationCheckpointing = recompute;
  c.seed = 3;
  return c;
}

struct Pass {
  torch::Tensor output;
  std::vector<torch::Tensor> gradients;
  std::vector<torch::Tensor> buffers;
  torch::Tensor randomStateAfter;
};

// Two training steps' forward + backward (the second sees the first's BatchNorm statistics).
Pass trainingPass(const TrainingConfig& config) {
  // In float64: the two paths run the same operations, but a weight used twice (the shared
  // encoder) may sum its two contributions in another order; in float32 that rounding is 1e-7 of
  // the largest gradient, here 1e-16, so the comparison can be strict.
  LongitudinalModel model = buildModel(config);
  model->to(torch::kDouble);
  model->train();
  torch::manual_seed(11);
  const auto options = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor baseline = torch::rand({2, 1, 64, 64}, options);
  const torch::Tensor followup = torch::rand({2, 1, 64, 64}, options);
  const torch::Tensor target = torch::rand({2, 1, 64, 64}, options) - 0.5;
  Pass pass;
  for (int step = 0; step < 2; ++step) {
    model->zero_grad();
    pass.output = model->forward(baseline, followup);
    ((pass.output - target).abs().mean() + (pass.output - target).pow(2).mean()).backward();
  }
  for (const torch::Tensor& p : model->parameters())
    pass.gradients.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
  for (const torch::Tensor& b : model->buffers())
    pass.buffers.push_back(b.clone());
  pass.randomStateAfter = at::detail::getDefaultCPUGenerator().get_state();
  return pass;
}

}  // namespace

class TestRecompute : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(1); }  // one reduction order for exact comparisons

  void eachArchitectureLearnsAsThePlainPathDoes_data() {
    QTest::addColumn<QString>("arch");
    QTest::newRow("reference") << "reference";
    QTest::newRow("big") << "big";
  }

  void eachArchitectureLearnsAsThePlainPathDoes() {
    QFETCH(QString, arch);
    const Pass plain = trainingPass(tinyModel(arch.toStdString(), false));
    const Pass recomputed = trainingPass(tinyModel(arch.toStdString(), true));
    QVERIFY(torch::equal(plain.output, recomputed.output));
    QCOMPARE(recomputed.gradients.size(), plain.gradients.size());
    size_t withGradient = 0;
    double largest = 0.0;  // of every gradient: a gradient that is zero in exact arithmetic (a
    for (const torch::Tensor& g : plain.gradients)  // bias before BatchNorm) is rounding noise
      if (g.defined())
        largest = std::max(largest, g.abs().max().item<double>());
    for (size_t i = 0; i < plain.gradients.size(); ++i) {
      QCOMPARE(recomputed.gradients[i].defined(), plain.gradients[i].defined());
      if (!plain.gradients[i].defined())
        continue;
      ++withGradient;
      const double difference =
          (plain.gradients[i] - recomputed.gradients[i]).abs().max().item<double>();
      const double scale = plain.gradients[i].abs().max().item<double>();
      QVERIFY2(difference <= 1e-12 * largest,
               qPrintable(QString("parameter %1: gradients differ by %2 (largest %3)")
                              .arg(i)
                              .arg(difference)
                              .arg(scale)));
    }
    QVERIFY(withGradient > plain.gradients.size() / 2);
    // BatchNorm's running statistics moved once per forward pass, not once more per recompute.
    QCOMPARE(recomputed.buffers.size(), plain.buffers.size());
    for (size_t i = 0; i < plain.buffers.size(); ++i)
      QVERIFY2(torch::equal(plain.buffers[i], recomputed.buffers[i]),
               qPrintable(QString::number(i)));
    // Later random draws (the loader's augmentation, the next batch's dropout) are unchanged.
    QVERIFY(torch::equal(plain.randomStateAfter, recomputed.randomStateAfter));
  }

  // The tiny presets have no residual blocks; the paper sizes do. A residual MBConv block (with
  // dropout and BatchNorm) applied twice, as the shared encoder is to baseline and follow-up.
  void aResidualBlockUsedTwiceLearnsAsThePlainPathDoes() {
    const auto pass = [](bool withRecompute) {
      torch::manual_seed(4);
      MBConvBlock block(MBConvSpec{8, 8, 1, 4, 3, true, 0.25});
      block->to(torch::kDouble);
      block->train();
      const auto options = torch::TensorOptions().dtype(torch::kDouble);
      const torch::Tensor a = torch::rand({2, 8, 16, 16}, options);
      const torch::Tensor b = torch::rand({2, 8, 16, 16}, options);
      std::vector<torch::Tensor> result;
      for (int step = 0; step < 2; ++step) {
        block->zero_grad();
        const torch::Tensor ya = withRecompute ? recompute(block, a) : block(a);
        const torch::Tensor yb = withRecompute ? recompute(block, b) : block(b);
        (ya - yb).pow(2).mean().backward();
        result.push_back(ya.detach());
      }
      for (const torch::Tensor& p : block->parameters())
        result.push_back(p.grad().clone());
      for (const torch::Tensor& buffer : block->buffers())
        result.push_back(buffer.clone().to(torch::kDouble));
      return result;
    };
    const std::vector<torch::Tensor> plain = pass(false), recomputed = pass(true);
    QCOMPARE(recomputed.size(), plain.size());
    for (size_t i = 0; i < plain.size(); ++i)
      QVERIFY2(torch::allclose(plain[i], recomputed[i], 1e-10, 1e-12),
               qPrintable(QString::number(i)));
  }

  void aSegmentRunsAgainInTheBackwardPass() {
    torch::manual_seed(2);
    torch::nn::Linear layer(4, 3);
    int runs = 0;
    const SegmentRun run = [&](const std::vector<torch::Tensor>& in) {
      ++runs;
      return torch::tanh(layer(in[0])) * in[1];
    };
    const torch::Tensor x = torch::rand({5, 4}, torch::requires_grad());
    const torch::Tensor y = torch::rand({5, 3});  // an input without gradient
    const torch::Tensor out = recompute(*layer, run, {x, y});
    QCOMPARE(runs, 1);
    QVERIFY(out.requires_grad());
    out.sum().backward();
    QCOMPARE(runs, 2);
    const torch::Tensor gradX = x.grad().clone();
    const torch::Tensor gradW = layer->weight.grad().clone();
    x.mutable_grad().zero_();
    layer->weight.mutable_grad().zero_();
    run({x, y}).sum().backward();
    QVERIFY(torch::allclose(x.grad(), gradX, 1e-6, 1e-7));
    QVERIFY(torch::allclose(layer->weight.grad(), gradW, 1e-6, 1e-7));
    QVERIFY(!y.grad().defined());
  }

  void withoutGradientsItIsThePlainCall() {
    torch::nn::Linear layer(4, 3);
    int runs = 0;
    const SegmentRun run = [&](const std::vector<torch::Tensor>& in) {
      ++runs;
      return layer(in[0]);
    };
    torch::NoGradGuard noGrad;
    const torch::Tensor out = recompute(*layer, run, {torch::rand({2, 4})});
    QCOMPARE(runs, 1);
    QVERIFY(!out.requires_grad());
  }
};

QTEST_GUILESS_MAIN(TestRecompute)
#include "TestRecompute.moc"
