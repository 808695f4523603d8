// The studio's central view of the data: how to open a dataset when none is open, otherwise the
// open dataset's folder, case counts and a table of its cases.
#pragma once

#include <QWidget>

#include "data/PairIndex.h"

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace longmim::studio {

class DatasetPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetPanel(QWidget* parent = nullptr);

  void showDataset(const longmim::PairIndex& index);
  void showNoDataset();
  bool hasDataset() const;

 Q_SIGNALS:
  // The user asked to open a dataset from the empty page.
  void openRequested();
  // The user asked for the demo dataset from the empty page.
  void openDemoRequested();

 private:
  QWidget* createEmptyPage();
  QWidget* createDatasetPage();

  QStackedWidget* pages_ = nullptr;
  QWidget* emptyPage_ = nullptr;
  QWidget* datasetPage_ = nullptr;
  QLabel* folderLabel_ = nullptr;
  QLabel* countsLabel_ = nullptr;
  QTableWidget* caseTable_ = nullptr;
};

}  // namespace longmim::studio
