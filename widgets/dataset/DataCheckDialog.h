// Checks a dataset folder like `longmim data check` and lists every problem found, without
// freezing the studio: the check runs in a worker thread and can be cancelled.
#pragma once

#include <QDialog>
#include <QString>

#include "data/PairIndex.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace longmim::studio {

class DatasetScanner;

class DataCheckDialog : public QDialog {
  Q_OBJECT

 public:
  explicit DataCheckDialog(QWidget* parent = nullptr);

  // Starts checking `folder`, replacing the report on screen (and any check still running).
  void check(const QString& folder);
  void cancelCheck();
  bool isChecking() const;
  QString folder() const { return folder_; }

 Q_SIGNALS:
  // The check ended: ok is false when it failed (e.g. no such folder) or was cancelled.
  void checkFinished(bool ok);
  // The user wants the checked folder opened as the studio's dataset.
  void openRequested(const QString& folder);

 private:
  void onStarted(const QString& root);
  void onProgressed(int done, int total);
  void onSucceeded(const longmim::PairIndex& index);
  void onFailed(const QString& root, const QString& message);
  void onCancelled(const QString& root);
  void showSummary(const QString& text, bool isError);
  void setChecking(bool checking);

  DatasetScanner* scanner_ = nullptr;
  QString folder_;
  QLabel* summaryLabel_ = nullptr;
  QProgressBar* progressBar_ = nullptr;
  QTableWidget* problemTable_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* openButton_ = nullptr;
};

}  // namespace longmim::studio
