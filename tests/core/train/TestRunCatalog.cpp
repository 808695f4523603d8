// Tests reading run folders back: real runs of the tiny preset (completed, interrupted) and
// hand-written training_params.json files for the edge cases (broken JSON, a dead "running"
// process, files of the Python reference, folders that are not runs).
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "Error.h"
#include "ErrorOf.h"
#include "TestImages.h"
#include "config/Presets.h"
#include "train/ProcessStart.h"
#include "train/RunCatalog.h"
#include "train/Trainer.h"

using namespace longmim;
using namespace longmim::test;
namespace fs = std::filesystem;

namespace {

std::string hostName() {
  char name[256] = {};
  ::gethostname(name, sizeof(name) - 1);
  return name;
}

// A process id that belonged to a process which has ended and been reaped.
int64_t deadProcessId() {
  const pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

class InfoRecorder : public TrainerObserver {
 public:
  Trainer* trainer = nullptr;
  RunInfo info;
  std::function<void(int epoch, int batch)> onBatch;

  void runStarted(const RunInfo& i) override { info = i; }
  void batchDone(int epoch, int batch, int, double) override {
    if (onBatch)
      onBatch(epoch, batch);
  }
};

}  // namespace

class TestRunCatalog : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string data_;

  std::string path(const std::string& name) const {
    return dir_.filePath(QString::fromStdString(name)).toStdString();
  }

  TrainingConfig tinyConfig(const std::string& output, const std::string& name) const {
    TrainingConfig c = presetConfig("tiny");
    c.dataDir = data_;
    c.outputDir = output;
    c.runName = name;
    c.epochs = 2;
    c.numThreads = 1;
    c.seed = 3;
    return c;
  }

  void writeParams(const std::string& runDir, const std::string& text) {
    fs::create_directories(runDir);
    writeBytes(runDir + "/training_params.json", text);
  }

 private Q_SLOTS:
  void initTestCase() {
    data_ = path("data");
    for (int i = 0; i < 8; ++i)
      writeCase(data_ + "/case_" + std::to_string(i), 32, 32, i);
  }

  void realRunsAreSummarisedFromTheirFolders() {
    const std::string output = path("runs");
    const double before = static_cast<double>(std::time(nullptr)) - 1.0;

    InfoRecorder completedRecorder;
    Trainer completedTrainer({tinyConfig(output, "done"), {}, true, {}}, &completedRecorder);
    const RunResult completed = completedTrainer.run();
    QVERIFY2(completed.outcome == RunOutcome::Completed, completed.message.c_str());

    InfoRecorder stoppedRecorder;
    Trainer stoppedTrainer({tinyConfig(output, "cut"), {}, true, {}}, &stoppedRecorder);
    stoppedRecorder.onBatch = [&](int epoch, int batch) {
      if (epoch == 2 && batch == 1)
        stoppedTrainer.post({TrainerCommand::Kind::StopAfterStep});
    };
    const RunResult stopped = stoppedTrainer.run();
    QVERIFY2(stopped.outcome == RunOutcome::Interrupted, stopped.message.c_str());
    const double after = static_cast<double>(std::time(nullptr)) + 1.0;

    const std::vector<RunSummary> runs = scanRuns(output);
    QCOMPARE(runs.size(), size_t(2));  // sorted by folder name: "cut" before "done"

    const RunSummary& done = runs[1];
    const std::string doneDir = output + "/done";
    QCOMPARE(done.dir, doneDir);
    QCOMPARE(done.name, std::string("done"));
    QCOMPARE(done.status, std::string("completed"));
    QCOMPARE(done.architecture, std::string("big"));
    QCOMPARE(done.modelSize, std::string("tiny"));
    QCOMPARE(done.parameters, completedRecorder.info.parameters);
    QVERIFY(done.parameters > 1000);
    QCOMPARE(done.epochsDone, 2);
    QCOMPARE(done.epochsPlanned, 2);
    QCOMPARE(done.bestEpoch, completed.history.bestEpoch);
    QVERIFY(done.bestValLoss.has_value());
    QCOMPARE(*done.bestValLoss, completed.history.bestValLoss);
    QVERIFY(done.lastTrainLoss.has_value());
    QCOMPARE(*done.lastTrainLoss, completed.history.epochs.back().trainTotal);
    QVERIFY(done.startTime.has_value());
    QVERIFY(*done.startTime >= before && *done.startTime <= after);
    QVERIFY(done.lastModified >= *done.startTime - 1.0 && done.lastModified <= after);
    QCOMPARE(done.processId, static_cast<int64_t>(::getpid()));
    QCOMPARE(done.hostName, hostName());
    QCOMPARE(done.lastCheckpoint, completed.lastCheckpoint);
    QVERIFY(done.message.empty());
    QCOMPARE(done.history.epochs.size(), size_t(2));
    QCOMPARE(done.history.epochs[1].trainTotal, completed.history.epochs[1].trainTotal);
    QCOMPARE(done.history.steps.size(), completed.history.steps.size());

    std::vector<std::string> paths;
    std::vector<CheckpointKind> kinds;
    for (const RunCheckpoint& c : done.checkpoints) {
      paths.push_back(c.path);
      kinds.push_back(c.kind);
      QVERIFY(c.modified >= before && c.modified <= after);
    }
    const std::vector<std::string> expectedPaths{doneDir + "/longitudinal_mim_epoch_1.pt",
                                                 doneDir + "/longitudinal_mim_epoch_2.pt",
                                                 doneDir + "/longitudinal_mim_best.pt"};
    QCOMPARE(paths, expectedPaths);
    QVERIFY(kinds == (std::vector<CheckpointKind>{CheckpointKind::Epoch, CheckpointKind::Epoch,
                                                  CheckpointKind::Best}));
    QCOMPARE(done.checkpoints[1].epoch, 2);
    QCOMPARE(done.checkpoints[2].epoch, done.bestEpoch);

    const RunSummary& cut = runs[0];
    const std::string cutDir = output + "/cut";
    QCOMPARE(cut.status, std::string("interrupted"));
    QCOMPARE(cut.epochsDone, 1);
    QCOMPARE(cut.epochsPlanned, 2);
    QCOMPARE(cut.history.epochs.size(), size_t(1));
    QVERIFY2(cut.message.find("continue with -c " + cutDir + "/longitudinal_mim_interrupted.pt") !=
                 std::string::npos,
             cut.message.c_str());
    QCOMPARE(cut.checkpoints.size(), size_t(3));
    QCOMPARE(cut.checkpoints[0].path, cutDir + "/longitudinal_mim_epoch_1.pt");
    QVERIFY(cut.checkpoints[1].kind == CheckpointKind::Best);
    QVERIFY(cut.checkpoints.back().kind == CheckpointKind::Interrupted);
    QCOMPARE(cut.checkpoints.back().path, cutDir + "/longitudinal_mim_interrupted.pt");
    QCOMPARE(cut.lastCheckpoint, cut.checkpoints.back().path);

    // readRun reads one folder the same way.
    QCOMPARE(readRun(doneDir).status, std::string("completed"));
  }

  void aBrokenFileIsListedAsUnreadableWithoutHidingTheOthers() {
    const std::string output = path("mixed");
    writeParams(output + "/longitudinal_mim_good", R"({"status": "completed", "epochs": 5,
        "current_epoch": 5, "best_epoch": 4, "best_val_loss": 0.25, "model_type": "reference"})");
    writeParams(output + "/longitudinal_mim_broken", R"({"status": "running", "epochs": )");
    writeParams(output + "/longitudinal_mim_typo", R"({"status": "completed", "epochs": "ten"})");
    fs::create_directories(output + "/not_a_run");
    writeBytes(output + "/not_a_run/notes.txt", "no params here");
    writeBytes(output + "/loose_file.json", "{}");

    const std::vector<RunSummary> runs = scanRuns(output);
    QCOMPARE(runs.size(), size_t(3));
    QCOMPARE(runs[0].name, std::string("longitudinal_mim_broken"));
    QCOMPARE(runs[0].status, std::string("unreadable"));
    const std::string brokenFile = output + "/longitudinal_mim_broken/training_params.json";
    QVERIFY2(runs[0].message.find(brokenFile + " is not valid JSON") == 0, runs[0].message.c_str());
    // A number beyond a double (nlohmann_json's out_of_range) is damage too (found by fuzzing).
    writeParams(output + "/longitudinal_mim_broken", R"({"status": "running", "epochs": 1e999})");
    const std::string overflow =
        errorOf([&] { (void)readRun(output + "/longitudinal_mim_broken"); });
    QVERIFY2(overflow.find(brokenFile + " is not valid JSON") == 0, overflow.c_str());
    QVERIFY(runs[0].lastModified > 0.0);

    QCOMPARE(runs[1].name, std::string("longitudinal_mim_good"));
    QCOMPARE(runs[1].status, std::string("completed"));
    QCOMPARE(runs[1].epochsDone, 5);
    QCOMPARE(runs[1].bestEpoch, 4);
    QCOMPARE(runs[1].bestValLoss.value_or(-1.0), 0.25);
    QCOMPARE(runs[1].architecture, std::string("reference"));
    QVERIFY(runs[1].checkpoints.empty());

    QCOMPARE(runs[2].status, std::string("unreadable"));
    QCOMPARE(runs[2].message,
             output +
                 "/longitudinal_mim_typo/training_params.json: \"epochs\" should be a number "
                 "but is \"ten\"");

    try {
      readRun(output + "/longitudinal_mim_broken");
      QFAIL("a broken training_params.json was read");
    } catch (const DataError& e) {
      QCOMPARE(e.path(), brokenFile);
    }
    try {
      readRun(output + "/not_a_run");
      QFAIL("a folder without training_params.json was read");
    } catch (const DataError& e) {
      QCOMPARE(std::string(e.what()), output +
                                          "/not_a_run/training_params.json is missing: the "
                                          "folder holds no training run");
    }
  }

  void aRunningRunWhoseProcessIsGoneStoppedUnexpectedly() {
    const std::string output = path("crashed");
    const std::string host = hostName();
    const std::string dead = output + "/longitudinal_mim_dead";
    writeParams(dead, nlohmann::json{{"status", "running"},
                                     {"process_id", deadProcessId()},
                                     {"host_name", host},
                                     {"current_epoch", 1},
                                     {"epochs", 3}}
                          .dump());
    writeBytes(dead + "/longitudinal_mim_epoch_1.pt", "checkpoint bytes");
    const std::string fresh = output + "/longitudinal_mim_fresh";
    writeParams(
        fresh,
        nlohmann::json{{"status", "running"}, {"process_id", deadProcessId()}, {"host_name", host}}
            .dump());
    // Alive (this process), and on another machine (cannot be checked): both still running.
    writeParams(output + "/longitudinal_mim_live",
                nlohmann::json{{"status", "running"},
                               {"process_id", static_cast<int64_t>(::getpid())},
                               {"host_name", host}}
                    .dump());
    writeParams(output + "/longitudinal_mim_remote",
                nlohmann::json{{"status", "running"},
                               {"process_id", deadProcessId()},
                               {"host_name", host + "-elsewhere"}}
                    .dump());

    const std::vector<RunSummary> runs = scanRuns(output);
    QCOMPARE(runs.size(), size_t(4));
    QCOMPARE(runs[0].name, std::string("longitudinal_mim_dead"));
    QCOMPARE(runs[0].status, std::string("stopped unexpectedly"));
    QVERIFY2(runs[0].message.find("resume from its last checkpoint " + dead +
                                  "/longitudinal_mim_epoch_1.pt") != std::string::npos,
             runs[0].message.c_str());
    QCOMPARE(runs[1].name, std::string("longitudinal_mim_fresh"));
    QCOMPARE(runs[1].status, std::string("stopped unexpectedly"));
    QVERIFY2(runs[1].message.find("it wrote no checkpoint, so start it again") != std::string::npos,
             runs[1].message.c_str());
    QCOMPARE(runs[2].status, std::string("running"));
    QCOMPARE(runs[3].status, std::string("running"));
  }

  void aRunWhosePidWasGivenToAnotherProcessStoppedUnexpectedly() {
    // The PID is alive (this test), but it started at another time than the run's process.
    const std::string own = processStartStamp(::getpid());
    QVERIFY(!own.empty());
    const std::string output = path("reused_pid");
    const auto params = [&](const std::string& started) {
      return nlohmann::json{{"status", "running"},
                            {"process_id", static_cast<int64_t>(::getpid())},
                            {"host_name", hostName()},
                            {"process_start", started}}
          .dump();
    };
    writeParams(output + "/a_reused", params(own + "0"));  // another start time
    writeParams(output + "/b_same", params(own));
    const std::vector<RunSummary> runs = scanRuns(output);
    QCOMPARE(runs.size(), size_t(2));
    std::map<std::string, std::string> status;
    for (const RunSummary& r : runs)
      status[r.name] = r.status;
    QCOMPARE(status["a_reused"], std::string("stopped unexpectedly"));
    QCOMPARE(status["b_same"], std::string("running"));
    // The stamp is the kernel's: a process that does not exist has none.
    QVERIFY(processStartStamp(deadProcessId()).empty());
  }

  void aFileOfThePythonReferenceGivesItsCurves() {
    const std::string run = path("reference/longitudinal_mim_20240101");
    writeParams(run, R"({"training_start_time": "2024-01-01 10:00:00", "model_type": "reference",
        "epochs": 10, "current_epoch": 2, "best_epoch": 2, "best_val_loss": 0.5,
        "train_losses": [0.9, 0.7], "val_losses": [0.6, 0.5]})");
    const RunSummary summary = readRun(run);
    QCOMPARE(summary.status, std::string("unknown"));
    QCOMPARE(summary.name, std::string("longitudinal_mim_20240101"));
    QVERIFY(!summary.startTime.has_value());
    QCOMPARE(summary.epochsDone, 2);
    QCOMPARE(summary.epochsPlanned, 10);
    QCOMPARE(summary.history.epochs.size(), size_t(2));
    QCOMPARE(summary.history.epochs[1].trainTotal, 0.7);
    QCOMPARE(summary.history.epochs[1].valTotal.value_or(-1.0), 0.5);
    QCOMPARE(summary.lastTrainLoss.value_or(-1.0), 0.7);
  }

  void checkpointKindsHaveOneNameInTheFileAndOneFileName() {
    for (const CheckpointKind kind :
         {CheckpointKind::Epoch, CheckpointKind::Best, CheckpointKind::Interrupted}) {
      QVERIFY(parseCheckpointKind(checkpointKindName(kind)) == kind);
      const std::optional<CheckpointFile> file = checkpointFileOf(checkpointFileName(kind, 7));
      QVERIFY(file && file->kind == kind);
      QCOMPARE(file->epoch, kind == CheckpointKind::Epoch ? 7 : 0);
    }
    QCOMPARE(std::string(checkpointKindName(CheckpointKind::Interrupted)),
             std::string("interrupted"));
    QCOMPARE(checkpointFileName(CheckpointKind::Epoch, 12),
             std::string("longitudinal_mim_epoch_12.pt"));
    QCOMPARE(checkpointFileName(CheckpointKind::Best), std::string(kBestCheckpointName));
    QVERIFY(!parseCheckpointKind("modified"));
    QVERIFY(!parseCheckpointKind(""));
    // Only the run's own names are checkpoints of the run.
    for (const char* name : {"longitudinal_mim_epoch_0.pt", "longitudinal_mim_epoch_.pt",
                             "longitudinal_mim_epoch_x.pt", "longitudinal_mim_epoch_3.pt.tmp",
                             "longitudinal_mim_epoch_-2.pt", "epoch_3.pt",
                             "longitudinal_mim_best.pth", "training_params.json"}) {
      QVERIFY2(!checkpointFileOf(name), name);
    }
  }

  void aRunOpensWithItsBestElseItsNewestCheckpoint() {
    const std::string run = path("opens/longitudinal_mim_choice");
    writeParams(run, R"({"status": "completed", "epochs": 3, "best_epoch": 2})");
    QCOMPARE(checkpointToOpen(readRun(run)), std::string());
    writeBytes(run + "/longitudinal_mim_epoch_1.pt", "x");
    writeBytes(run + "/longitudinal_mim_epoch_10.pt", "x");
    writeBytes(run + "/longitudinal_mim_epoch_2.pt", "x");
    QCOMPARE(checkpointToOpen(readRun(run)), run + "/longitudinal_mim_epoch_10.pt");
    writeBytes(run + "/longitudinal_mim_interrupted.pt", "x");
    QCOMPARE(checkpointToOpen(readRun(run)), run + "/longitudinal_mim_interrupted.pt");
    writeBytes(run + "/longitudinal_mim_best.pt", "x");
    QCOMPARE(checkpointToOpen(readRun(run)), run + "/longitudinal_mim_best.pt");
  }

  void anOutputFolderThatIsMissingOrAFile() {
    QVERIFY(scanRuns(path("never_written")).empty());
    writeBytes(path("a_file"), "x");
    try {
      scanRuns(path("a_file"));
      QFAIL("a file was scanned as an output folder");
    } catch (const DataError& e) {
      QCOMPARE(e.path(), path("a_file"));
    }
  }
};

QTEST_GUILESS_MAIN(TestRunCatalog)
#include "TestRunCatalog.moc"
