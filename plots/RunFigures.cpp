#include "RunFigures.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "Error.h"
#include "LossCurvePlots.h"
#include "train/RunCatalog.h"

namespace longmim::studio {

namespace {

nlohmann::json readParams(const std::string& runDir) {
  const std::string path = runDir + "/training_params.json";
  std::ifstream in(path);
  if (!in)
    throw DataError(path, path + ": cannot be read (is this a run folder of longmim train?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, path + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace

LossPlotCaption runCaption(const QString& runDir) {
  const nlohmann::json p = readParams(runDir.toStdString());
  LossPlotCaption caption;
  try {
    caption.maxLearningRate = p.value("MAX_LR", 0.0);
    caption.batchSize = p.value("BATCH_SIZE", 0);
    caption.accumulation = p.value("UPDATE_EVERY_BATCHES", 1);
    caption.enabledTerms = p.value("loss_terms", std::vector<std::string>{});
    caption.runName = p.value("run_name", std::string());
  } catch (const nlohmann::json::exception& e) {
    const std::string path = runDir.toStdString() + "/training_params.json";
    throw DataError(path, path + ": " + e.what());
  }
  return caption;
}

void writeRunFigures(const QString& runDir, LossAxisScale yScale) {
  const longmim::RunSummary run = longmim::readRun(runDir.toStdString());
  const LossPlotCaption caption = runCaption(runDir);
  writeLossCurves(run.history, caption, runDir + QStringLiteral("/loss_curves.png"), yScale);
  writeDetailedLossCurves(run.history, runDir + QStringLiteral("/detailed_loss_curves.png"),
                          yScale);
}

}  // namespace longmim::studio
