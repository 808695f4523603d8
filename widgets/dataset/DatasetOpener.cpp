#include "dataset/DatasetOpener.h"

#include <QFileInfo>

#include <exception>

#include "Log.h"
#include "dataset/DatasetScanner.h"
#include "dataset/DemoDatasetGenerator.h"
#include "synth/DemoDataset.h"

namespace longmim::studio {
namespace {

bool isDemoComplete(const std::string& dir) {
  try {
    return synth::isDemoDatasetComplete(dir);
  } catch (const std::exception&) {
    return false;  // an unreadable folder: the generator reports what is wrong with it
  }
}

}  // namespace

DatasetOpener::DatasetOpener(QObject* parent) : QObject(parent) {
  scanner_ = new DatasetScanner(this);
  connect(scanner_, &DatasetScanner::progressed, this, &DatasetOpener::scanProgressed);
  connect(scanner_, &DatasetScanner::succeeded, this, &DatasetOpener::onScanned);
  connect(scanner_, &DatasetScanner::failed, this, &DatasetOpener::onScanFailed);
  connect(scanner_, &DatasetScanner::cancelled, this, &DatasetOpener::scanCancelled);

  demoGenerator_ = new DemoDatasetGenerator(this);
  demoGenerator_->setObjectName(QStringLiteral("demoDatasetGenerator"));
  connect(demoGenerator_, &DemoDatasetGenerator::finished, this, &DatasetOpener::onDemoGenerated);
  connect(demoGenerator_, &DemoDatasetGenerator::failed, this, [this](const QString& message) {
    openDemoWhenGenerated_ = false;
    Q_EMIT demoFailed(message);
  });
  connect(demoGenerator_, &DemoDatasetGenerator::cancelled, this, [this] {
    openDemoWhenGenerated_ = false;
    Q_EMIT demoCancelled();
  });
}

void DatasetOpener::open(const QString& dir) {
  if (dir.isEmpty())
    return;
  openDemoWhenGenerated_ = false;  // the user's latest choice wins over a demo still generating
  Q_EMIT scanStarted(dir);
  scanner_->start(dir);
}

void DatasetOpener::openAtStartup(const QString& dataArg) {
  if (!dataArg.isEmpty()) {
    open(dataArg);
    return;
  }
  if (openLast())
    return;
  openDemo();
}

bool DatasetOpener::openLast() {
  const QString last = recent_.last();
  if (last.isEmpty())
    return false;
  if (!QFileInfo(last).isDir()) {
    // Not an error box at start: the user did not ask for anything yet.
    logWarning("the last dataset, " + last.toStdString() +
               ", is no longer there; use File > Open Dataset to pick another");
    return false;
  }
  open(last);
  return true;
}

void DatasetOpener::openDemo() {
  const std::string dir = synth::defaultDemoDatasetDir();
  if (isDemoComplete(dir)) {
    open(QString::fromStdString(dir));
    return;
  }
  // A generation already running (e.g. the one started at start-up) goes on and is opened.
  demoGenerator_->start(QString::fromStdString(dir));
  openDemoWhenGenerated_ = true;
}

void DatasetOpener::cancelDemo() {
  demoGenerator_->cancel();
}

void DatasetOpener::onScanned(const longmim::PairIndex& index) {
  recent_.add(QString::fromStdString(index.root()));
  Q_EMIT recentChanged();
  Q_EMIT opened(index);
}

void DatasetOpener::onScanFailed(const QString& root, const QString& message) {
  if (!QFileInfo(root).isDir()) {
    recent_.remove(root);  // a remembered folder that is gone is no use in File > Recent
    Q_EMIT recentChanged();
  }
  Q_EMIT openFailed(root, message);
}

void DatasetOpener::onDemoGenerated(const QString& dir) {
  if (!openDemoWhenGenerated_) {
    Q_EMIT demoReadyNotOpened();
    return;
  }
  open(dir);
}

}  // namespace longmim::studio
