// The datasets the user opened, newest first, kept in QSettings("longmim", "studio") so the studio
// reopens the last one at start and offers the others in File > Recent Datasets.
#pragma once

#include <QString>
#include <QStringList>

namespace longmim::studio {

class RecentDatasets {
 public:
  static constexpr int kMaxEntries = 8;

  QStringList paths() const;  // newest first
  QString last() const;       // empty when none
  // Puts `path` first (moving it if already listed) and makes it the last opened dataset.
  void add(const QString& path);
  void remove(const QString& path);
  void clear();

 private:
  void write(const QStringList& paths);
};

}  // namespace longmim::studio
