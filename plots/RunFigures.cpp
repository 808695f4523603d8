#include "RunFigures.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "Error.h"
#include "LossCurvePlots.h"
#include "loss/LossTerms.h"
#include "train/RunCatalog.h"

namespace longmim::studio {

const char* const kLossCurvesFile = "loss_curves.png";
const char* const kDetailedLossCurvesFile = "detailed_loss_curves.png";

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

LossPlotCaption runCaption(const TrainingConfig& config, const std::string& runName) {
  LossPlotCaption caption;
  caption.maxLearningRate = config.maxLr;
  caption.batchSize = config.batchSize;
  caption.accumulation = config.updateEveryBatches;
  caption.enabledTerms = loss::enabledLossTerms(config);
  caption.runName = runName;
  return caption;
}

void writeRunFigures(const TrainingHistory& history, const LossPlotCaption& caption,
                     const QString& dir, LossAxisScale yScale) {
  const QString folder = dir.endsWith(QLatin1Char('/')) ? dir : dir + QLatin1Char('/');
  writeLossCurves(history, caption, folder + QLatin1String(kLossCurvesFile), yScale);
  writeDetailedLossCurves(history, folder + QLatin1String(kDetailedLossCurvesFile), yScale);
}

void writeRunFigures(const QString& runDir, LossAxisScale yScale) {
  writeRunFigures(longmim::readRun(runDir.toStdString()).history, runCaption(runDir), runDir,
                  yScale);
}

}  // namespace longmim::studio
