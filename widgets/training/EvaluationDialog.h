// Evaluates a checkpoint as `longmim evaluate --save` does -- every metric of the model next to
// the all-zeros and normalised-subtraction baselines -- without freezing the studio: the
// evaluation runs in a worker thread, shows its progress, can be cancelled, and writes
// RUN_DIR/evaluation.json when it completes.
#pragma once

#include <QDialog>
#include <QString>

#include "common/BackgroundJob.h"
#include "eval/EvaluationReport.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace longmim::studio {

class EvaluationDialog : public QDialog {
  Q_OBJECT

 public:
  explicit EvaluationDialog(QWidget* parent = nullptr);
  // Cancels an evaluation in progress and waits for it (it stops before its next pair).
  ~EvaluationDialog() override;

  // Starts evaluating `checkpoint` on `dataDir` (empty: the run's own dataset, hence its
  // validation pairs), replacing what is on screen. Ignored while an evaluation runs.
  void evaluate(const QString& checkpoint, const QString& dataDir = QString());
  void cancel();
  bool isEvaluating() const { return job_.isRunning(); }
  QString checkpoint() const { return checkpoint_; }
  // evaluation.json written by the last evaluation that completed, else empty.
  QString reportPath() const { return reportPath_; }

 Q_SIGNALS:
  // ok: the report is on screen and written.
  void evaluationFinished(bool ok);
  // The evaluation failed; `message` names the checkpoint, folder or file at fault.
  void errorOccurred(const QString& message);
  void reportWritten(const QString& path);

 private:
  struct Outcome {
    enum class Kind { Done, Failed, Cancelled } kind = Kind::Failed;
    eval::EvaluationReport report;
    QString reportPath;
    QString error;
  };

  void chooseDataset();
  void onFinished(const Outcome& outcome);
  void showReport(const eval::EvaluationReport& report);
  void showSummary(const QString& text, bool isError);
  void setEvaluating(bool evaluating);

  QLabel* summaryLabel_ = nullptr;
  QLineEdit* dataEdit_ = nullptr;
  QPushButton* chooseDataButton_ = nullptr;
  QProgressBar* progressBar_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QPushButton* rerunButton_ = nullptr;

  QString checkpoint_;
  QString reportPath_;
  BackgroundJob<Outcome> job_;  // last: destroyed (and waited for) first
};

}  // namespace longmim::studio
