// Data-parallel training is exact where PyTorch's DDP is: SYNC_BATCHNORM against one BatchNorm over
// the whole batch, the gradient buckets (overlapped with the backward pass) against the mean of the
// workers' gradients, and whole runs -- 2 workers x batch 2 against 1 process x batch 4 on the same
// pairs in the same order, with and without accumulation, and resumed. Two ranks are two threads of
// this process, each with its own TCPStore client and Gloo group.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "GroupOnThreads.h"
#include "config/Presets.h"
#include "dist/Distributed.h"
#include "dist/FreePort.h"
#include "dist/GradientReducer.h"
#include "model/ModelFactory.h"
#include "model/SyncBatchNorm.h"
#include "synth/DatasetSynthesizer.h"
#include "train/CheckpointStore.h"
#include "train/Trainer.h"
#include "train/TrainerObserver.h"

using namespace longmim;

namespace {

dist::WorldSpec worldOf(int rank, int size, int port) {
  return test::loopbackWorld(rank, size, port);
}

void onTwoRanks(const std::function<void(dist::ProcessGroup&)>& body) {
  test::onEveryRank(2, body);
}

double relativeDifference(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = std::max(a.to(torch::kDouble).norm().item<double>(), 1e-12);
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).norm().item<double>() / scale;
}

// Weights from a formula: the two ranks (threads) share torch's random generator.
void fillLinear(torch::nn::Linear& layer, double phase) {
  torch::NoGradGuard noGrad;
  for (torch::Tensor p : layer->parameters()) {
    const torch::Tensor k = torch::arange(p.numel(), torch::kFloat).reshape(p.sizes());
    p.copy_(torch::sin(k * 0.37 + phase) * (1.0 / std::sqrt(static_cast<double>(p.size(-1)))));
  }
}

struct TwoLayers {
  torch::nn::Linear first{512, 1024};
  torch::nn::Linear second{1024, 1};
  torch::nn::Linear unused{4, 4};
  TwoLayers() {
    fillLinear(first, 0.1);
    fillLinear(second, 0.7);
    fillLinear(unused, 1.3);
  }
  torch::Tensor loss(float value) {
    return second(torch::relu(first(torch::full({2, 512}, value)))).sum();
  }
};

struct Quiet : TrainerObserver {};

RunResult runOne(const TrainingConfig& config) {
  Quiet quiet;
  TrainerOptions options{config, {}, true, {}};
  return Trainer(options, &quiet).run();
}

std::vector<RunResult> runTwo(const TrainingConfig& config, const std::string& resume = {}) {
  const int port = dist::freeLoopbackPort();
  Quiet quiet[2];
  std::vector<std::unique_ptr<Trainer>> trainers;
  for (int rank = 0; rank < 2; ++rank)
    trainers.push_back(std::make_unique<Trainer>(
        TrainerOptions{config, resume, true, worldOf(rank, 2, port)}, &quiet[rank]));
  std::vector<RunResult> results(2);
  std::thread rank1([&] { results[1] = trainers[1]->run(); });
  results[0] = trainers[0]->run();
  rank1.join();
  return results;
}

}  // namespace

class TestDataParallelExactness : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  TrainingConfig baseConfig(const std::string& name) const {
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = dir_.filePath("data").toStdString();
    config.outputDir = dir_.filePath("runs").toStdString();
    config.runName = name;
    config.epochs = 2;
    config.valFraction = 0.2;  // 32 training pairs: 8 batches of 4 per epoch
    // Nothing draws from the random generator the two trainers of this process share (two worker
    // processes would not), and on one thread each no sum's order depends on the other.
    config.augment = false;
    config.dropout = 0.0;
    config.numThreads = 1;
    // Terms that are means over all of a batch's pixels add up across workers exactly; the masked
    // L1 (a mean over a batch's changed pixels) would not, and is not used by the reference.
    config.lambdaL1Masked = 0.0;
    return config;
  }

  std::string checkpointOf(const std::string& run, int epoch) const {
    return dir_
        .filePath(QString::fromStdString(run + "/longitudinal_mim_epoch_" + std::to_string(epoch) +
                                         ".pt"))
        .toStdString();
  }

  // How far apart the two checkpoints' parameters are (all of them as one vector, relative to
  // the first); the most different single tensor is printed. (The BatchNorm running statistics
  // are buffers, not parameters: a running mean near zero of the deepest block, normalised over
  // 2 x 2 pixels, differs in relative terms by the rounding of every step's mean.)
  double modelDifference(const std::string& a, const std::string& b) {
    const Checkpoint one = loadCheckpoint(a);
    const Checkpoint two = loadCheckpoint(b);
    TrainingConfig config = presetConfig("tiny");
    std::set<std::string> parameters;
    for (const auto& p : model::buildModel(config)->named_parameters())
      parameters.insert(p.key());
    if (one.model.size() != two.model.size())
      return INFINITY;
    double difference = 0.0;
    double norm = 0.0;
    double worst = 0.0;
    std::string where;
    for (size_t i = 0; i < one.model.size(); ++i) {
      if (one.model[i].first != two.model[i].first || !parameters.count(one.model[i].first))
        continue;
      const torch::Tensor x = one.model[i].second.to(torch::kDouble);
      const torch::Tensor y = two.model[i].second.to(torch::kDouble);
      difference += (x - y).pow(2).sum().item<double>();
      norm += x.pow(2).sum().item<double>();
      const double d = relativeDifference(x, y);
      if (d > worst) {
        worst = d;
        where = one.model[i].first;
      }
    }
    const double relative = std::sqrt(difference / norm);
    qInfo("models %.3g relative apart; the most different tensor %.3g (%s)", relative, worst,
          where.c_str());
    return relative;
  }

  // The 1 x 4 run (3 epochs) the 2-worker runs are compared with, trained once.
  TrainingConfig oneProcessRun(int accumulate) {
    TrainingConfig one = baseConfig("one_" + std::to_string(accumulate));
    one.batchSize = 4;
    one.updateEveryBatches = accumulate;
    if (!std::filesystem::exists(checkpointOf("runs/" + one.runName, one.epochs))) {
      const RunResult r = runOne(one);
      if (r.outcome != RunOutcome::Completed)
        qFatal("the 1 x 4 run failed: %s", r.message.c_str());
    }
    return one;
  }

  void compareModels(const std::string& a, const std::string& b, double tolerance) {
    const double relative = modelDifference(a, b);
    QVERIFY2(relative <= tolerance, qPrintable(QString::number(relative)));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    synth::SynthJob job;
    job.outputDir = dir_.filePath("data").toStdString();
    job.count = 40;
    job.seed = 17;
    job.options.size = 64;
    job.options.minChangedFraction = 0.01;
    synth::DatasetSynthesizer(job).run();
  }

  // SyncBatchNorm's forward and backward on two halves against BatchNorm2d on the whole batch.
  void syncBatchNormIsBatchNormOverTheWholeBatch() {
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({4, 3, 5, 6}) * 2.0 + 0.5;
    const torch::Tensor weights = torch::randn({4, 3, 5, 6});
    auto makeNorm = [] {
      torch::nn::BatchNorm2d norm(torch::nn::BatchNormOptions(3).eps(1e-5).momentum(0.08));
      torch::NoGradGuard noGrad;
      norm->weight.copy_(torch::tensor({1.5f, -0.5f, 2.0f}));
      norm->bias.copy_(torch::tensor({0.1f, 0.2f, -0.3f}));
      return norm;
    };
    torch::nn::BatchNorm2d whole = makeNorm();
    const torch::Tensor xWhole = x.clone().requires_grad_(true);
    (whole(xWhole) * weights).sum().backward();

    torch::Tensor inputGrad[2], weightGrad[2], biasGrad[2], runningMean[2], runningVar[2];
    onTwoRanks([&](dist::ProcessGroup& group) {
      const int r = group.rank();
      torch::nn::BatchNorm2d norm = makeNorm();
      const torch::Tensor half = x.narrow(0, 2 * r, 2).clone().requires_grad_(true);
      {
        model::BatchStatisticsSync sync(
            [&](torch::Tensor& t) { group.sumInPlace(t, "BatchNorm statistics"); });
        (model::batchNorm(*norm, half) * weights.narrow(0, 2 * r, 2)).sum().backward();
      }
      inputGrad[r] = half.grad();
      weightGrad[r] = norm->weight.grad();
      biasGrad[r] = norm->bias.grad();
      runningMean[r] = norm->running_mean.clone();
      runningVar[r] = norm->running_var.clone();
    });
    qInfo("input gradient %.3g, weight gradient %.3g, running var %.3g",
          relativeDifference(xWhole.grad(), torch::cat({inputGrad[0], inputGrad[1]})),
          relativeDifference(whole->weight.grad(), weightGrad[0] + weightGrad[1]),
          relativeDifference(whole->running_var, runningVar[0]));
    QVERIFY(relativeDifference(xWhole.grad(), torch::cat({inputGrad[0], inputGrad[1]})) < 1e-5);
    // Each worker's share of the parameters' gradients; their sum is the whole batch's.
    QVERIFY(relativeDifference(whole->weight.grad(), weightGrad[0] + weightGrad[1]) < 1e-5);
    QVERIFY(relativeDifference(whole->bias.grad(), biasGrad[0] + biasGrad[1]) < 1e-5);
    for (int r = 0; r < 2; ++r) {
      QVERIFY(relativeDifference(whole->running_mean, runningMean[r]) < 1e-6);
      QVERIFY(relativeDifference(whole->running_var, runningVar[r]) < 1e-6);
    }
    // Without a sync alive it is BatchNorm2d itself.
    torch::nn::BatchNorm2d plain = makeNorm();
    torch::nn::BatchNorm2d reference = makeNorm();
    QVERIFY(torch::equal(model::batchNorm(*plain, x), reference(x)));
  }

  // The buckets give each gradient the workers' mean, start during the backward pass, skip the
  // backward passes that do not step (no_sync), and take an unused parameter as zeros.
  void gradientBucketsAverageDuringTheBackwardPass() {
    torch::Tensor grads[2][3];
    int64_t early[2] = {0, 0};
    onTwoRanks([&](dist::ProcessGroup& group) {
      const int r = group.rank();
      TwoLayers net;
      // The unused layer first, so that its bucket is the last (buckets go in reverse order).
      std::vector<torch::Tensor> params{net.unused->weight};
      for (const torch::Tensor& p : net.first->parameters())
        params.push_back(p);
      for (const torch::Tensor& p : net.second->parameters())
        params.push_back(p);
      dist::GradientReducer reducer(group, params);
      net.loss(1.0f * (r + 1)).backward();  // accumulated, not synchronised
      reducer.arm();
      net.loss(0.5f * (r + 1)).backward();
      early[r] = reducer.bucketsStartedDuringBackward();
      reducer.finish();
      grads[r][0] = net.first->weight.grad().clone();
      grads[r][1] = net.second->weight.grad().clone();
      grads[r][2] = net.unused->weight.grad().clone();
    });
    // The expected mean, computed in one place without any group.
    TwoLayers net;
    for (int r = 0; r < 2; ++r) {
      net.loss(1.0f * (r + 1)).backward();
      net.loss(0.5f * (r + 1)).backward();
    }
    for (int r = 0; r < 2; ++r) {
      QVERIFY(relativeDifference(net.first->weight.grad() / 2.0, grads[r][0]) < 1e-6);
      QVERIFY(relativeDifference(net.second->weight.grad() / 2.0, grads[r][1]) < 1e-6);
      QVERIFY(torch::equal(grads[r][2], torch::zeros({4, 4})));
      // 2 MB of weights: the 1 MB first bucket (the last layers) goes before the pass ends.
      QVERIFY2(early[r] >= 1, qPrintable(QString::number(early[r])));
    }
  }

  // One training step of the tiny model: the gradients of 2 workers x 2 pairs (SyncBatchNorm,
  // buckets) are those of 1 process x 4 pairs; with each worker's own BatchNorm they are not.
  void oneStepGivesTheWholeBatchGradients_data() {
    QTest::addColumn<bool>("sync");
    QTest::newRow("SYNC_BATCHNORM") << true;
    QTest::newRow("own BatchNorm") << false;
  }

  void oneStepGivesTheWholeBatchGradients() {
    QFETCH(bool, sync);
    TrainingConfig config = presetConfig("tiny");
    config.dropout = 0.0;
    // Built here, one after the other (the seeded initialisation draws from the shared
    // generator), then moved off the zero head so that every layer has a gradient.
    std::vector<model::LongitudinalModel> models;
    for (int i = 0; i < 3; ++i) {
      models.push_back(model::buildModel(config));
      models.back()->train();
      torch::NoGradGuard noGrad;
      for (torch::Tensor p : models.back()->parameters()) {
        const torch::Tensor k = torch::arange(p.numel(), torch::kFloat).reshape(p.sizes());
        p.add_(torch::sin(k * 0.61) * 0.02);
      }
    }
    torch::manual_seed(11);
    const torch::Tensor baseline = torch::rand({4, 1, 64, 64});
    const torch::Tensor followup = (baseline + 0.05 * torch::randn({4, 1, 64, 64})).clamp(0, 1);
    const torch::Tensor target = 0.1 * torch::randn({4, 1, 64, 64});
    auto loss = [](const torch::Tensor& prediction, const torch::Tensor& truth) {
      return (prediction - truth).abs().mean() + 20.0 * (prediction - truth).pow(2).mean();
    };
    loss(models[2]->forward(baseline, followup), target).backward();
    onTwoRanks([&](dist::ProcessGroup& group) {
      const int r = group.rank();
      model::LongitudinalModel& m = models[static_cast<size_t>(r)];
      dist::GradientReducer reducer(group, m->parameters());
      std::optional<model::BatchStatisticsSync> statistics;
      if (sync)
        statistics.emplace([&](torch::Tensor& t) { group.sumInPlace(t, "statistics"); });
      reducer.arm();
      loss(m->forward(baseline.narrow(0, 2 * r, 2), followup.narrow(0, 2 * r, 2)),
           target.narrow(0, 2 * r, 2))
          .backward();
      reducer.finish();
    });
    const std::vector<torch::Tensor> whole = models[2]->parameters();
    for (size_t r = 0; r < 2; ++r) {
      const std::vector<torch::Tensor> worker = models[r]->parameters();
      double difference = 0.0, norm = 0.0;
      for (size_t i = 0; i < whole.size(); ++i) {
        const torch::Tensor a = whole[i].grad().to(torch::kDouble);
        const torch::Tensor b = worker[i].grad().to(torch::kDouble);
        difference += (a - b).pow(2).sum().item<double>();
        norm += a.pow(2).sum().item<double>();
      }
      const double relative = std::sqrt(difference / norm);
      qInfo("worker %zu: gradients %.3g relative from the whole batch's", r, relative);
      if (sync)
        QVERIFY2(relative <= 1e-5, qPrintable(QString::number(relative)));
      else
        QVERIFY2(relative > 1e-3, qPrintable(QString::number(relative)));  // the test can fail
    }
  }

  // The 1 x 4 run's epoch-1 checkpoint, as a 2 x 2 run of `name` would have written it (same
  // weights, AdamW moments and schedule; BATCH_SIZE 2, SYNC_BATCHNORM as asked), in its own folder.
  std::string asTwoWorkerCheckpoint(const std::string& one, const std::string& name, bool sync) {
    const std::filesystem::path runs = dir_.filePath("runs").toStdString();
    std::filesystem::create_directories(runs / name);
    Checkpoint c = loadCheckpoint(checkpointOf("runs/" + one, 1));
    nlohmann::json config = nlohmann::json::parse(c.configJson);
    config["BATCH_SIZE"] = 2;
    config["SYNC_BATCHNORM"] = sync;
    config["RUN_NAME"] = name;
    c.configJson = config.dump();
    const std::string path = checkpointOf("runs/" + name, 1);
    saveCheckpoint(c, path);
    return path;
  }

  // 1 process x batch 4 against 2 workers x batch 2 over the same pairs in the same order, both
  // continuing from the same state (the 1 x 4 run's end of epoch 1, AdamW's moments included)
  // for an epoch (8 optimizer steps, or 4 accumulating 2 batches). From a fresh optimizer the
  // comparison is ill-conditioned: AdamW's first steps move every weight by about the learning rate
  // in its gradient's sign, and where a gradient is zero up to rounding (BatchNorm cancels whole
  // directions) the sign is the rounding's.
  void twoWorkersTrainAsOneProcessWithTheWholeBatch_data() {
    QTest::addColumn<int>("accumulate");
    QTest::newRow("batch 2 x 2 workers") << 1;
    QTest::newRow("accumulating 2 batches") << 2;
  }

  void twoWorkersTrainAsOneProcessWithTheWholeBatch() {
    QFETCH(int, accumulate);
    const std::string tag = std::to_string(accumulate);
    const TrainingConfig one = oneProcessRun(accumulate);
    const Checkpoint single = loadCheckpoint(checkpointOf("runs/" + one.runName, one.epochs));

    TrainingConfig two = one;
    two.runName = "two_" + tag;
    two.batchSize = 2;
    two.syncBatchNorm = true;
    const std::vector<RunResult> workers =
        runTwo(two, asTwoWorkerCheckpoint(one.runName, two.runName, true));
    QVERIFY2(workers[0].outcome == RunOutcome::Completed, workers[0].message.c_str());
    QVERIFY2(workers[1].outcome == RunOutcome::Completed, workers[1].message.c_str());
    const double a = single.trainLoss;
    const double b = workers[0].history.epochs.back().trainTotal;
    qInfo("train loss of the last epoch: 1 x 4 %.9g, 2 x 2 %.9g", a, b);
    QVERIFY(std::fabs(a - b) <= 1e-5 * a);
    compareModels(checkpointOf("runs/one_" + tag, one.epochs),
                  checkpointOf("runs/two_" + tag, two.epochs), 1e-5);
  }

  // With each worker's own BatchNorm statistics (DDP's default) the runs are close, not equal.
  void perWorkerBatchNormStaysClose() {
    const TrainingConfig one = oneProcessRun(1);
    TrainingConfig two = one;
    two.runName = "own_bn";
    two.batchSize = 2;
    const std::vector<RunResult> workers =
        runTwo(two, asTwoWorkerCheckpoint(one.runName, two.runName, false));
    QVERIFY2(workers[0].outcome == RunOutcome::Completed, workers[0].message.c_str());
    const Checkpoint single = loadCheckpoint(checkpointOf("runs/one_1", one.epochs));
    const double a = *single.valLoss;
    const double b = *workers[0].history.epochs.back().valTotal;
    qInfo("validation loss: 1 x 4 %.6g, 2 x 2 with their own BatchNorm %.6g", a, b);
    QVERIFY2(std::fabs(a - b) <= 0.05 * a, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
    const double relative = modelDifference(checkpointOf("runs/one_1", one.epochs),
                                            checkpointOf("runs/own_bn", two.epochs));
    QVERIFY2(relative > 1e-4, qPrintable(QString::number(relative)));  // the exact test can fail
  }
};

QTEST_GUILESS_MAIN(TestDataParallelExactness)
#include "TestDataParallelExactness.moc"
