// Tests the trainer end to end on small generated datasets: outputs, learning, exact resume,
// commands, the NaN guard, live edits, accumulation, atomic checkpoints and refused inputs.
#include <sys/resource.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>

#include <torch/torch.h>

#include "Error.h"
#include "TestImages.h"
#include "config/Presets.h"
#include "io/AtomicFile.h"
#include "io/NiftiIO.h"
#include "train/AccumulationPlan.h"
#include "train/CheckpointStore.h"
#include "train/RunFolder.h"
#include "train/TensorBoardReader.h"
#include "train/Trainer.h"

using namespace longmim;
namespace fs = std::filesystem;

namespace {

TrainingConfig tinyConfig(const std::string& data, const std::string& output, int epochs) {
  TrainingConfig c = presetConfig("tiny");
  c.dataDir = data;
  c.outputDir = output;
  c.epochs = epochs;
  c.numThreads = 1;  // exact comparisons need a fixed reduction order
  c.loaderThreads = 1;
  c.runName = "test";
  c.seed = 5;
  return c;
}

// Records what the trainer reports and can post commands back at chosen points.
class Recorder : public TrainerObserver {
 public:
  Trainer* trainer = nullptr;
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;
  std::vector<TrainerState> states;
  std::vector<std::string> checkpoints;
  std::vector<EditRecord> edits;
  int samples = 0;
  std::function<void(const EpochRecord&)> onEpoch;
  std::function<void(int epoch, int batch)> onBatch;

  void batchDone(int epoch, int batch, int, double) override {
    if (onBatch)
      onBatch(epoch, batch);
  }
  void stepLogged(const StepRecord& s) override { steps.push_back(s); }
  void epochFinished(const EpochRecord& e, const TrainingHistory&) override {
    epochs.push_back(e);
    if (onEpoch)
      onEpoch(e);
  }
  void samplePrediction(const SamplePrediction& s) override {
    ++samples;
    QCOMPARE(s.predicted.size(), s.groundTruth.size());
    sampleChangedPixels = 0;
    for (float v : s.groundTruth)
      sampleChangedPixels += std::fabs(v) > 0.015f ? 1 : 0;
  }
  size_t sampleChangedPixels = 0;
  void stateChanged(TrainerState s) override { states.push_back(s); }
  void checkpointSaved(const std::string& path, CheckpointKind) override {
    checkpoints.push_back(path);
  }
  void hyperparameterEdited(const EditRecord& e) override { edits.push_back(e); }
  void message(LogLevel level, const std::string& text) override {
    if (level == LogLevel::Warning)
      warnings.push_back(text);
  }
  std::vector<std::string> warnings;
};

RunResult train(const TrainingConfig& config, Recorder& recorder, const std::string& resume = {}) {
  TrainerOptions options{config, resume, true, {}};
  Trainer trainer(options, &recorder);
  recorder.trainer = &trainer;
  return trainer.run();
}

}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string data_;
  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

 private Q_SLOTS:
  void initTestCase() {
    data_ = path("toy");
    test::writeDiscDataset(data_, 12, 64, 1);
  }

  void twoEpochRunWritesEveryOutput() {
    TrainingConfig c = tinyConfig(data_, path("out"), 2);
    c.tensorboard = true;
    c.tensorboardDir = path("tb");
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    const std::string run = path("out/test");
    QCOMPARE(QString::fromStdString(r.runDir), QString::fromStdString(run));
    for (const char* file : {"longitudinal_mim_epoch_1.pt", "longitudinal_mim_epoch_2.pt",
                             "longitudinal_mim_best.pt", "training_params.json", "metrics.csv"}) {
      QVERIFY2(fs::is_regular_file(run + "/" + file), file);
    }
    const auto params = nlohmann::json::parse(readWholeFile(run + "/training_params.json"));
    QVERIFY(params.size() >= 40);
    QCOMPARE(params["status"].get<std::string>(), std::string("completed"));
    QCOMPARE(params["BATCH_SIZE"].get<int>(), 2);
    QCOMPARE(params["model_type"].get<std::string>(), std::string("big"));
    QVERIFY(params["model_parameters"].get<int64_t>() > 1000);
    QCOMPARE(params["history"]["epochs"].size(), size_t(2));
    QCOMPARE(params["train_losses"].size(), size_t(2));
    QVERIFY(params["library_versions"].contains("libtorch"));
    QCOMPARE(params["train_dataset_size"].get<int>() + params["val_dataset_size"].get<int>(), 12);
    // metrics.csv: a header, one row per logged batch, train and val rows per epoch.
    std::ifstream csv(run + "/metrics.csv");
    std::string line;
    int stepRows = 0;
    int epochRows = 0;
    std::getline(csv, line);
    QVERIFY(line.rfind("kind,epoch,batch", 0) == 0);
    QVERIFY(line.find(",val_l1_vs_zeros,val_pearson_r,val_auc") != std::string::npos);
    while (std::getline(csv, line))
      (line.rfind("step,", 0) == 0 ? stepRows : epochRows)++;
    QCOMPARE(stepRows, static_cast<int>(recorder.steps.size()));
    QCOMPARE(epochRows, 4);
    QCOMPARE(recorder.epochs.size(), size_t(2));
    QCOMPARE(recorder.samples, 2);
    QVERIFY(recorder.sampleChangedPixels > 0);  // the live sample shows change
    // Every epoch measures its validation pairs against the truth and the zero baseline.
    QVERIFY(recorder.epochs.back().valMetrics.has_value());
    QVERIFY(recorder.epochs.back().valMetrics->l1Zeros > 0.0);
    QVERIFY(params["history"]["epochs"][1]["val_metrics"].contains("pearson_r"));
    QVERIFY(params["history"]["epochs"][1]["val_metrics"].contains("l1_ratio_to_zeros"));
    // Checkpoints hold what resume needs.
    const Checkpoint ckpt = loadCheckpoint(run + "/longitudinal_mim_epoch_2.pt");
    QCOMPARE(ckpt.epoch, 2);
    QVERIFY(ckpt.kind == CheckpointKind::Epoch);
    QVERIFY(!ckpt.model.empty());
    QVERIFY(ckpt.optimizerState.front().has_value());
    QVERIFY(ckpt.rngState.defined());
    // TensorBoard: train-step, epoch and image records.
    std::vector<std::string> events;
    for (const auto& e : fs::directory_iterator(path("tb/test")))
      events.push_back(e.path().string());
    QCOMPARE(events.size(), size_t(1));
    size_t scalars = 0;
    size_t images = 0;
    for (const auto& event : readTensorBoardEvents(events[0])) {
      scalars += event.scalars.size();
      images += event.images.size();
    }
    QVERIFY(scalars > 10);
    QCOMPARE(images, size_t(8));  // four images per epoch
  }

  void lossFallsOnALearnableSet() {
    TrainingConfig c = tinyConfig(data_, path("learn"), 30);
    // The cpu-demo preset's choices (docs/learning.md): no CLAHE / sharpening, whose absence at
    // validation time the model would otherwise meet for the first time, and the all-pixel L1
    // weighted against the masked one so that unchanged pixels stay at zero.
    c.augment = false;
    c.lambdaL1All = 3.0;
    c.maxLr = 3e-3;
    c.runName = "learn";
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    const double first = recorder.epochs.front().trainTotal;
    const double last = recorder.epochs.back().trainTotal;
    QVERIFY2(last < 0.7 * first, qPrintable(QString("train loss %1 -> %2").arg(first).arg(last)));
    // Learning the change, not only a lower loss: on held-out pairs of the disc set the model
    // beats predicting zeros and its map correlates with the truth.
    const std::optional<ValidationMetrics>& m = recorder.epochs.back().valMetrics;
    QVERIFY(m.has_value());
    QCOMPARE(m->pairs, 3);
    QCOMPARE(m->changedPairs, 3);
    qInfo("tiny on discs after 30 epochs: val L1 %.3fx zeros, r %.3f, AUC %.3f",
          m->l1RatioToZeros(), m->pearson, m->auc);
    // Measured here: 0.50x zeros, r 0.92, AUC 1.00.
    QVERIFY2(m->l1RatioToZeros() < 0.8, qPrintable(QString::number(m->l1RatioToZeros())));
    QVERIFY2(m->pearson > 0.7, qPrintable(QString::number(m->pearson)));
    QVERIFY2(m->auc > 0.95, qPrintable(QString::number(m->auc)));
  }

  void resumeAfterAnEpochGivesTheSameLosses() {
    TrainingConfig c = tinyConfig(data_, path("resume_a"), 3);
    c.updateEveryBatches = 2;
    Recorder full;
    QVERIFY(train(c, full).outcome == RunOutcome::Completed);

    c.outputDir = path("resume_b");
    Recorder first;
    first.onEpoch = [&](const EpochRecord& e) {
      if (e.epoch == 1)
        first.trainer->post({TrainerCommand::Kind::StopAfterEpoch});
    };
    const RunResult stopped = train(c, first);
    QVERIFY2(stopped.outcome == RunOutcome::Stopped, stopped.message.c_str());
    QCOMPARE(stopped.epochsCompleted, 1);
    Recorder second;
    const RunResult resumed = train(c, second, path("resume_b/test/longitudinal_mim_epoch_1.pt"));
    QVERIFY2(resumed.outcome == RunOutcome::Completed, resumed.message.c_str());
    QCOMPARE(second.epochs.size(), size_t(2));
    for (size_t i = 0; i < 2; ++i) {
      const EpochRecord& a = full.epochs[i + 1];
      const EpochRecord& b = second.epochs[i];
      QCOMPARE(a.epoch, b.epoch);
      QVERIFY2(
          std::fabs(a.trainTotal - b.trainTotal) <= 1e-5 * std::fabs(a.trainTotal),
          qPrintable(
              QString("epoch %1 train %2 vs %3").arg(a.epoch).arg(a.trainTotal).arg(b.trainTotal)));
      QVERIFY2(
          std::fabs(*a.valTotal - *b.valTotal) <= 1e-5 * std::fabs(*a.valTotal),
          qPrintable(
              QString("epoch %1 val %2 vs %3").arg(a.epoch).arg(*a.valTotal).arg(*b.valTotal)));
    }
    // The resumed run continued in the same folder and its history covers all three epochs.
    QCOMPARE(resumed.history.epochs.size(), size_t(3));
    // Its logged learning rate and beta1 are those of the uninterrupted run, also on the batches
    // before its first optimizer step (they were logged as 0 there).
    std::vector<StepRecord> fullAfter;
    for (const StepRecord& s : full.steps) {
      if (s.epoch >= 2)
        fullAfter.push_back(s);
    }
    QCOMPARE(second.steps.size(), fullAfter.size());
    for (size_t i = 0; i < fullAfter.size(); ++i) {
      QVERIFY2(second.steps[i].learningRate > 0.0, qPrintable(QString("step %1").arg(i)));
      QVERIFY2(std::fabs(second.steps[i].learningRate - fullAfter[i].learningRate) <=
                   1e-9 * fullAfter[i].learningRate,
               qPrintable(QString("step %1: lr %2 vs %3")
                              .arg(i)
                              .arg(second.steps[i].learningRate)
                              .arg(fullAfter[i].learningRate)));
      QCOMPARE(second.steps[i].beta1, fullAfter[i].beta1);
    }
  }

  void aResumeOnADatasetOfAnotherSizeKeepsTheSchedule() {
    TrainingConfig c = tinyConfig(data_, path("resize"), 3);
    Recorder first;
    first.onEpoch = [&](const EpochRecord& e) {
      if (e.epoch == 1)
        first.trainer->post({TrainerCommand::Kind::StopAfterEpoch});
    };
    QVERIFY(train(c, first).outcome == RunOutcome::Stopped);
    const std::string checkpoint = path("resize/test/longitudinal_mim_epoch_1.pt");
    const auto savedSchedule = nlohmann::json::parse(loadCheckpoint(checkpoint).schedulerJson);
    const int64_t savedTotal = savedSchedule.at("total_steps").get<int64_t>();

    test::writeDiscDataset(path("toy_larger"), 24, 64, 2);  // twice the pairs
    c.dataDir = path("toy_larger");
    Recorder second;
    const RunResult resumed = train(c, second, checkpoint);
    QVERIFY2(resumed.outcome == RunOutcome::Completed, resumed.message.c_str());
    QCOMPARE(second.warnings.size(), size_t(1));
    QVERIFY2(second.warnings[0].find("the run keeps its learning-rate schedule of " +
                                     std::to_string(savedTotal) + " steps") != std::string::npos,
             second.warnings[0].c_str());
    const auto finalSchedule = nlohmann::json::parse(
        loadCheckpoint(path("resize/test/longitudinal_mim_epoch_3.pt")).schedulerJson);
    QCOMPARE(finalSchedule.at("total_steps").get<int64_t>(), savedTotal);
  }

  void interruptedMidEpochResumesExactly() {
    TrainingConfig c = tinyConfig(data_, path("int_a"), 2);
    c.updateEveryBatches = 2;
    Recorder full;
    QVERIFY(train(c, full).outcome == RunOutcome::Completed);

    c.outputDir = path("int_b");
    Recorder first;
    first.onBatch = [&](int epoch, int batch) {
      if (epoch == 2 && batch == 3)
        first.trainer->post({TrainerCommand::Kind::StopAfterStep});  // inside a group
    };
    const RunResult interrupted = train(c, first);
    QVERIFY2(interrupted.outcome == RunOutcome::Interrupted, interrupted.message.c_str());
    const std::string checkpoint = path("int_b/test/longitudinal_mim_interrupted.pt");
    QCOMPARE(QString::fromStdString(interrupted.lastCheckpoint),
             QString::fromStdString(checkpoint));
    const Checkpoint saved = loadCheckpoint(checkpoint);
    QVERIFY(saved.kind == CheckpointKind::Interrupted);
    QCOMPARE(saved.epoch, 1);
    // Where it stopped, inside an accumulation group of 2 (batches 2 and 3): batch 2 is kept,
    // with its gradient, instead of being trained again.
    QCOMPARE(saved.batchInEpoch, 3);
    QVERIFY(!saved.accumulatedGradients.empty());
    Recorder second;
    const RunResult resumed = train(c, second, checkpoint);
    QVERIFY2(resumed.outcome == RunOutcome::Completed, resumed.message.c_str());
    QCOMPARE(second.epochs.size(), size_t(1));
    QVERIFY2(
        std::fabs(*full.epochs[1].valTotal - *second.epochs[0].valTotal) <=
            1e-5 * std::fabs(*full.epochs[1].valTotal),
        qPrintable(
            QString("%1 vs %2").arg(*full.epochs[1].valTotal).arg(*second.epochs[0].valTotal)));
    // The epoch's train loss covers its batches before the interruption too (the checkpoint
    // holds the running sums), so it equals the uninterrupted run's.
    QVERIFY(!saved.epochSumsJson.empty());
    QVERIFY2(std::fabs(full.epochs[1].trainTotal - second.epochs[0].trainTotal) <=
                 1e-5 * std::fabs(full.epochs[1].trainTotal),
             qPrintable(QString("train %1 vs %2")
                            .arg(full.epochs[1].trainTotal)
                            .arg(second.epochs[0].trainTotal)));
    for (const auto& [name, value] : full.epochs[1].trainComponents) {
      const std::optional<double> resumedValue =
          findComponent(second.epochs[0].trainComponents, name);
      QVERIFY2(resumedValue && std::fabs(*resumedValue - value) <= 1e-5 * std::fabs(value) + 1e-12,
               name.c_str());
    }
  }

  void stopAtAnEpochBoundaryWritesTheInterruptedCheckpoint() {
    TrainingConfig c = tinyConfig(data_, path("int_edge"), 3);
    c.saveEveryEpochs = 5;  // no epoch checkpoint of epoch 1 to fall back on
    Recorder first;
    first.onEpoch = [&](const EpochRecord& e) {
      if (e.epoch == 1)
        first.trainer->post({TrainerCommand::Kind::StopAfterStep});  // lands at the boundary
    };
    const RunResult stopped = train(c, first);
    QVERIFY2(stopped.outcome == RunOutcome::Interrupted, stopped.message.c_str());
    const std::string checkpoint = path("int_edge/test/longitudinal_mim_interrupted.pt");
    QCOMPARE(QString::fromStdString(stopped.lastCheckpoint), QString::fromStdString(checkpoint));
    const Checkpoint saved = loadCheckpoint(checkpoint);
    QCOMPARE(saved.epoch, 1);
    QCOMPARE(saved.batchInEpoch, 0);
    Recorder second;
    const RunResult resumed = train(c, second, checkpoint);
    QVERIFY2(resumed.outcome == RunOutcome::Completed, resumed.message.c_str());
    QCOMPARE(second.epochs.size(), size_t(2));
    QCOMPARE(second.epochs.front().epoch, 2);
  }

  void pauseContinueAndEditsAreApplied() {
    TrainingConfig c = tinyConfig(data_, path("cmd"), 2);
    Recorder recorder;
    recorder.onBatch = [&](int epoch, int batch) {
      if (epoch == 1 && batch == 1) {
        recorder.trainer->post({TrainerCommand::Kind::Pause});
        recorder.trainer->post(TrainerCommand::edit("LAMBDA_L2", 2.5));
        recorder.trainer->post(TrainerCommand::edit("IMG_SIZE", 128));  // locked: refused
        recorder.trainer->post(TrainerCommand::edit("LR_MULTIPLIER", 0.5));
        recorder.trainer->post({TrainerCommand::Kind::Continue});
      }
    };
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QVERIFY(std::find(recorder.states.begin(), recorder.states.end(), TrainerState::Paused) !=
            recorder.states.end());
    QCOMPARE(recorder.edits.size(), size_t(2));
    QCOMPARE(recorder.edits[0].key, std::string("LAMBDA_L2"));
    QCOMPARE(recorder.edits[0].after, std::string("2.5"));
    QCOMPARE(recorder.edits[1].key, std::string("LR_MULTIPLIER"));
    QCOMPARE(r.history.edits.size(), size_t(2));
    // The step count kept going through the pause, and the halved learning rate shows.
    QVERIFY(recorder.steps.size() >= 4);
    const auto params = nlohmann::json::parse(readWholeFile(r.runDir + "/training_params.json"));
    QCOMPARE(params["LAMBDA_L2"].get<double>(), 2.5);
    QCOMPARE(params["history"]["edits"].size(), size_t(2));
  }

  void aFailedLiveEditLeavesTheRunAsItWas() {
    // VGG_WEIGHTS names a file of another network; turning the perceptual loss on must fail,
    // be reported as not applied, and leave the loss as it was (it used to stay on without a
    // network, and the next batch dereferenced null).
    c10::Dict<std::string, torch::Tensor> wrong;
    wrong.insert("features.0.weight", torch::zeros({8, 3, 3, 3}));
    const std::vector<char> bytes = torch::pickle_save(wrong);
    test::writeBytes(path("wrong_vgg.pth"), std::string(bytes.begin(), bytes.end()));
    TrainingConfig c = tinyConfig(data_, path("bad_edit"), 2);
    c.vggWeights = path("wrong_vgg.pth");
    Recorder recorder;
    recorder.onBatch = [&](int epoch, int batch) {
      if (epoch == 1 && batch == 1)
        recorder.trainer->post(TrainerCommand::edit("USE_PERC_STYLE", true));
    };
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QVERIFY(recorder.edits.empty());
    QCOMPARE(recorder.warnings.size(), size_t(1));
    QVERIFY2(recorder.warnings[0].find("wrong_vgg.pth") != std::string::npos &&
                 recorder.warnings[0].find("the edit was not applied") != std::string::npos,
             recorder.warnings[0].c_str());
    for (const StepRecord& s : recorder.steps) {
      QVERIFY2(!findComponent(s.components, "perceptual"), "the failed edit turned the loss on");
    }
    const auto params = nlohmann::json::parse(readWholeFile(r.runDir + "/training_params.json"));
    QCOMPARE(params["USE_PERC_STYLE"].get<bool>(), false);
  }

  void anExceptionOfAnyTypeDuringSetUpIsAFailedRun() {
    // An observer that throws a plain std::runtime_error (not a longmim::Error) from the first
    // message of the set-up (the warning about a GAN that never starts): run() must report it,
    // not throw it into the caller's thread.
    class Throwing : public TrainerObserver {
     public:
      void message(LogLevel, const std::string&) override {
        throw std::runtime_error("observer broke");
      }
    } throwing;
    TrainingConfig c = tinyConfig(data_, path("throws"), 1);
    c.useGan = true;
    c.ganStartEpoch = 3;
    Trainer trainer(TrainerOptions{c, {}, true, {}}, &throwing);
    RunResult r;
    try {
      r = trainer.run();
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("run() threw: %1").arg(e.what())));
    }
    QVERIFY(r.outcome == RunOutcome::Failed);
    QVERIFY2(r.message == "unexpected error while setting up the run: observer broke",
             r.message.c_str());
  }

  void aFolderLeftBeforeTheFirstCheckpointIsReused() {
    // What a run killed during its first epoch leaves: parameters and metrics, no checkpoint.
    const std::string dir = path("early/test");
    fs::create_directories(dir);
    test::writeBytes(dir + "/training_params.json", R"({"status": "running"})");
    test::writeBytes(dir + "/metrics.csv", "epoch,step\n1,1\n");
    test::writeBytes(dir + "/notes.txt", "mine");
    class Lines : public Recorder {
     public:
      void message(LogLevel level, const std::string& text) override {
        Recorder::message(level, text);
        lines.push_back(text);
      }
      std::vector<std::string> lines;
    } recorder;
    const RunResult r = train(tinyConfig(data_, path("early"), 1), recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QCOMPARE(r.runDir, dir);
    QVERIFY(std::find(recorder.lines.begin(), recorder.lines.end(),
                      "reusing " + dir +
                          ": the run there ended before its first checkpoint and left nothing "
                          "to resume") != recorder.lines.end());
    const auto params = nlohmann::json::parse(readWholeFile(dir + "/training_params.json"));
    QCOMPARE(params["status"].get<std::string>(), std::string("completed"));
    QVERIFY(readWholeFile(dir + "/metrics.csv").find("\n1,1\n") == std::string::npos);
    QCOMPARE(readWholeFile(dir + "/notes.txt"), std::string("mine"));  // not the run's file
    // With a checkpoint in it the folder is a run to resume, and the name stays taken.
    Recorder again;
    const RunResult refused = train(tinyConfig(data_, path("early"), 1), again);
    QVERIFY(refused.outcome == RunOutcome::Failed);
    QVERIFY2(refused.message.find("already holds a run") != std::string::npos,
             refused.message.c_str());
  }

  void theGanTrainsWithBatchesOfOne() {
    TrainingConfig c = tinyConfig(data_, path("gan"), 2);
    c.useGan = true;
    c.ganStartEpoch = 2;
    c.batchSize = 1;
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QVERIFY(recorder.warnings.empty());
    bool active = false;
    for (const StepRecord& s : recorder.steps) {
      const std::optional<double> gan = findComponent(s.components, "GAN");
      QVERIFY(gan);
      if (s.epoch == 1)
        QCOMPARE(*gan, 0.0);  // not started yet
      active = active || (s.epoch == 2 && *gan > 0.0);
    }
    QVERIFY(active);
    // The discriminator is saved with the run for a resume.
    QVERIFY(!loadCheckpoint(r.runDir + "/longitudinal_mim_epoch_2.pt").discriminator.empty());
  }

  void aGanThatNeverStartsIsWarnedAbout() {
    TrainingConfig c = tinyConfig(data_, path("gan_late"), 1);
    c.useGan = true;
    c.ganStartEpoch = 5;
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QCOMPARE(recorder.warnings.size(), size_t(1));
    QVERIFY2(recorder.warnings[0] ==
                 "USE_GAN is on but GAN_START_EPOCH 5 is after the last epoch (1): the "
                 "adversarial term will never be used",
             recorder.warnings[0].c_str());
  }

  void theBestEpochIsTheLowestFiniteScore() {
    TrainingHistory h;
    auto epoch = [](int n, double train, std::optional<double> val) {
      EpochRecord e;
      e.epoch = n;
      e.trainTotal = train;
      e.valTotal = val;
      return e;
    };
    QVERIFY(h.addEpoch(epoch(1, 0.5, 0.40)));
    QVERIFY(!h.addEpoch(epoch(2, 0.3, 0.45)));  // the validation total decides, not the train's
    QVERIFY(h.addEpoch(epoch(3, 0.6, 0.35)));
    QVERIFY(!h.addEpoch(epoch(4, 0.2, std::nan(""))));  // not finite: never the best
    QCOMPARE(h.bestEpoch, 3);
    QCOMPARE(h.bestValLoss, 0.35);
    std::vector<bool> flags;
    for (const EpochRecord& e : h.epochs)
      flags.push_back(e.best);
    QCOMPARE(flags, (std::vector<bool>{false, false, true, false}));
    // Without validation the train total is the score.
    TrainingHistory noValidation;
    QVERIFY(noValidation.addEpoch(epoch(1, 0.5, std::nullopt)));
    QVERIFY(noValidation.addEpoch(epoch(2, 0.4, std::nullopt)));
    QCOMPARE(noValidation.bestValLoss, 0.4);
    // A copy fed with the trainer's decisions ends up the same.
    TrainingHistory copy;
    for (const EpochRecord& e : h.epochs)
      copy.addEpoch(e, e.epoch <= 2 ? 1 : 3);
    QCOMPARE(copy.bestEpoch, 3);
    QCOMPARE(copy.bestValLoss, 0.35);
    for (size_t i = 0; i < h.epochs.size(); ++i)
      QCOMPARE(copy.epochs[i].best, h.epochs[i].best);
  }

  void aRatioToAnExactZerosMapIsUndefined() {
    // No validation pair changes: the zeros map is exact and "0.00x zeros" would be a lie.
    ValidationMetrics m;
    m.l1 = 0.01;
    m.l1Zeros = 0.0;
    QVERIFY(std::isnan(m.l1RatioToZeros()));
    m.l1Zeros = 0.02;
    QCOMPARE(m.l1RatioToZeros(), 0.5);
  }

  void abortWritesNothingMore() {
    TrainingConfig c = tinyConfig(data_, path("abort"), 2);
    Recorder recorder;
    recorder.onBatch = [&](int epoch, int batch) {
      if (epoch == 1 && batch == 1)
        recorder.trainer->post({TrainerCommand::Kind::Abort});
    };
    const RunResult r = train(c, recorder);
    QVERIFY(r.outcome == RunOutcome::Aborted);
    QVERIFY(recorder.checkpoints.empty());
  }

  void nanGuardKeepsTheLastGoodCheckpoint() {
    TrainingConfig c = tinyConfig(data_, path("nan"), 3);
    Recorder recorder;
    recorder.onEpoch = [&](const EpochRecord& e) {
      if (e.epoch == 1)
        recorder.trainer->post(TrainerCommand::edit("LAMBDA_L1_ALL", 1e308));
    };
    const RunResult r = train(c, recorder);
    QVERIFY(r.outcome == RunOutcome::Diverged);
    QVERIFY2(r.message.find("training diverged") != std::string::npos, r.message.c_str());
    QVERIFY2(r.message.find("epoch 2") != std::string::npos, r.message.c_str());
    QVERIFY2(r.message.find("longitudinal_mim_best.pt") != std::string::npos ||
                 r.message.find("longitudinal_mim_epoch_1.pt") != std::string::npos,
             r.message.c_str());
    const Checkpoint best = loadCheckpoint(r.runDir + "/longitudinal_mim_best.pt");
    QCOMPARE(best.epoch, 1);
    QVERIFY(std::isfinite(*best.valLoss));
    QVERIFY(!fs::exists(r.runDir + "/longitudinal_mim_epoch_2.pt"));
    const auto params = nlohmann::json::parse(readWholeFile(r.runDir + "/training_params.json"));
    QCOMPARE(params["status"].get<std::string>(), std::string("diverged"));
    QCOMPARE(params["best_epoch"].get<int>(), 1);
  }

  void accumulatedBatchesEqualOneLargeBatch() {
    // A GroupNorm-only network: k batches of size s accumulated with the plan's scaling give the
    // gradient of one batch of size k x s.
    torch::manual_seed(1);
    torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 8, 3).padding(1)),
                              torch::nn::GroupNorm(torch::nn::GroupNormOptions(4, 8)),
                              torch::nn::ReLU(),
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 1, 3).padding(1)));
    const torch::Tensor x = torch::rand({6, 1, 16, 16});
    const torch::Tensor y = torch::rand({6, 1, 16, 16});
    auto lossOf = [&](const torch::Tensor& a, const torch::Tensor& b) {
      return (net->forward(a) - b).pow(2).mean();
    };
    net->zero_grad();
    lossOf(x, y).backward();
    std::vector<torch::Tensor> whole;
    for (const auto& p : net->parameters())
      whole.push_back(p.grad().clone());
    net->zero_grad();
    const AccumulationPlan plan{3, 3};  // three batches of two, one optimizer step
    QCOMPARE(plan.stepsPerEpoch(), 1);
    for (int b = 0; b < 3; ++b) {
      (lossOf(x.slice(0, 2 * b, 2 * b + 2), y.slice(0, 2 * b, 2 * b + 2)) / plan.groupSize(b))
          .backward();
      QCOMPARE(plan.endsGroup(b), b == 2);
    }
    const auto params = net->parameters();
    for (size_t i = 0; i < params.size(); ++i)
      QVERIFY(torch::allclose(params[i].grad(), whole[i], 1e-5, 1e-6));
    // The epoch's remainder is a smaller group: 7 batches every 3 -> groups 3, 3, 1.
    const AccumulationPlan remainder{3, 7};
    QCOMPARE(remainder.stepsPerEpoch(), 3);
    QCOMPARE(remainder.groupSize(6), 1);
    QVERIFY(remainder.endsGroup(6));
    QCOMPARE(remainder.groupSize(4), 3);
  }

  // ACTIVATION_CHECKPOINTING (issue 15) in a whole run: the first batch, before any optimizer
  // step, has the plain run's loss exactly (the recomputed forward is the same computation). Later
  // batches differ by rounding amplified by AdamW: a gradient that is zero in exact arithmetic (a
  // bias before BatchNorm) is float32 noise, and AdamW's m / sqrt(v) turns noise of 1e-8 into a
  // full learning-rate step. Strict agreement of gradients is TestRecompute's (in float64).
  void activationCheckpointingTrainsAsThePlainPathDoes() {
    TrainingConfig c = tinyConfig(data_, path("plain_path"), 1);
    c.modelArch = "reference";
    Recorder plain;
    const RunResult a = train(c, plain);
    QVERIFY2(a.outcome == RunOutcome::Completed, a.message.c_str());
    c.outputDir = path("recomputed_path");
    c.activationCheckpointing = true;
    Recorder recomputed;
    const RunResult b = train(c, recomputed);
    QVERIFY2(b.outcome == RunOutcome::Completed, b.message.c_str());
    QVERIFY(!plain.steps.empty());
    QCOMPARE(recomputed.steps.size(), plain.steps.size());
    QCOMPARE(recomputed.steps[0].batch, 1);
    QCOMPARE(recomputed.steps[0].total, plain.steps[0].total);
    QCOMPARE(recomputed.epochs.size(), plain.epochs.size());
    const double trainA = plain.epochs[0].trainTotal, trainB = recomputed.epochs[0].trainTotal;
    QVERIFY2(std::fabs(trainA - trainB) <= 0.01 * std::fabs(trainA),
             qPrintable(QString("train loss %1 vs %2").arg(trainA).arg(trainB)));
    QVERIFY(std::fabs(*plain.epochs[0].valTotal - *recomputed.epochs[0].valTotal) <=
            0.01 * std::fabs(*plain.epochs[0].valTotal));
    // The setting is the run's, recorded in its checkpoints (a resumed run reads it from there).
    const auto configOf = [](const std::string& run) {
      return nlohmann::json::parse(loadCheckpoint(run + "/longitudinal_mim_epoch_1.pt").configJson);
    };
    QCOMPARE(configOf(b.runDir).at("ACTIVATION_CHECKPOINTING").get<bool>(), true);
    QCOMPARE(configOf(a.runDir).at("ACTIVATION_CHECKPOINTING").get<bool>(), false);
  }

  void aLiveEditOfTheWrongTypeIsRefusedAndNamesItsSource() {
    TrainingConfig c = tinyConfig(data_, path("typed_edit"), 1);
    Recorder recorder;
    recorder.onBatch = [&](int epoch, int batch) {
      if (epoch == 1 && batch == 1)
        recorder.trainer->post(TrainerCommand::edit("LAMBDA_L2", "lots", "the test's edit"));
    };
    const RunResult r = train(c, recorder);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    QVERIFY(recorder.edits.empty());
    QCOMPARE(recorder.warnings.size(), size_t(1));
    const std::string& warning = recorder.warnings[0];
    QVERIFY2(warning.find("the test's edit") != std::string::npos &&
                 warning.find("LAMBDA_L2") != std::string::npos &&
                 warning.find("--set") == std::string::npos &&
                 warning.find("the edit was not applied") != std::string::npos,
             warning.c_str());
    const auto params = nlohmann::json::parse(readWholeFile(r.runDir + "/training_params.json"));
    QCOMPARE(params["LAMBDA_L2"].get<double>(), c.lambdaL2);
  }

  void aCheckpointOfAnUnknownKindIsRefusedNamingTheFile() {
    TrainingConfig c = tinyConfig(data_, path("kind"), 1);
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY(r.outcome == RunOutcome::Completed);
    const std::string original = r.runDir + "/longitudinal_mim_epoch_1.pt";
    const std::string before = readWholeFile(original);
    c10::IValue root = torch::pickle_load(std::vector<char>(before.begin(), before.end()));
    root.toGenericDict().insert_or_assign(std::string("kind"), std::string("modified"));
    const std::vector<char> bytes = torch::pickle_save(root);
    const std::string edited = path("kind_modified.pt");
    test::writeBytes(edited, std::string(bytes.begin(), bytes.end()));
    bool refused = false;
    try {
      loadCheckpoint(edited);
    } catch (const DataError& e) {
      refused = true;
      const std::string message = e.what();
      QVERIFY2(message.find(edited) != std::string::npos &&
                   message.find("unknown checkpoint kind 'modified'") != std::string::npos,
               message.c_str());
    }
    QVERIFY(refused);
    QCOMPARE(readWholeFile(original), before);  // the run's own file is untouched
  }

  // Checkpoints are streamed to disk (issue 15: pickle_save's in-memory archive was 1.3 GB of
  // peak memory at the paper size); the file is byte for byte what pickle_save returns.
  void aStreamedArchiveHasThePickleSaveBytes() {
    torch::manual_seed(5);
    c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
    c10::Dict<std::string, torch::Tensor> weights;
    weights.insert("conv.weight", torch::randn({16, 8, 3, 3}));
    weights.insert("norm.bias", torch::randn({16}));
    weights.insert("big", torch::randn({300, 1000}));  // past the zip writer's 64 kB alignment
    root.insert("model_state_dict", weights);
    root.insert("epoch", int64_t(3));
    const std::string file = path("streamed.pt");
    writeArchive(root, file);
    const std::vector<char> expected = torch::pickle_save(root);
    QCOMPARE(readWholeFile(file), std::string(expected.begin(), expected.end()));
  }

  void failedCheckpointWriteLeavesThePreviousFile() {
    TrainingConfig c = tinyConfig(data_, path("atomic"), 1);
    Recorder recorder;
    const RunResult r = train(c, recorder);
    QVERIFY(r.outcome == RunOutcome::Completed);
    const std::string file = r.runDir + "/longitudinal_mim_epoch_1.pt";
    const std::string before = readWholeFile(file);
    Checkpoint checkpoint = loadCheckpoint(file);
    checkpoint.kind = CheckpointKind::Best;  // content that differs from the file's
    // Make writes larger than 1 kB fail (EFBIG) for this process while saving.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = 1024;
    setrlimit(RLIMIT_FSIZE, &small);
    bool failed = false;
    try {
      saveCheckpoint(checkpoint, file);
    } catch (const Error&) {
      failed = true;
    }
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY(failed);
    QCOMPARE(readWholeFile(file), before);
    for (const auto& e : fs::directory_iterator(r.runDir)) {
      QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
    }
  }

  // A metrics row that does not fit on the disk is not written at all: the file keeps its whole
  // rows (before the fix a failed append left half a row behind).
  void aFailedMetricsAppendLeavesWholeRows() {
    const std::string dir = path("metrics_append");
    fs::create_directories(dir);
    StepRecord step;
    step.epoch = 1;
    step.batch = 1;
    RunFolder::appendMetrics(dir, step);
    const std::string file = dir + "/metrics.csv";
    const std::string before = readWholeFile(file);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = before.size() + 10;  // room for a part of the next row only
    setrlimit(RLIMIT_FSIZE, &small);
    bool failed = false;
    try {
      step.batch = 2;
      RunFolder::appendMetrics(dir, step);
    } catch (const Error& e) {
      failed = std::string(e.what()).find(file + ": File too large") != std::string::npos;
    }
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY(failed);
    QCOMPARE(readWholeFile(file), before);
  }

  // A checkpoint written on GPUs keeps each one's generator; read back on a machine without CUDA
  // the run goes on and says the GPU draws will differ (on a GPU machine they are restored).
  void cudaRandomStatesTravelInTheCheckpoint() {
    TrainingConfig c = tinyConfig(data_, path("cuda_rng"), 2);
    c.saveEveryEpochs = 1;
    Recorder first;
    const RunResult r = train(c, first);
    QVERIFY2(r.outcome == RunOutcome::Completed, r.message.c_str());
    const std::string file = r.runDir + "/longitudinal_mim_epoch_1.pt";
    Checkpoint checkpoint = loadCheckpoint(file);
    if (!torch::cuda::is_available())
      QVERIFY(checkpoint.cudaRngStates.empty());
    checkpoint.cudaRngStates = {torch::arange(0, 16, torch::kUInt8),
                                torch::arange(16, 48, torch::kUInt8)};
    saveCheckpoint(checkpoint, file);
    const Checkpoint back = loadCheckpoint(file);
    QCOMPARE(back.cudaRngStates.size(), size_t(2));
    QVERIFY(torch::equal(back.cudaRngStates[0], checkpoint.cudaRngStates[0]));
    QVERIFY(torch::equal(back.cudaRngStates[1], checkpoint.cudaRngStates[1]));

    Recorder second;
    const RunResult resumed = train(c, second, file);
    QVERIFY2(resumed.outcome == RunOutcome::Completed, resumed.message.c_str());
    if (torch::cuda::is_available())
      return;
    bool said = false;
    for (const std::string& w : second.warnings)
      said = said || w.find(
                         "holds the CUDA random state of 2 GPU(s) and this machine has 0; it "
                         "is not used") != std::string::npos;
    QVERIFY(said);
  }

  void badInputsFailBeforeAnyRunFolder_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("failure");
    QTest::newRow("missing data") << "missing"
                                  << "folder not found" << int(FailureKind::Data);
    QTest::newRow("no valid case") << "novalid"
                                   << "no valid case found" << int(FailureKind::Data);
    QTest::newRow("unwritable output") << "unwritable"
                                       << "cannot create the run folder" << int(FailureKind::Other);
    QTest::newRow("corrupt checkpoint")
        << "corrupt"
        << "corrupt or truncated checkpoint" << int(FailureKind::Data);
    QTest::newRow("truncated checkpoint")
        << "truncated"
        << "corrupt or truncated checkpoint" << int(FailureKind::Data);
    QTest::newRow("state dict, not a checkpoint")
        << "statedict"
        << "a PyTorch state dict (1 tensor, saved with torch.save), not a checkpoint of this "
           "program"
        << int(FailureKind::Data);
    QTest::newRow("other architecture")
        << "otherarch"
        << "was trained with another configuration (MODEL_ARCH \"big\" -> \"reference\")"
        << int(FailureKind::Configuration);
    QTest::newRow("out-of-range value") << "range"
                                        << "BATCH_SIZE must be" << int(FailureKind::Configuration);
    QTest::newRow("perceptual without weights") << "vgg"
                                                << "VGG_WEIGHTS" << int(FailureKind::Configuration);
    QTest::newRow("perceptual weights that do not exist")
        << "vggmissing"
        << "VGG_WEIGHTS " + QString::fromStdString(path("absent_vgg.pth")) + " does not exist"
        << int(FailureKind::Configuration);
  }
  void badInputsFailBeforeAnyRunFolder() {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QFETCH(int, failure);
    const std::string out = path("bad_" + kind.toStdString());
    TrainingConfig c = tinyConfig(data_, out, 1);
    std::string resume;
    if (kind == "missing")
      c.dataDir = path("no_such_folder");
    if (kind == "novalid") {
      fs::create_directories(path("empty_case/c1"));
      test::writeBytes(path("empty_case/c1/prior.nii.gz"), "x");
      c.dataDir = path("empty_case");
    }
    if (kind == "unwritable") {
      test::writeBytes(path("a_file"), "x");
      c.outputDir = path("a_file/out");
    }
    if (kind == "corrupt" || kind == "truncated" || kind == "statedict" || kind == "otherarch") {
      // A real checkpoint of the tiny big model to start from.
      TrainingConfig source = tinyConfig(data_, path("ckpt_source"), 1);
      Recorder recorder;
      static RunResult made = train(source, recorder);
      const std::string good = made.runDir + "/longitudinal_mim_epoch_1.pt";
      resume = path(kind.toStdString() + ".pt");
      const std::string bytes = readWholeFile(good);
      if (kind == "corrupt")
        test::writeBytes(resume, std::string(bytes.size(), 'x'));
      if (kind == "truncated")
        test::writeBytes(resume, bytes.substr(0, bytes.size() / 2));
      if (kind == "statedict") {
        c10::Dict<std::string, torch::Tensor> dict;
        dict.insert("w", torch::zeros({2}));
        const std::vector<char> raw = torch::pickle_save(dict);
        test::writeBytes(resume, std::string(raw.begin(), raw.end()));
      }
      if (kind == "otherarch") {
        resume = good;
        c.modelArch = "reference";
      }
    }
    if (kind == "range")
      c.batchSize = 0;
    if (kind == "vgg")
      c.usePercStyle = true;
    if (kind == "vggmissing") {
      c.usePercStyle = true;
      c.vggWeights = path("absent_vgg.pth");
    }
    Recorder recorder;
    TrainerOptions options{c, resume, kind != "otherarch", {}};
    Trainer trainer(options, &recorder);
    const RunResult r = trainer.run();
    QVERIFY(r.outcome == RunOutcome::Failed);
    QVERIFY2(r.message.find(expected.toStdString()) != std::string::npos, r.message.c_str());
    QCOMPARE(int(r.failure), failure);
    QVERIFY2(!fs::exists(out), "a run folder was created");
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "TestTrainer.moc"
