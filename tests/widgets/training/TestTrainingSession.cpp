// Tests the studio's bridge to the trainer: a run on its own thread delivering coalesced signals,
// pause / continue, stop with a checkpoint, live edits, and a GUI thread that keeps running.
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/Presets.h"
#include "shell/UiStallMonitor.h"
#include "synth/DatasetSynthesizer.h"
#include "train/Trainer.h"
#include "training/TrainingSession.h"

using namespace longmim;
using namespace longmim::studio;

class TestTrainingSession : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString data_;

  TrainingConfig tiny(const QString& output, int epochs) const {
    TrainingConfig c = presetConfig("tiny");
    c.dataDir = data_.toStdString();
    c.outputDir = output.toStdString();
    c.epochs = epochs;
    c.numThreads = 1;
    c.runName = "session";
    return c;
  }

  static int stepsIn(const QSignalSpy& spy) {
    int n = 0;
    for (const QList<QVariant>& args : spy)
      n += static_cast<int>(args.at(0).value<std::vector<StepRecord>>().size());
    return n;
  }

  static nlohmann::json params(const QString& runDir) {
    std::ifstream in((runDir + "/training_params.json").toStdString());
    return nlohmann::json::parse(in);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = dir_.filePath(QStringLiteral("data"));
    synth::SynthJob job;
    job.outputDir = data_.toStdString();
    job.count = 8;
    job.seed = 11;
    job.options.size = 64;
    synth::DatasetSynthesizer(job).run();
  }

  void runDeliversEverythingAndWritesTheRunFolder() {
    TrainingSession session;
    QSignalSpy started(&session, &TrainingSession::runStarted);
    QSignalSpy steps(&session, &TrainingSession::stepsLogged);
    QSignalSpy epochs(&session, &TrainingSession::epochFinished);
    QSignalSpy samples(&session, &TrainingSession::samplePredicted);
    QSignalSpy checkpoints(&session, &TrainingSession::checkpointSaved);
    QSignalSpy progress(&session, &TrainingSession::progressChanged);
    QSignalSpy finished(&session, &TrainingSession::finished);

    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs1")), 2)));
    QVERIFY(session.isActive());
    QVERIFY(!session.start(tiny(dir_.filePath(QStringLiteral("runs1")), 2)));  // one at a time
    QVERIFY(finished.wait(120000));

    QVERIFY(!session.isActive());
    QCOMPARE(started.count(), 1);
    QCOMPARE(epochs.count(), 2);
    QCOMPARE(samples.count(), 2);
    QVERIFY(progress.count() >= 1);
    const RunResult& result = *session.result();
    QCOMPARE(result.outcome, RunOutcome::Completed);
    // The GUI-side history is the trainer's.
    QCOMPARE(session.history().epochs.size(), size_t(2));
    QCOMPARE(int(session.history().steps.size()), stepsIn(steps));
    QCOMPARE(session.history().steps.size(), result.history.steps.size());
    QCOMPARE(session.history().bestEpoch, result.history.bestEpoch);
    QCOMPARE(session.history().epochs.back().trainTotal, result.history.epochs.back().trainTotal);
    // Coalesced: fewer deliveries than logged steps is allowed, never more.
    QVERIFY(steps.count() <= stepsIn(steps));
    const QString runDir = session.runDir();
    QVERIFY(QFileInfo(runDir + "/longitudinal_mim_epoch_2.pt").isFile());
    QVERIFY(QFileInfo(runDir + "/longitudinal_mim_best.pt").isFile());
    QCOMPARE(QString::fromStdString(params(runDir)["status"]), QStringLiteral("completed"));
    QVERIFY(checkpoints.count() >= 2);
    QCOMPARE(session.progress().epoch, 2);
    QCOMPARE(session.state(), TrainerState::Finished);
  }

  void pauseHoldsTheRunAndContinueGoesOn() {
    TrainingSession session;
    session.setFlushInterval(20);
    QSignalSpy steps(&session, &TrainingSession::stepsLogged);
    QSignalSpy states(&session, &TrainingSession::stateChanged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs2")), 3)));
    QVERIFY(steps.wait(60000));
    session.pause();
    QTRY_VERIFY_WITH_TIMEOUT(session.isPaused(), 30000);
    const size_t held = session.history().steps.size();
    QTest::qWait(400);  // nothing may arrive while paused
    QCOMPARE(session.history().steps.size(), held);
    QVERIFY(session.isActive());

    session.continueRun();
    QVERIFY(finished.wait(120000));
    QVERIFY(session.history().steps.size() > held);
    QCOMPARE(session.result()->outcome, RunOutcome::Completed);
    // Steps are numbered without a gap across the pause.
    const auto& all = session.history().steps;
    for (size_t i = 1; i < all.size(); ++i)
      QCOMPARE(all[i].globalBatch, all[i - 1].globalBatch + 1);
    bool sawPaused = false;
    for (const QList<QVariant>& s : states)
      sawPaused = sawPaused || s.at(0).value<TrainerState>() == TrainerState::Paused;
    QVERIFY(sawPaused);
  }

  void stopWritesAnInterruptedCheckpoint() {
    TrainingSession session;
    session.setFlushInterval(20);
    QSignalSpy steps(&session, &TrainingSession::stepsLogged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs3")), 50)));
    QVERIFY(steps.wait(60000));
    session.stopAfterStep();
    QVERIFY(finished.wait(60000));
    QCOMPARE(session.result()->outcome, RunOutcome::Interrupted);
    const QString checkpoint = session.runDir() + "/" + QString(kInterruptedCheckpointName);
    QVERIFY(QFileInfo(checkpoint).isFile());
    QCOMPARE(session.lastCheckpoint(), checkpoint);
    QCOMPARE(QString::fromStdString(params(session.runDir())["status"]),
             QStringLiteral("interrupted"));

    // Resuming delivers the earlier history first and continues the step numbering.
    const size_t before = session.history().steps.size();
    const int64_t lastBatch = session.history().steps.back().globalBatch;
    TrainingConfig again = tiny(dir_.filePath(QStringLiteral("runs3")), 50);
    QSignalSpy started(&session, &TrainingSession::runStarted);
    // Read at the moment the run starts: later steps may arrive in the same delivery.
    size_t stepsAtStart = 0;
    connect(&session, &TrainingSession::runStarted, this,
            [&] { stepsAtStart = session.history().steps.size(); });
    QVERIFY(session.start(again, checkpoint));
    QVERIFY(started.wait(60000));
    QVERIFY(session.runInfo().resumed);
    QCOMPARE(stepsAtStart, before);
    QVERIFY(steps.wait(60000));
    QVERIFY(session.history().steps.back().globalBatch > lastBatch);
    session.abort();
    QVERIFY(finished.wait(60000));
    QCOMPARE(session.result()->outcome, RunOutcome::Aborted);
  }

  // The end of one run's thread is delivered to the GUI thread later than finished(); a run
  // started in between must not be taken for ended by it (commands to it were then ignored).
  void theNextRunOutlivesTheEndOfThePreviousThread() {
    TrainingSession session;
    session.setFlushInterval(20);
    QSignalSpy steps(&session, &TrainingSession::stepsLogged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs8")), 1)));
    QVERIFY(finished.wait(120000));
    QCOMPARE(session.result()->outcome, RunOutcome::Completed);
    // The thread ends without the event loop running: its finished() is still queued.
    QVERIFY(session.waitForFinished(60000));
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs8b")), 50)));
    QCoreApplication::processEvents();
    QVERIFY(session.isActive());
    QCOMPARE(finished.count(), 1);
    QVERIFY(steps.wait(60000));
    session.abort();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.count(), 2);
    QCOMPARE(session.result()->outcome, RunOutcome::Aborted);
  }

  // Commands given before the trainer has done anything are kept until it can act on them.
  void stopRightAfterStartIsNotLost() {
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs9")), 50)));
    session.pause();
    session.abort();
    QVERIFY(finished.wait(120000));
    QCOMPARE(session.result()->outcome, RunOutcome::Aborted);
  }

  void liveEditIsRecorded() {
    TrainingSession session;
    session.setFlushInterval(20);
    QSignalSpy steps(&session, &TrainingSession::stepsLogged);
    QSignalSpy edits(&session, &TrainingSession::hyperparameterEdited);
    QSignalSpy messages(&session, &TrainingSession::messageLogged);
    QSignalSpy finished(&session, &TrainingSession::finished);
    QVERIFY(session.start(tiny(dir_.filePath(QStringLiteral("runs4")), 50)));
    QVERIFY(steps.wait(60000));
    // A locked key is refused with a message and leaves no edit behind.
    session.editHyperparameter(QStringLiteral("IMG_SIZE"), 32);
    session.editHyperparameter(QStringLiteral("LAMBDA_L1_ALL"), 2.5);
    QVERIFY(edits.wait(60000));
    bool refused = false;
    for (const QList<QVariant>& m : messages)
      refused = refused || (m.at(1).toString().contains(QStringLiteral("IMG_SIZE cannot change")));
    QVERIFY(refused);
    const EditRecord edit = edits.at(0).at(0).value<EditRecord>();
    QCOMPARE(edit.key, std::string("LAMBDA_L1_ALL"));
    QCOMPARE(std::stod(edit.after), 2.5);
    QCOMPARE(session.history().edits.size(), size_t(1));
    session.stopAfterStep();  // the run folder's params are rewritten when the run ends
    QVERIFY(finished.wait(60000));
    const nlohmann::json p = params(session.runDir());
    QCOMPARE(p["history"]["edits"].size(), size_t(1));
    QCOMPARE(QString::fromStdString(p["history"]["edits"][0]["key"]),
             QStringLiteral("LAMBDA_L1_ALL"));
  }

  void badConfigurationEndsWithAMessage() {
    TrainingSession session;
    QSignalSpy finished(&session, &TrainingSession::finished);
    TrainingConfig c = tiny(dir_.filePath(QStringLiteral("runs5")), 1);
    c.dataDir = dir_.filePath(QStringLiteral("no_such_folder")).toStdString();
    QVERIFY(session.start(c));
    QVERIFY(finished.wait(60000));
    QCOMPARE(session.result()->outcome, RunOutcome::Failed);
    QVERIFY(QString::fromStdString(session.result()->message).contains("no_such_folder"));
    QVERIFY(!QFileInfo::exists(dir_.filePath(QStringLiteral("runs5/session"))));
  }

  void guiThreadKeepsRunningDuringTraining() {
    TrainingSession session;
    UiStallMonitor monitor;
    QSignalSpy finished(&session, &TrainingSession::finished);
    TrainingConfig c = tiny(dir_.filePath(QStringLiteral("runs6")), 1);
    c.numThreads = 0;  // every core: the worst case for the GUI thread
    monitor.start();
    QVERIFY(session.start(c));
    // The end of the run is the condition; the bound only keeps a hung run from hanging the suite
    // (on a loaded machine the run took over 2 minutes).
    QVERIFY(finished.wait(480000));
    monitor.stop();
    QVERIFY(monitor.ticks() > 10);
    qInfo("longest GUI stall during a tiny run: %.1f ms over %lld ticks", monitor.maxStallMs(),
          static_cast<long long>(monitor.ticks()));
    QVERIFY2(monitor.maxStallMs() < 50.0, qPrintable(QString::number(monitor.maxStallMs())));
  }
};

QTEST_MAIN(TestTrainingSession)
#include "TestTrainingSession.moc"
