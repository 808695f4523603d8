#include "LossCsvExport.h"

#include <QSaveFile>

#include <algorithm>
#include <sstream>
#include <vector>

#include "Error.h"
#include "LossSeries.h"
#include "train/RunFolder.h"

namespace longmim::studio {
namespace {

// The component columns come from metrics.csv's own header (between "total" and
// "learning_rate"), so a column added there shows up here without a second list to keep in step.
std::vector<std::string> metricsComponentColumns() {
  std::vector<std::string> columns;
  std::istringstream header(RunFolder::metricsHeader());
  std::string column;
  bool inComponents = false;
  while (std::getline(header, column, ',')) {
    column.erase(std::remove(column.begin(), column.end(), '\n'), column.end());
    if (column == "learning_rate")
      break;
    if (inComponents)
      columns.push_back(column);
    if (column == "total")
      inComponents = true;
  }
  return columns;
}

// metrics.csv's number format: 9 significant digits, shortest form.
std::string number(double value) {
  std::ostringstream out;
  out.precision(9);
  out << value;
  return out.str();
}

class CsvRows {
 public:
  explicit CsvRows(const TrainingHistory& history) : fixed_(metricsComponentColumns()) {
    for (const std::string& name : lossComponentNames(history)) {
      if (std::find(fixed_.begin(), fixed_.end(), name) == fixed_.end())
        extra_.push_back(name);
    }
  }

  std::string header() const {
    std::string text = RunFolder::metricsHeader();
    text.pop_back();  // the newline
    for (const std::string& name : extra_)
      text += "," + name;
    return text + "\n";
  }

  std::string step(const StepRecord& s) const {
    return "step," + std::to_string(s.epoch) + "," + std::to_string(s.batch) + "," +
           std::to_string(s.globalBatch) + "," + std::to_string(s.optimizerStep) + ",train," +
           number(s.total) + cells(fixed_, s.components) + "," + number(s.learningRate) + "," +
           number(s.beta1) + "," + number(s.samplesPerSecond) + "," + number(s.wallSeconds) +
           RunFolder::validationMetricCells(nullptr) + cells(extra_, s.components) + "\n";
  }

  std::string epoch(const EpochRecord& e) const {
    std::string rows = epochRow(e, "train", e.trainTotal, e.trainComponents, nullptr);
    if (e.valTotal)
      rows += epochRow(e, "val", *e.valTotal, e.valComponents, &e);
    return rows;
  }

 private:
  std::string epochRow(const EpochRecord& e, const char* split, double total,
                       const ComponentValues& components, const EpochRecord* val) const {
    return "epoch," + std::to_string(e.epoch) + ",,,," + split + "," + number(total) +
           cells(fixed_, components) + "," + number(e.learningRate) + "," + number(e.beta1) + "," +
           number(e.samplesPerSecond) + "," + number(e.seconds) +
           RunFolder::validationMetricCells(val) + cells(extra_, components) + "\n";
  }

  static std::string cells(const std::vector<std::string>& columns, const ComponentValues& values) {
    std::string text;
    for (const std::string& name : columns) {
      const std::optional<double> value = findComponent(values, name);
      text += "," + (value ? number(*value) : std::string());
    }
    return text;
  }

  std::vector<std::string> fixed_;
  std::vector<std::string> extra_;
};

}  // namespace

std::string lossCsvText(const TrainingHistory& history) {
  const CsvRows rows(history);
  std::string text = rows.header();
  size_t s = 0;
  for (const EpochRecord& e : history.epochs) {
    for (; s < history.steps.size() && history.steps[s].epoch <= e.epoch; ++s)
      text += rows.step(history.steps[s]);
    text += rows.epoch(e);
  }
  for (; s < history.steps.size(); ++s)
    text += rows.step(history.steps[s]);
  return text;
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
