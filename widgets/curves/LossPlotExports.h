// The live loss plot's exports as the user reaches them: the Export Image / CSV / Run Figures
// actions, their file dialogs (remembering the last folder), the suffix of the type chosen in the
// dialog, and the error box when a file cannot be written. The writing itself is LiveLossPlot's
// exportImage / exportCsv / exportRunFigures.
#pragma once

#include <QObject>
#include <QString>

class QAction;

namespace longmim::studio {

class LiveLossPlot;

class LossPlotExports : public QObject {
  Q_OBJECT

 public:
  explicit LossPlotExports(LiveLossPlot* plot);

  QAction* imageAction() const { return image_; }
  QAction* csvAction() const { return csv_; }
  QAction* runFiguresAction() const { return runFigures_; }

 Q_SIGNALS:
  // A file written from one of the actions.
  void exported(const QString& path);

 private:
  void chooseImage();
  void chooseCsv();
  void chooseRunFigures();
  QString suggestedPath(const QString& fileName) const;

  LiveLossPlot* plot_;
  QAction* image_ = nullptr;
  QAction* csv_ = nullptr;
  QAction* runFigures_ = nullptr;
  QString folder_;  // where the last export went
};

}  // namespace longmim::studio
