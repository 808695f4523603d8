// Tests the one background-job skeleton of the studio: the work runs off the GUI thread, its result
// and progress come back on the owner's thread, a start while a job runs is refused, cancel() is
// seen by the work and reported, progress of a cancelled job is dropped, and the destructor waits
// for the work.
#include <QCoreApplication>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <optional>
#include <stdexcept>

#include "Error.h"
#include "common/BackgroundJob.h"

using namespace longmim;
using namespace longmim::studio;

class TestBackgroundJob : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void theResultAndProgressArriveOnTheOwnersThread() {
    QObject owner;
    std::optional<int> result;
    bool resultOnOwnerThread = false;
    QList<int> progress;
    BackgroundJob<int> job(
        &owner,
        [&](int value, bool cancelled) {
          QVERIFY(!cancelled);
          result = value;
          resultOnOwnerThread = QThread::currentThread() == owner.thread();
        },
        [&](int done, int total) {
          QCOMPARE(QThread::currentThread(), owner.thread());
          QCOMPARE(total, 3);
          progress << done;
        });
    QThread* worker = nullptr;
    QVERIFY(job.start([&](const JobContext& context) {
      worker = QThread::currentThread();
      for (size_t i = 1; i <= 3; ++i)
        context.progress(i, 3);
      return 42;
    }));
    QVERIFY(job.isRunning());
    QTRY_VERIFY(result.has_value());
    QCOMPARE(*result, 42);
    QVERIFY(resultOnOwnerThread);
    QVERIFY(worker != owner.thread());
    QVERIFY(!job.isRunning());
    QTRY_COMPARE(progress, (QList<int>{1, 2, 3}));
  }

  void aStartWhileAJobRunsIsRefused() {
    QObject owner;
    QSemaphore release;
    int finished = 0;
    BackgroundJob<int> job(&owner, [&](int, bool) { ++finished; });
    QVERIFY(job.start([&](const JobContext&) {
      release.acquire();
      return 1;
    }));
    QVERIFY(!job.start([](const JobContext&) { return 2; }));
    release.release();
    QTRY_COMPARE(finished, 1);
    QVERIFY(job.start([](const JobContext&) { return 3; }));  // free again
    QTRY_COMPARE(finished, 2);
  }

  void cancelIsSeenByTheWorkAndReportedAndItsProgressDropped() {
    QObject owner;
    QSemaphore cancelled;
    std::optional<bool> reportedCancelled;
    int progressReports = 0;
    BackgroundJob<int> job(
        &owner, [&](int, bool wasCancelled) { reportedCancelled = wasCancelled; },
        [&](int, int) { ++progressReports; });
    QVERIFY(job.start([&](const JobContext& context) {
      cancelled.acquire();  // the GUI thread has cancelled
      context.progress(1, 2);
      return context.cancelled() ? -1 : 1;
    }));
    job.cancel();
    QVERIFY(job.isCancelling());
    cancelled.release();
    QTRY_VERIFY(reportedCancelled.has_value());
    QVERIFY(*reportedCancelled);
    QCoreApplication::processEvents();
    QCOMPARE(progressReports, 0);
  }

  void theDestructorCancelsAndWaitsForTheWork() {
    std::atomic<bool> sawCancel{false};
    std::atomic<bool> ended{false};
    {
      QObject owner;
      BackgroundJob<int> job(&owner, [](int, bool) { QFAIL("no result after destruction"); });
      QSemaphore started;
      job.start([&](const JobContext& context) {
        started.release();
        while (!context.cancelled())
          QThread::msleep(1);
        sawCancel = true;
        ended = true;
        return 0;
      });
      started.acquire();
    }
    QVERIFY(sawCancel.load());
    QVERIFY(ended.load());
    QCoreApplication::processEvents();
  }

  void errorMessagesNameTheUnexpectedOnes() {
    QCOMPARE(jobErrorMessage(DataError("/x", "/x: folder not found"), QStringLiteral("oops: ")),
             QStringLiteral("/x: folder not found"));
    QCOMPARE(jobErrorMessage(std::runtime_error("bad_alloc"), QStringLiteral("unexpected: ")),
             QStringLiteral("unexpected: bad_alloc"));
  }
};

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "TestBackgroundJob.moc"
