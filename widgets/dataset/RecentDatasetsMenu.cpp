#include "dataset/RecentDatasetsMenu.h"

#include <QAction>
#include <QMetaObject>

namespace longmim::studio {

RecentDatasetsMenu::RecentDatasetsMenu(QWidget* parent) : QMenu(tr("&Recent Datasets"), parent) {
  setObjectName(QStringLiteral("recentDatasetsMenu"));
  connect(this, &QMenu::aboutToShow, this, &RecentDatasetsMenu::refresh);
  refresh();
}

void RecentDatasetsMenu::refresh() {
  clear();
  const QStringList paths = recent_.paths();
  if (paths.isEmpty()) {
    addAction(tr("No recent datasets"))->setEnabled(false);
    return;
  }
  for (int i = 0; i < paths.size(); ++i) {
    const QString path = paths[i];
    QString shown = path;
    shown.replace(QLatin1Char('&'), QStringLiteral("&&"));  // a '&' in a folder name is no mnemonic
    // Only the first nine get a keyboard accelerator.
    const QString label = i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(shown) : shown;
    QAction* action = addAction(label);
    action->setData(path);
    connect(action, &QAction::triggered, this, [this, path] { Q_EMIT datasetChosen(path); });
  }
  addSeparator();
  connect(addAction(tr("&Clear Recent Datasets")), &QAction::triggered, this, [this] {
    recent_.clear();
    // Not now: refresh() deletes the action whose signal is still being delivered.
    QMetaObject::invokeMethod(this, &RecentDatasetsMenu::refresh, Qt::QueuedConnection);
  });
}

}  // namespace longmim::studio
