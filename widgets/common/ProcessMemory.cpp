#include "common/ProcessMemory.h"

#include <unistd.h>

#include <QFile>

namespace longmim::studio {

std::int64_t residentMemoryBytes() {
  QFile statm(QStringLiteral("/proc/self/statm"));
  if (!statm.open(QIODevice::ReadOnly))
    return 0;
  const QList<QByteArray> fields = statm.readAll().split(' ');
  if (fields.size() < 2)
    return 0;
  bool ok = false;
  const qint64 pages = fields[1].toLongLong(&ok);
  return ok ? pages * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

QString formatBytes(std::int64_t bytes) {
  const double mb = double(bytes) / 1e6;
  if (mb < 1000.0)
    return QStringLiteral("%1 MB").arg(qRound(mb));
  return QStringLiteral("%1 GB").arg(mb / 1000.0, 0, 'f', 1);
}

}  // namespace longmim::studio
