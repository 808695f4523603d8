#include "training/RunRow.h"

#include <QDateTime>
#include <QDir>
#include <QStandardItemModel>

#include <limits>

#include "common/StatusColors.h"
#include "training/RunsPanel.h"

namespace longmim::studio {
namespace {

const QString kRunPrefix = QStringLiteral("longitudinal_mim_");

// Every run folder starts with the same prefix; the table shows what tells runs apart.
QString displayName(const std::string& name) {
  const QString text = QString::fromStdString(name);
  if (text.startsWith(kRunPrefix) && text.size() > kRunPrefix.size())
    return text.mid(kRunPrefix.size());
  return text;
}

// In progress: neither good nor bad yet, so none of the shared valid / warning / error colours.
QColor runningColor() {
  return QColor(0x15, 0x65, 0xc0);  // blue, dark enough for text
}

QColor statusColor(const QString& status) {
  if (status == QLatin1String("completed"))
    return validColor();
  if (status == QLatin1String("running"))
    return runningColor();
  if (status == QLatin1String("failed") || status == QLatin1String("diverged") ||
      status == QLatin1String(kStatusUnreadable)) {
    return errorColor();
  }
  // interrupted, stopped, stopped unexpectedly, aborted, unknown: resumable or worth a look.
  return warningColor();
}

QString lossText(double loss) {
  return QString::number(loss, 'g', 4);
}

QString startedText(double secondsSinceEpoch) {
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(secondsSinceEpoch * 1000.0))
      .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

void setCell(QStandardItem* item, const QString& text, const QVariant& sortKey,
             const QString& toolTip = {}) {
  item->setData(text, Qt::DisplayRole);
  item->setData(sortKey, SortRole);
  item->setToolTip(toolTip);
}

}  // namespace

QString cleanDir(const QString& dir) {
  return dir.isEmpty() ? QString() : QDir::cleanPath(dir);
}

QString cleanDir(const std::string& dir) {
  return cleanDir(QString::fromStdString(dir));
}

void fillRunRow(QStandardItemModel& model, int row, const RunSummary& run, bool active,
                const QFont& font) {
  const QString dir = model.item(row, RunsPanel::NameColumn)->data(DirRole).toString();
  const QString status = active ? QStringLiteral("running") : QString::fromStdString(run.status);
  const QString message = QString::fromStdString(run.message);

  setCell(model.item(row, RunsPanel::NameColumn), displayName(run.name),
          displayName(run.name).toLower(), dir);
  QStandardItem* statusItem = model.item(row, RunsPanel::StatusColumn);
  setCell(statusItem, status, status, message.isEmpty() ? status : status + ": " + message);
  statusItem->setForeground(statusColor(status));

  if (run.bestValLoss) {
    setCell(model.item(row, RunsPanel::BestValLossColumn), lossText(*run.bestValLoss),
            *run.bestValLoss,
            RunsPanel::tr("Best validation loss, at epoch %1").arg(run.bestEpoch));
  } else {
    setCell(model.item(row, RunsPanel::BestValLossColumn), QString(),
            std::numeric_limits<double>::infinity());
  }

  if (run.bestPearson) {
    setCell(model.item(row, RunsPanel::BestPearsonColumn),
            QString::number(*run.bestPearson, 'f', 2), *run.bestPearson,
            RunsPanel::tr(
                "Highest Pearson r between the validation predictions and their ground truth, "
                "at epoch %1 (0: no better than predicting zeros)")
                .arg(run.bestPearsonEpoch));
  } else {
    setCell(model.item(row, RunsPanel::BestPearsonColumn), QString(), -2.0);
  }

  const bool readable = run.status != kStatusUnreadable;
  QString epochs;
  if (readable) {
    epochs = run.epochsPlanned > 0
                 ? RunsPanel::tr("%1/%2").arg(run.epochsDone).arg(run.epochsPlanned)
                 : QString::number(run.epochsDone);
  }
  setCell(model.item(row, RunsPanel::EpochsColumn), epochs, run.epochsDone,
          run.lastTrainLoss ? RunsPanel::tr("Last train loss %1").arg(lossText(*run.lastTrainLoss))
                            : QString());

  QString architecture = QString::fromStdString(run.architecture);
  if (!run.modelSize.empty())
    architecture += QStringLiteral(" (%1)").arg(QString::fromStdString(run.modelSize));
  setCell(model.item(row, RunsPanel::ArchitectureColumn), architecture, architecture,
          run.parameters > 0 ? RunsPanel::tr("%L1 parameters").arg(run.parameters) : QString());

  if (run.startTime) {
    const QString started = startedText(*run.startTime);
    setCell(model.item(row, RunsPanel::StartedColumn), started, *run.startTime,
            QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(*run.startTime * 1000.0))
                .toString(Qt::ISODate));
  } else {
    setCell(model.item(row, RunsPanel::StartedColumn), QString(), 0.0);
  }

  QFont bold = font;
  bold.setBold(active);
  for (int column = 0; column < RunsPanel::ColumnCount; ++column)
    model.item(row, column)->setFont(bold);
}

}  // namespace longmim::studio
