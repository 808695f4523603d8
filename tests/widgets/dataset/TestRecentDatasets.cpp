// Tests the remembered datasets behind File > Recent Datasets and the reopening at start.
#include <QtTest>

#include "IsolatedSettings.h"
#include "dataset/RecentDatasets.h"
#include "shell/StudioSettings.h"

using namespace longmim::studio;

class TestRecentDatasets : public QObject {
  Q_OBJECT

 private:
  longmim::test::IsolatedSettings settings_;

 private Q_SLOTS:
  void init() { studioSettings().clear(); }

  void newestComesFirstAndEachFolderOnce() {
    RecentDatasets recent;
    QVERIFY(recent.paths().isEmpty());
    QVERIFY(recent.last().isEmpty());
    recent.add(QStringLiteral("/data/a"));
    recent.add(QStringLiteral("/data/b/"));
    recent.add(QStringLiteral("/data/./a"));  // the same folder as /data/a
    QCOMPARE(recent.paths(), QStringList({"/data/a", "/data/b"}));
    QCOMPARE(recent.last(), QStringLiteral("/data/a"));
  }

  void itIsKeptInTheStudioSettings() {
    RecentDatasets().add(QStringLiteral("/data/a"));
    QCOMPARE(studioSettings().value(QStringLiteral("datasets/recent")).toStringList(),
             QStringList({"/data/a"}));
    QCOMPARE(RecentDatasets().last(), QStringLiteral("/data/a"));  // a fresh object reads it back
  }

  void theListIsBounded() {
    RecentDatasets recent;
    for (int i = 0; i < RecentDatasets::kMaxEntries + 3; ++i)
      recent.add(QStringLiteral("/data/%1").arg(i));
    QCOMPARE(recent.paths().size(), RecentDatasets::kMaxEntries);
    QCOMPARE(recent.paths().first(),
             QStringLiteral("/data/%1").arg(RecentDatasets::kMaxEntries + 2));
  }

  void entriesCanBeForgotten() {
    RecentDatasets recent;
    recent.add(QStringLiteral("/data/a"));
    recent.add(QStringLiteral("/data/b"));
    recent.remove(QStringLiteral("/data/b/"));
    QCOMPARE(recent.paths(), QStringList({"/data/a"}));
    recent.clear();
    QVERIFY(recent.paths().isEmpty());
  }
};

QTEST_MAIN(TestRecentDatasets)
#include "TestRecentDatasets.moc"
