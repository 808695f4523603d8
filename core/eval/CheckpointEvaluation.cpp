#include "eval/CheckpointEvaluation.h"

#include <filesystem>

#include "Error.h"
#include "data/CaseSplit.h"
#include "data/PairPreprocessing.h"
#include "infer/Predictor.h"
#include "io/AtomicFile.h"
#include "synth/DemoDataset.h"

namespace fs = std::filesystem;

namespace longmim::eval {
namespace {

bool sameFolder(const std::string& a, const std::string& b) {
  std::error_code ec;
  const bool same = fs::equivalent(a, b, ec);
  return !ec && same;
}

std::string runDatasetDir(const TrainingConfig& config) {
  return config.dataDir.empty() ? synth::defaultDemoDatasetDir() : config.dataDir;
}

}  // namespace

std::vector<CaseEntry> selectCases(const TrainingConfig& runConfig, const std::string& dataDir,
                                   const std::string& split, std::string& resolved) {
  if (split != "auto" && split != "val" && split != "train" && split != "all")
    throw ConfigError("--split", "--split must be val, train, all or auto (got '" + split + "')");
  const PairIndex index = PairIndex::scan(dataDir);
  const std::vector<CaseEntry> valid = index.validCases();
  if (valid.empty()) {
    throw DataError(
        dataDir, dataDir + ": no valid case to evaluate (see longmim data check " + dataDir + ")");
  }
  const std::string runData = runDatasetDir(runConfig);
  const bool runsDataset = sameFolder(dataDir, runData);
  if (split == "all" || (split == "auto" && !runsDataset)) {
    resolved = "all";
    return valid;
  }
  if (!runsDataset) {
    throw ConfigError("--split", "--split " + split + " needs the run's own dataset (" + runData +
                                     "); " + dataDir + " is another folder: use --split all");
  }
  const CaseSplit s = splitBySubject(valid, runConfig.valFraction, runConfig.seed);
  resolved = split == "train" ? "train" : "val";
  std::vector<CaseEntry> out;
  for (size_t i : resolved == "train" ? s.train : s.val)
    out.push_back(valid[i]);
  if (out.empty()) {
    throw DataError(dataDir, dataDir + ": the run's " + resolved +
                                 " split is empty (VAL_FRACTION " +
                                 std::to_string(runConfig.valFraction) + "); use --split all");
  }
  return out;
}

EvaluationReport evaluateCheckpoint(const EvaluationRequest& request) {
  const Predictor predictor(request.checkpoint);
  const TrainingConfig& config = predictor.config();
  EvaluationReport report;
  report.checkpoint = request.checkpoint;
  report.dataDir = request.dataDir.empty() ? runDatasetDir(config) : request.dataDir;
  report.changeThreshold = config.changeThreshold;
  const std::vector<CaseEntry> cases =
      selectCases(config, report.dataDir, request.split, report.split);
  for (size_t i = 0; i < cases.size(); ++i) {
    if (request.cancelled && request.cancelled())
      throw EvaluationCancelled();
    const PreparedPair pair =
        loadPreparedPair(cases[i], config.imgSize, config.resizeMode == "pad");
    const Image2D map = predictor.predictPrepared(pair.prior, pair.current);
    report.addPair(cases[i].name, map.pixels, pair.diff.pixels, pair.prior.pixels,
                   pair.current.pixels, map.rows, map.cols, config.changeThreshold);
    if (request.progress)
      request.progress(i + 1, cases.size());
  }
  return report;
}

std::string evaluationPathFor(const std::string& checkpoint) {
  return (fs::path(checkpoint).parent_path() / "evaluation.json").string();
}

void writeEvaluation(const EvaluationReport& report, const std::string& path) {
  writeFileAtomically(path, report.toJson().dump(2) + "\n");
}

}  // namespace longmim::eval
