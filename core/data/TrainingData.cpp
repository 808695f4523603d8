#include "data/TrainingData.h"

#include "Error.h"
#include "Log.h"

namespace longmim {
namespace {

std::string describeProblems(const PairIndex& index, size_t limit) {
  std::string text;
  size_t shown = 0;
  for (const DataProblem& p : index.problems()) {
    if (!p.fatal)
      continue;
    if (shown == limit) {
      text += "; ...";
      break;
    }
    text +=
        (shown ? "; " : "") + p.caseName + (p.file.empty() ? "" : "/" + p.file) + ": " + p.reason;
    ++shown;
  }
  return text;
}

}  // namespace

TrainingData TrainingData::open(const std::string& dataDir, const TrainingConfig& config) {
  TrainingData data;
  data.index = PairIndex::scan(dataDir);
  const std::vector<CaseEntry> valid = data.index.validCases();
  if (valid.empty()) {
    const std::string details = describeProblems(data.index, 5);
    throw DataError(dataDir,
                    dataDir + ": no valid case found" +
                        (data.index.cases().empty()
                             ? std::string(" (no folder holds prior.nii.gz, current.nii.gz and "
                                           "diff_map.nii.gz)")
                             : " among " + std::to_string(data.index.cases().size()) +
                                   " case folders: " + details) +
                        ". Run `longmim data check " + dataDir + "` for the full report.");
  }
  if (data.index.invalidCount() > 0) {
    std::string names;
    for (const CaseEntry& c : data.index.cases()) {
      if (!c.valid)
        names += (names.empty() ? "" : ", ") + c.name;
    }
    logWarning("skipping " + std::to_string(data.index.invalidCount()) + " invalid case(s) in " +
               dataDir + ": " + names + " (" + describeProblems(data.index, 3) + ")");
  }

  const CaseSplit split = splitBySubject(valid, config.valFraction, config.seed);
  for (const size_t i : split.train)
    data.trainCases.push_back(valid[i]);
  for (const size_t i : split.val)
    data.valCases.push_back(valid[i]);
  if (config.valFraction > 0.0 && data.valCases.empty()) {
    logWarning(dataDir + ": only one subject, so there is no validation set");
  }
  auto newCache = [&] { return config.cacheImages ? std::make_shared<ImageCache>() : nullptr; };
  data.train = std::make_shared<PairDataset>(data.trainCases, config, true, newCache());
  data.val = std::make_shared<PairDataset>(data.valCases, config, false, newCache());
  return data;
}

}  // namespace longmim
