// Tests the compute-thread knobs: the process's count applies to every thread, and a thread that
// asks for its own count (the studio's viewer beside a running trainer) gets it without changing
// the others', and gets the process's back with 0 -- read from ATen and from the threads a
// parallel operation actually uses.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <thread>

#include <ATen/Parallel.h>

#include "ComputeThreads.h"

using namespace longmim;

namespace {

// The highest thread number a parallel loop of 2^20 items ran on, on the calling thread.
int highestThreadUsed() {
  std::atomic<int> highest{0};
  at::parallel_for(0, int64_t(1) << 20, 1, [&](int64_t, int64_t) {
    int seen = highest.load();
    const int mine = at::get_thread_num();
    while (mine > seen && !highest.compare_exchange_weak(seen, mine)) {
    }
  });
  return highest.load();
}

}  // namespace

class TestComputeThreads : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void aThreadsOwnCountLeavesTheOthersAlone() {
    QCOMPARE(setComputeThreads(2), 2);
    QCOMPARE(at::get_num_threads(), 2);

    int ownCount = 0;
    int ownHighest = -1;
    int restoredCount = 0;
    int otherCount = 0;
    std::thread viewer([&] {
      setThisThreadComputeThreads(1);
      ownCount = at::get_num_threads();
      ownHighest = highestThreadUsed();
      setThisThreadComputeThreads(0);
      restoredCount = at::get_num_threads();
    });
    viewer.join();
    std::thread trainer([&] { otherCount = at::get_num_threads(); });
    trainer.join();

    QCOMPARE(ownCount, 1);
    QCOMPARE(ownHighest, 0);  // the loop ran on the calling thread alone
    QCOMPARE(restoredCount, 2);
    QCOMPARE(otherCount, 2);             // a new thread has the process's count
    QCOMPARE(at::get_num_threads(), 2);  // and so has this one
  }

  void aThreadCannotAskForMoreThanTheProcessUses() {
    QCOMPARE(setComputeThreads(1), 1);
    int count = 0;
    std::thread worker([&] {
      setThisThreadComputeThreads(8);
      count = at::get_num_threads();
    });
    worker.join();
    QCOMPARE(count, 1);
  }
};

QTEST_APPLESS_MAIN(TestComputeThreads)
#include "TestComputeThreads.moc"
