// The dataset's part of the status bar: the demo generation's progress (with Cancel), the check's
// progress, the open dataset's case count, and what opening or generating did -- with an error
// box when it failed. Follows a DatasetOpener; it decides nothing.
#pragma once

#include <QObject>
#include <QString>

class QLabel;
class QProgressBar;
class QStatusBar;
class QWidget;

namespace longmim {
class PairIndex;
}

namespace longmim::studio {

class DatasetOpener;
class DemoDatasetProgress;

class DatasetStatus : public QObject {
  Q_OBJECT

 public:
  // Adds its widgets to `statusBar` as permanent widgets; error boxes open on `dialogParent`.
  DatasetStatus(DatasetOpener* opener, QStatusBar* statusBar, QWidget* dialogParent);

 private:
  void onOpened(const longmim::PairIndex& index);
  void onOpenFailed(const QString& root, const QString& message);

  QStatusBar* statusBar_;
  QWidget* dialogParent_;
  DemoDatasetProgress* demoProgress_ = nullptr;
  QProgressBar* scanProgress_ = nullptr;
  QLabel* summary_ = nullptr;
};

}  // namespace longmim::studio
