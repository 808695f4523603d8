// libFuzzer target: the params JSON loaders on arbitrary bytes -- a configuration file given to
// --config / opened in the studio (loadConfigFile, then validateConfig as the form does), and a
// run folder's training_params.json as the runs panel reads it (readRun). Each must read or throw
// longmim::Error naming the file; anything else is a finding.
#include <cstdint>
#include <filesystem>

#include "Error.h"
#include "FuzzInput.h"
#include "config/ConfigJson.h"
#include "config/ConfigValidation.h"
#include "train/RunCatalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = longmim::fuzz::writeInput(data, size, ".json");
  try {
    const longmim::TrainingConfig config = longmim::loadConfigFile(path, longmim::TrainingConfig{});
    (void)longmim::validateConfig(config);
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), path);
  }
  // The same bytes as a run folder's training_params.json.
  const std::string runDir = std::filesystem::path(path).parent_path().string();
  const std::string params = longmim::fuzz::writeInput(data, size, "");
  std::filesystem::rename(params, runDir + "/training_params.json");
  try {
    const longmim::RunSummary summary = longmim::readRun(runDir);
    (void)summary;
  } catch (const longmim::Error& e) {
    longmim::fuzz::requireNamesFile(e.what(), runDir + "/training_params.json");
  }
  return 0;
}
