// The process group (core/dist) on loopback: two ranks as two threads of this process, each with
// its own c10d TCPStore client and Gloo group, as two worker processes would have.
#include <QtTest/QtTest>

#include <unistd.h>

#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "Error.h"
#include "ErrorOf.h"
#include "GroupOnThreads.h"
#include "config/Presets.h"
#include "dist/Distributed.h"
#include "dist/FreePort.h"
#include "synth/DatasetSynthesizer.h"
#include "train/Trainer.h"

using namespace longmim;

namespace {

int freePort() {
  return longmim::dist::freeLoopbackPort();
}

dist::WorldSpec worldOf(int rank, int size, int port) {
  return test::loopbackWorld(rank, size, port);
}

using test::onEveryRank;

}  // namespace

// Records what a worker's trainer reports; rank 0's also pauses, edits and continues.
struct WorkerRecorder : TrainerObserver {
  std::function<void(int, int)> onBatch;
  std::atomic<bool> sawPause{false};
  std::vector<EditRecord> edits;
  void batchDone(int epoch, int batch, int, double) override {
    if (onBatch)
      onBatch(epoch, batch);
  }
  void stateChanged(TrainerState state) override {
    if (state == TrainerState::Paused)
      sawPause = true;
  }
  void hyperparameterEdited(const EditRecord& e) override { edits.push_back(e); }
};

// Runs the two workers of one run as two trainers of this process; rank 0's recorder may post.
std::vector<RunResult> runTwoWorkers(const TrainingConfig& config, const std::string& resume,
                                     std::vector<std::unique_ptr<Trainer>>& trainers,
                                     std::vector<std::unique_ptr<WorkerRecorder>>& recorders,
                                     int timeoutSeconds = 60) {
  const int port = freePort();
  trainers.clear();
  if (recorders.size() < 2) {
    recorders.clear();
    for (int rank = 0; rank < 2; ++rank)
      recorders.push_back(std::make_unique<WorkerRecorder>());
  }
  for (int rank = 0; rank < 2; ++rank) {
    TrainerOptions options{config, resume, true, worldOf(rank, 2, port)};
    options.world.timeoutSeconds = timeoutSeconds;
    trainers.push_back(std::make_unique<Trainer>(options, recorders[rank].get()));
  }
  std::vector<RunResult> results(2);
  std::thread rank1([&] { results[1] = trainers[1]->run(); });
  results[0] = trainers[0]->run();
  rank1.join();
  return results;
}

class TestDistributed : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    synth::SynthJob job;
    job.outputDir = dir_.filePath("data").toStdString();
    job.count = 8;
    job.seed = 9;
    job.options.size = 64;
    synth::DatasetSynthesizer(job).run();
  }

  // torch.utils.data.DistributedSampler(shuffle=False) on 10 indices, 3 replicas, gives
  // [0,3,6,9], [1,4,7,0], [2,5,8,1]: padded with the order's start, every 3rd from the rank.
  void shardsAsDistributedSampler() {
    std::vector<size_t> order{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    QCOMPARE(dist::shardOf(order, 0, 3), (std::vector<size_t>{0, 3, 6, 9}));
    QCOMPARE(dist::shardOf(order, 1, 3), (std::vector<size_t>{1, 4, 7, 0}));
    QCOMPARE(dist::shardOf(order, 2, 3), (std::vector<size_t>{2, 5, 8, 1}));
    QCOMPARE(dist::shardOf(order, 0, 1), order);
    // Unpadded (validation): every index on exactly one rank.
    QCOMPARE(dist::shardOf(order, 0, 3, false), (std::vector<size_t>{0, 3, 6, 9}));
    QCOMPARE(dist::shardOf(order, 1, 3, false), (std::vector<size_t>{1, 4, 7}));
    QCOMPARE(dist::shardOf(order, 2, 3, false), (std::vector<size_t>{2, 5, 8}));
    // Each rank's batch b of size B, taken together, is batch b of size B x ranks of the whole.
    const std::vector<size_t> shuffled{7, 2, 9, 4, 0, 1};
    QCOMPARE(dist::shardOf(shuffled, 0, 2), (std::vector<size_t>{7, 9, 0}));
    QCOMPARE(dist::shardOf(shuffled, 1, 2), (std::vector<size_t>{2, 4, 1}));
  }

  void worldFromTheEnvironment() {
    qputenv("WORLD_SIZE", "4");
    qputenv("RANK", "2");
    qputenv("MASTER_ADDR", "127.0.0.1");
    qputenv("MASTER_PORT", "29611");
    qunsetenv("LOCAL_RANK");
    dist::WorldSpec w = dist::worldFromEnvironment();
    QCOMPARE(w.worldSize, 4);
    QCOMPARE(w.rank, 2);
    QCOMPARE(w.localRank, 2);
    QCOMPARE(w.masterPort, 29611);
    qputenv("RANK", "4");
    const std::string message = test::errorOf([] { dist::worldFromEnvironment(); });
    QVERIFY2(message.find("RANK must be a whole number from 0 to 3 (got '4')") != std::string::npos,
             message.c_str());
    for (const char* name : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT"})
      qunsetenv(name);
    QCOMPARE(dist::worldFromEnvironment().worldSize, 1);
  }

  void broadcastsAveragesAndSums() {
    onEveryRank(2, [](dist::ProcessGroup& group) {
      const double r = group.rank();
      // Parameters: every rank ends with rank 0's values.
      std::vector<at::Tensor> params{torch::full({3, 2}, r + 1.0), torch::full({5}, 10.0 * r)};
      group.broadcastFromMain(params);
      if (!params[0].equal(torch::full({3, 2}, 1.0)) || !params[1].equal(torch::zeros({5})))
        throw std::runtime_error("broadcast did not give rank 0's values");
      // Gradients: the mean over the ranks (rank 1 has none for the second: zeros).
      at::Tensor a = torch::zeros({4}).requires_grad_(true);
      at::Tensor b = torch::zeros({2}).requires_grad_(true);
      a.mutable_grad() = torch::full({4}, r == 0 ? 2.0 : 4.0);
      if (r == 0)
        b.mutable_grad() = torch::full({2}, 6.0);
      group.averageGradients({a, b});
      if (!a.grad().allclose(torch::full({4}, 3.0)) || !b.grad().allclose(torch::full({2}, 3.0)))
        throw std::runtime_error("gradients are not the mean over the ranks");
      const std::vector<double> s = group.sum({r, 1.5});
      if (s != std::vector<double>{1.0, 3.0})
        throw std::runtime_error("sum is wrong");
      const std::string text = group.broadcastText(r == 0 ? "{\"pause\":true}" : "ignored");
      if (text != "{\"pause\":true}")
        throw std::runtime_error("text from rank 0 not received: " + text);
      if (!group.broadcastText("").empty())
        throw std::runtime_error("empty text");
      group.barrier();
    });
  }

  // A worker whose peers never come fails with a message naming it and the address, after the
  // timeout (set to 2 s here), instead of waiting for ever.
  void aMissingPeerIsReported() {
    dist::WorldSpec w = worldOf(0, 2, freePort());
    w.timeoutSeconds = 2;
    const std::string message = test::errorOf([&] { dist::ProcessGroup group(w); });
    QVERIFY2(
        message.find("worker 0 of 2: cannot join the group at 127.0.0.1:") != std::string::npos,
        message.c_str());
  }

  // Two trainers as the two workers of one run: rank 0's pause holds both for longer than the
  // group's timeout (2 s here) without ending the run, and its live edit reaches rank 1 at the
  // same batch.
  void pauseAndLiveEditsReachEveryWorker() {
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = dir_.filePath("data").toStdString();
    config.outputDir = dir_.filePath("runs").toStdString();
    config.epochs = 2;
    const int port = freePort();
    std::vector<std::unique_ptr<Trainer>> trainers;
    std::vector<std::unique_ptr<WorkerRecorder>> recorders;
    for (int rank = 0; rank < 2; ++rank) {
      TrainerOptions options{config, {}, true, worldOf(rank, 2, port)};
      options.world.timeoutSeconds = 2;
      recorders.push_back(std::make_unique<WorkerRecorder>());
      trainers.push_back(std::make_unique<Trainer>(options, recorders.back().get()));
    }
    std::thread continuer;
    recorders[0]->onBatch = [&](int epoch, int batch) {
      if (epoch != 1 || batch != 1)
        return;
      trainers[0]->post({TrainerCommand::Kind::Pause});
      trainers[0]->post(TrainerCommand::edit("LAMBDA_L2", 2.5));
      continuer = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::seconds(4));  // twice the group's timeout
        trainers[0]->post({TrainerCommand::Kind::Continue});
      });
    };
    std::vector<RunResult> results(2);
    std::thread rank1([&] { results[1] = trainers[1]->run(); });
    results[0] = trainers[0]->run();
    rank1.join();
    continuer.join();
    QVERIFY2(results[0].outcome == RunOutcome::Completed, results[0].message.c_str());
    QVERIFY2(results[1].outcome == RunOutcome::Completed, results[1].message.c_str());
    QVERIFY(recorders[0]->sawPause);
    QVERIFY(recorders[1]->sawPause);
    QCOMPARE(recorders[1]->edits.size(), size_t(1));
    QCOMPARE(recorders[1]->edits[0].key, std::string("LAMBDA_L2"));
    QCOMPARE(recorders[1]->edits[0].optimizerStep, recorders[0]->edits.at(0).optimizerStep);
    QVERIFY(results[1].runDir.empty());  // rank 0 alone writes the run folder
  }

  // Stopped inside an epoch and inside an accumulation group, the two workers' checkpoint (the
  // group's loss sums, its averaged partial gradients) resumes to the losses of the uninterrupted
  // run; one process is refused that checkpoint, whose position counts two workers' shards.
  void interruptedMidEpochResumesOnTheSameWorkers() {
    TrainingConfig config = presetConfig("tiny");
    config.dataDir = dir_.filePath("data").toStdString();
    config.outputDir = dir_.filePath("runs").toStdString();
    config.epochs = 2;
    config.updateEveryBatches = 2;
    // The two trainers share this process's random generator and OpenMP pool (two worker
    // processes would not): without dropout and augmentation nothing draws from the generator, and
    // on one thread each no team's size (hence no sum's order) depends on the other.
    config.augment = false;
    config.dropout = 0.0;
    config.numThreads = 1;
    std::vector<std::unique_ptr<Trainer>> trainers;
    std::vector<std::unique_ptr<WorkerRecorder>> recorders;
    config.runName = "cut";
    for (int rank = 0; rank < 2; ++rank)
      recorders.push_back(std::make_unique<WorkerRecorder>());
    recorders[0]->onBatch = [&](int epoch, int batch) {
      if (epoch == 2 && batch == 1)
        trainers[0]->post({TrainerCommand::Kind::StopAfterStep});
    };
    const std::vector<RunResult> cut = runTwoWorkers(config, {}, trainers, recorders);
    QVERIFY2(cut[0].outcome == RunOutcome::Interrupted, cut[0].message.c_str());
    QVERIFY2(cut[1].outcome == RunOutcome::Interrupted, cut[1].message.c_str());
    // Both continuations start from saved states (the two trainers of this process draw their
    // initial weights from one shared generator, so two fresh runs would not start alike): the
    // end of epoch 1, run through epoch 2 uninterrupted, against the stop inside epoch 2.
    const std::filesystem::path runs(config.outputDir);
    std::filesystem::copy(runs / "cut", runs / "cut_copy",
                          std::filesystem::copy_options::recursive);
    const std::string checkpoint = (runs / "cut_copy" / "longitudinal_mim_interrupted.pt").string();
    QVERIFY(std::filesystem::exists(checkpoint));
    recorders.clear();
    const std::vector<RunResult> whole = runTwoWorkers(
        config, (runs / "cut" / "longitudinal_mim_epoch_1.pt").string(), trainers, recorders);
    QVERIFY2(whole[0].outcome == RunOutcome::Completed, whole[0].message.c_str());

    TrainerOptions single{config, checkpoint, true, {}};
    WorkerRecorder quiet;
    const RunResult refused = Trainer(single, &quiet).run();
    QVERIFY(refused.outcome == RunOutcome::Failed);
    QVERIFY2(refused.message.find("was written inside epoch 2 by 2 worker processes; resume it "
                                  "with 2 (--nproc 2)") != std::string::npos,
             refused.message.c_str());

    recorders.clear();
    const std::vector<RunResult> resumed = runTwoWorkers(config, checkpoint, trainers, recorders);
    QVERIFY2(resumed[0].outcome == RunOutcome::Completed, resumed[0].message.c_str());
    const EpochRecord& a = whole[0].history.epochs.back();
    const EpochRecord& b = resumed[0].history.epochs.back();
    QVERIFY2(
        std::fabs(a.trainTotal - b.trainTotal) <= 1e-7 * std::fabs(a.trainTotal),
        qPrintable(
            QString("train %1 vs %2").arg(a.trainTotal, 0, 'g', 10).arg(b.trainTotal, 0, 'g', 10)));
    QVERIFY2(
        std::fabs(*a.valTotal - *b.valTotal) <= 1e-7 * std::fabs(*a.valTotal),
        qPrintable(
            QString("val %1 vs %2").arg(*a.valTotal, 0, 'g', 10).arg(*b.valTotal, 0, 'g', 10)));
  }

  void ncclIsRefusedClearly() {
    dist::WorldSpec w = worldOf(0, 2, freePort());
    w.backend = "nccl";
    const std::string message = test::errorOf([&] { dist::ProcessGroup group(w); });
    QVERIFY2(message.find("NCCL backend needs a LibTorch built with CUDA") != std::string::npos,
             message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "TestDistributed.moc"
