#include "dataset/RecentDatasets.h"

#include <QDir>

#include "shell/StudioSettings.h"

namespace longmim::studio {
namespace {

const QString kRecentKey = QStringLiteral("datasets/recent");

// One spelling per folder, so "/data/x/" and "/data/x" are not listed twice.
QString normalised(const QString& path) {
  return QDir::cleanPath(QDir(path).absolutePath());
}

}  // namespace

QStringList RecentDatasets::paths() const {
  return studioSettings().value(kRecentKey).toStringList();
}

QString RecentDatasets::last() const {
  const QStringList all = paths();
  return all.isEmpty() ? QString() : all.first();
}

void RecentDatasets::add(const QString& path) {
  const QString entry = normalised(path);
  QStringList all = paths();
  all.removeAll(entry);
  all.prepend(entry);
  while (all.size() > kMaxEntries)
    all.removeLast();
  write(all);
}

void RecentDatasets::remove(const QString& path) {
  QStringList all = paths();
  all.removeAll(normalised(path));
  write(all);
}

void RecentDatasets::clear() {
  write({});
}

void RecentDatasets::write(const QStringList& paths) {
  QSettings settings = studioSettings();
  settings.setValue(kRecentKey, paths);
}

}  // namespace longmim::studio
