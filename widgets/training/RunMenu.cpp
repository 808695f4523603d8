#include "training/RunMenu.h"

#include <QAction>
#include <QCoreApplication>
#include <QMenu>

#include <algorithm>
#include <vector>

namespace longmim::studio {
namespace {

QString tr(const char* text) {
  return QCoreApplication::translate("RunsPanel", text);
}

// Newest first by file time; on equal times the later kind in the catalog's order (interrupted,
// best, then the higher epoch) is the newer one.
std::vector<RunCheckpoint> newestFirst(const std::vector<RunCheckpoint>& checkpoints) {
  std::vector<RunCheckpoint> sorted(checkpoints.rbegin(), checkpoints.rend());
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const RunCheckpoint& a, const RunCheckpoint& b) { return a.modified > b.modified; });
  return sorted;
}

QMenu* addCheckpointMenu(QMenu* parent, const QString& title, const QString& objectName,
                         const RunSummary& run, const std::function<void(const QString&)>& chosen) {
  QMenu* menu = parent->addMenu(title);
  menu->setObjectName(objectName);
  menu->setToolTipsVisible(true);
  for (const RunCheckpoint& checkpoint : newestFirst(run.checkpoints)) {
    const QString path = QString::fromStdString(checkpoint.path);
    QAction* action = menu->addAction(checkpointLabel(checkpoint));
    action->setData(path);
    action->setToolTip(path);
    QObject::connect(action, &QAction::triggered, parent, [chosen, path] { chosen(path); });
  }
  menu->menuAction()->setEnabled(!run.checkpoints.empty());
  return menu;
}

}  // namespace

QString checkpointLabel(const RunCheckpoint& checkpoint) {
  if (checkpoint.kind == CheckpointKind::Best) {
    return checkpoint.epoch > 0 ? tr("Best (epoch %1)").arg(checkpoint.epoch) : tr("Best");
  }
  if (checkpoint.kind == CheckpointKind::Interrupted)
    return tr("Interrupted");
  return tr("Epoch %1").arg(checkpoint.epoch);
}

QMenu* makeRunMenu(QWidget* parent, const RunSummary& run, const RunMenuState& state,
                   const RunMenuActions& actions) {
  auto* menu = new QMenu(parent);
  menu->setObjectName(QStringLiteral("runContextMenu"));
  menu->setAttribute(Qt::WA_DeleteOnClose);
  QAction* open = menu->addAction(tr("Open"), menu, actions.open);
  open->setEnabled(state.readable);
  QAction* compare = menu->addAction(tr("Compare"), menu, actions.compare);
  compare->setEnabled(state.canCompare);
  menu->addSeparator();
  QMenu* resume =
      addCheckpointMenu(menu, tr("Resume from"), QStringLiteral("resumeMenu"), run, actions.resume);
  // Two trainers writing one folder would corrupt it.
  if (state.training) {
    resume->menuAction()->setEnabled(false);
    resume->menuAction()->setToolTip(tr("The run is still training"));
  }
  addCheckpointMenu(menu, tr("Show predictions with"), QStringLiteral("predictionsMenu"), run,
                    actions.showPredictions);
  addCheckpointMenu(menu, tr("Evaluate"), QStringLiteral("evaluateMenu"), run, actions.evaluate);
  menu->addSeparator();
  menu->addAction(tr("Open folder"), menu, actions.openFolder);
  return menu;
}

}  // namespace longmim::studio
