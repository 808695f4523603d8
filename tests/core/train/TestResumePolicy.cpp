// Tests of the one resume policy that the command line, the studio and the trainer share: the
// run's settings come from the checkpoint, the machine's from whoever resumes it, and a locked
// key that differs is refused with every difference named.
#include <QtTest>

#include "ErrorOf.h"
#include "config/Presets.h"
#include "train/ResumePolicy.h"

using namespace longmim;
using namespace longmim::test;

class TestResumePolicy : public QObject {
  Q_OBJECT

 private:
  static TrainingConfig saved() {
    TrainingConfig c = presetConfig("tiny");
    c.dataDir = "/data/then";
    c.outputDir = "/runs/then";
    c.numThreads = 1;
    c.device = "cpu";
    c.tensorboard = false;
    c.loaderThreads = 1;
    c.lambdaL1All = 2.5;
    return c;
  }

 private Q_SLOTS:
  void theMachinesKeysComeFromTheCaller() {
    TrainingConfig caller = presetConfig("paper");  // another run entirely
    caller.dataDir = "/data/now";
    caller.outputDir = "/runs/now";
    caller.numThreads = 7;
    caller.device = "auto";
    caller.tensorboard = true;
    caller.tensorboardDir = "/tb";
    caller.loaderThreads = 3;
    caller.prefetchBatches = 5;
    caller.cacheImages = !saved().cacheImages;
    caller.logEveryBatches = 9;
    const TrainingConfig merged = resumedConfig(saved(), caller);
    QCOMPARE(merged.dataDir, std::string("/data/now"));
    QCOMPARE(merged.outputDir, std::string("/runs/now"));
    QCOMPARE(merged.numThreads, 7);
    QCOMPARE(merged.device, std::string("auto"));
    QVERIFY(merged.tensorboard);
    QCOMPARE(merged.tensorboardDir, std::string("/tb"));
    QCOMPARE(merged.loaderThreads, 3);
    QCOMPARE(merged.prefetchBatches, 5);
    QCOMPARE(merged.cacheImages, caller.cacheImages);
    QCOMPARE(merged.logEveryBatches, 9);
    // The run itself stays the checkpoint's: model, size, schedule and its losses.
    QCOMPARE(merged.modelSize, saved().modelSize);
    QCOMPARE(merged.imgSize, saved().imgSize);
    QCOMPARE(merged.batchSize, saved().batchSize);
    QCOMPARE(merged.epochs, saved().epochs);
    QCOMPARE(merged.maxLr, saved().maxLr);
    QCOMPARE(merged.lambdaL1All, 2.5);
  }

  void anEmptyFolderKeepsTheCheckpoints() {
    TrainingConfig caller = saved();
    caller.dataDir.clear();
    caller.outputDir.clear();
    caller.numThreads = 4;
    const TrainingConfig merged = resumedConfig(saved(), caller);
    QCOMPARE(merged.dataDir, std::string("/data/then"));
    QCOMPARE(merged.outputDir, std::string("/runs/then"));
    QCOMPARE(merged.numThreads, 4);
  }

  void everyLockedKeyThatDiffersIsNamed() {
    QVERIFY(errorOf([] { requireSameRun(saved(), saved(), "ckpt.pt"); }).empty());
    TrainingConfig changed = saved();
    changed.batchSize = saved().batchSize + 2;
    changed.maxLr = saved().maxLr * 2;
    changed.numThreads = 5;  // a machine key: never a difference
    const std::string message = errorOf([&] { requireSameRun(saved(), changed, "ckpt.pt"); });
    QVERIFY2(message.find("ckpt.pt was trained with another configuration") != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("BATCH_SIZE") != std::string::npos, message.c_str());
    QVERIFY2(message.find("MAX_LR") != std::string::npos, message.c_str());
    QVERIFY2(message.find("NUM_THREADS") == std::string::npos, message.c_str());
  }

  void theTwoListsDoNotOverlap() {
    for (const std::string& locked : resumeLockedKeys()) {
      for (const std::string& machine : resumeCallerKeys())
        QVERIFY2(locked != machine, locked.c_str());
    }
  }
};

QTEST_GUILESS_MAIN(TestResumePolicy)
#include "TestResumePolicy.moc"
