// Shows a running demo dataset generation in the status bar ("Generating the demo dataset: 12/48
// pairs", a progress bar and Cancel) and hides itself when the generation ends.
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace longmim::studio {

class DemoDatasetGenerator;

class DemoDatasetProgress : public QWidget {
  Q_OBJECT

 public:
  // Follows `generator`, which must outlive this widget or share its parent.
  explicit DemoDatasetProgress(DemoDatasetGenerator* generator, QWidget* parent = nullptr);

 private:
  void onStarted();
  void onProgressed(int done, int total);
  void onCancelClicked();

  DemoDatasetGenerator* generator_ = nullptr;
  QLabel* label_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
};

}  // namespace longmim::studio
