// File > Recent Datasets: one entry per remembered dataset folder, plus a way to forget them.
#pragma once

#include <QMenu>

#include "dataset/RecentDatasets.h"

namespace longmim::studio {

class RecentDatasetsMenu : public QMenu {
  Q_OBJECT

 public:
  explicit RecentDatasetsMenu(QWidget* parent = nullptr);

 public Q_SLOTS:
  // Rebuilds the entries from the settings (also done each time the menu is about to show).
  void refresh();

 Q_SIGNALS:
  void datasetChosen(const QString& path);

 private:
  RecentDatasets recent_;
};

}  // namespace longmim::studio
