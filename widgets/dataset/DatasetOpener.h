// Which dataset the studio opens, and when: the folder the user picks, the one given on the
// command line, else the last one opened, else the demo -- generated first when it is missing or
// incomplete, and opened when its generation ends unless the user opened another one meanwhile.
// Folders are checked off the GUI thread (DatasetScanner); the ones opened are remembered for
// File > Recent Datasets and a folder that is gone is forgotten. The main window shows what it
// reports; the decisions are here.
#pragma once

#include <QObject>
#include <QString>

#include "data/PairIndex.h"
#include "dataset/RecentDatasets.h"

namespace longmim::studio {

class DatasetScanner;
class DemoDatasetGenerator;

class DatasetOpener : public QObject {
  Q_OBJECT

 public:
  explicit DatasetOpener(QObject* parent = nullptr);

  // Checks `dir` and opens it when it holds pairs (opened / openFailed follow). Empty: nothing.
  void open(const QString& dir);
  // At start: `dataArg` when given, else the last dataset when it is still there, else the demo.
  void openAtStartup(const QString& dataArg);
  // The demo dataset: opened now when complete, else generated (or its generation continued)
  // and opened when done.
  void openDemo();
  // Stops a demo generation in progress (the window closes); pairs written so far stay.
  void cancelDemo();
  // The dataset opened last time, when it is still there; false when there is none to open.
  bool openLast();

  const RecentDatasets& recent() const { return recent_; }
  DatasetScanner* scanner() const { return scanner_; }
  DemoDatasetGenerator* demoGenerator() const { return demoGenerator_; }

 Q_SIGNALS:
  void scanStarted(const QString& dir);
  void scanProgressed(int done, int total);
  void scanCancelled();
  void opened(const longmim::PairIndex& index);
  // `root` could not be opened; `message` names the folder and the problem.
  void openFailed(const QString& root, const QString& message);
  // The list of recent datasets changed.
  void recentChanged();
  // The demo is ready but was not opened: the user opened another dataset meanwhile.
  void demoReadyNotOpened();
  void demoFailed(const QString& message);
  void demoCancelled();

 private:
  void onScanned(const longmim::PairIndex& index);
  void onScanFailed(const QString& root, const QString& message);
  void onDemoGenerated(const QString& dir);

  DatasetScanner* scanner_ = nullptr;
  DemoDatasetGenerator* demoGenerator_ = nullptr;
  RecentDatasets recent_;
  // Open the demo when its generation ends, unless the user has opened another dataset meanwhile.
  bool openDemoWhenGenerated_ = false;
};

}  // namespace longmim::studio
