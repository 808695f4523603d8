// How one run reads in the runs panel's table: each column's text, sort key, tooltip, colour and
// weight, from the run's summary (train/RunCatalog.h). The panel keeps the table, the scans and
// the menus.
#pragma once

#include <QFont>
#include <QString>
#include <Qt>

#include <string>

#include "train/RunCatalog.h"

class QStandardItemModel;

namespace longmim::studio {

// The run folder, cleaned (QDir::cleanPath), on the name column's item.
constexpr int DirRole = Qt::UserRole + 1;
// Numbers sort as numbers (0.5 before 0.25 as text would not), unknown values last.
constexpr int SortRole = Qt::UserRole + 2;

// A folder path as the panel compares them: cleaned, empty stays empty.
QString cleanDir(const QString& dir);
QString cleanDir(const std::string& dir);

// Fills row `row` of `model` (one item per RunsPanel::Column, the name's DirRole already set)
// from `run`; `active`: the run this studio trains now (shown as running, in bold).
void fillRunRow(QStandardItemModel& model, int row, const longmim::RunSummary& run, bool active,
                const QFont& font);

}  // namespace longmim::studio
