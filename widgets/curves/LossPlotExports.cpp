#include "curves/LossPlotExports.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

#include <exception>

#include "PlotImageExport.h"
#include "RunFigures.h"
#include "common/ErrorBox.h"
#include "curves/LiveLossPlot.h"

namespace longmim::studio {

LossPlotExports::LossPlotExports(LiveLossPlot* plot) : QObject(plot), plot_(plot) {
  image_ = new QAction(tr("Export Image…"), plot);
  image_->setObjectName(QStringLiteral("exportImageAction"));
  connect(image_, &QAction::triggered, this, &LossPlotExports::chooseImage);
  csv_ = new QAction(tr("Export CSV…"), plot);
  csv_->setObjectName(QStringLiteral("exportCsvAction"));
  connect(csv_, &QAction::triggered, this, &LossPlotExports::chooseCsv);
  runFigures_ = new QAction(tr("Export Run Figures…"), plot);
  runFigures_->setObjectName(QStringLiteral("exportRunFiguresAction"));
  runFigures_->setToolTip(tr("Write loss_curves.png and detailed_loss_curves.png into a folder"));
  connect(runFigures_, &QAction::triggered, this, &LossPlotExports::chooseRunFigures);
}

QString LossPlotExports::suggestedPath(const QString& fileName) const {
  return QDir(folder_.isEmpty() ? QDir::homePath() : folder_).filePath(fileName);
}

void LossPlotExports::chooseImage() {
  QString filter;
  const std::string& run = plot_->caption().runName;
  const QString stem = run.empty() ? QStringLiteral("loss") : QString::fromStdString(run);
  QString path = QFileDialog::getSaveFileName(plot_, tr("Export Plot Image"),
                                              suggestedPath(stem + QStringLiteral(".png")),
                                              plotImageFileFilter(), &filter);
  if (path.isEmpty())
    return;
  if (QFileInfo(path).suffix().isEmpty()) {
    // "PDF document (*.pdf)" -> ".pdf": the type chosen in the dialog when none was typed.
    const int star = filter.indexOf(QLatin1String("*."));
    path += star >= 0 ? filter.mid(star + 1).chopped(1) : QStringLiteral(".png");
  }
  folder_ = QFileInfo(path).absolutePath();
  try {
    plot_->exportImage(path);
    Q_EMIT exported(path);
  } catch (const std::exception& e) {
    showErrorBox(plot_, tr("Export Plot Image"), QString::fromStdString(e.what()));
  }
}

void LossPlotExports::chooseCsv() {
  QString path = QFileDialog::getSaveFileName(plot_, tr("Export Loss Values"),
                                              suggestedPath(QStringLiteral("metrics.csv")),
                                              tr("CSV file (*.csv)"));
  if (path.isEmpty())
    return;
  if (QFileInfo(path).suffix().isEmpty())
    path += QStringLiteral(".csv");
  folder_ = QFileInfo(path).absolutePath();
  try {
    plot_->exportCsv(path);
    Q_EMIT exported(path);
  } catch (const std::exception& e) {
    showErrorBox(plot_, tr("Export Loss Values"), QString::fromStdString(e.what()));
  }
}

void LossPlotExports::chooseRunFigures() {
  const QString dir = QFileDialog::getExistingDirectory(
      plot_, tr("Export Run Figures To"), folder_.isEmpty() ? QDir::homePath() : folder_);
  if (dir.isEmpty())
    return;
  folder_ = dir;
  try {
    plot_->exportRunFigures(dir);
    Q_EMIT exported(QDir(dir).filePath(QLatin1String(kLossCurvesFile)));
    Q_EMIT exported(QDir(dir).filePath(QLatin1String(kDetailedLossCurvesFile)));
  } catch (const std::exception& e) {
    showErrorBox(plot_, tr("Export Run Figures"), QString::fromStdString(e.what()));
  }
}

}  // namespace longmim::studio
