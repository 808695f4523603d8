#include "LossCsvExport.h"

#include <QSaveFile>

#include "Error.h"
#include "train/MetricsCsv.h"

namespace longmim::studio {

std::string lossCsvText(const TrainingHistory& history) {
  return MetricsCsv::forHistory(history).text(history);
}

void writeLossCsv(const TrainingHistory& history, const QString& path) {
  const auto fail = [&path](const QString& reason) {
    throw Error(QStringLiteral("cannot write %1: %2").arg(path, reason).toStdString());
  };
  const std::string text = lossCsvText(history);
  QSaveFile file(path);  // a temporary file renamed over `path` only on commit()
  if (!file.open(QIODevice::WriteOnly))
    fail(file.errorString());
  if (file.write(text.data(), qint64(text.size())) != qint64(text.size())) {
    file.cancelWriting();
    fail(file.errorString());
  }
  if (!file.commit())
    fail(file.errorString());
}

}  // namespace longmim::studio
