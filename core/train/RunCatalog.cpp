#include "train/RunCatalog.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "Error.h"
#include "train/ProcessStart.h"

namespace fs = std::filesystem;

namespace longmim {

const char* const kStatusStoppedUnexpectedly = "stopped unexpectedly";
const char* const kStatusUnreadable = "unreadable";

namespace {

const char* const kParamsFile = "training_params.json";

double modifiedSeconds(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return 0.0;
  return static_cast<double>(info.st_mtim.tv_sec) +
         1e-9 * static_cast<double>(info.st_mtim.tv_nsec);
}

std::string thisHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0)
    return {};
  return name;
}

// Only a process on this machine can be checked; kill(pid, 0) sends nothing and fails with ESRCH
// only when no such process exists (EPERM means it exists but belongs to someone else).
// `started` ("process_start" of the run, empty in older runs): a process with the PID that
// started at another time is not the run's (the PID was given to another process since).
bool processIsGone(int64_t pid, const std::string& host, const std::string& started) {
  if (pid <= 0 || host.empty() || host != thisHostName())
    return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
    return true;
  if (started.empty())
    return false;
  const std::string now = processStartStamp(pid);
  return !now.empty() && now != started;
}

nlohmann::json parseParams(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    throw DataError(path, exists ? path + " cannot be read"
                                 : path + " is missing: the folder holds no training run");
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (1e999)
    throw DataError(path, path + " is not valid JSON (" + e.what() + ")");
  }
}

// Typed access to the keys of training_params.json: an absent or null key is "not written" (older
// files and the Python reference lack many); a value of the wrong type means the file is damaged.
class ParamsReader {
 public:
  ParamsReader(const nlohmann::json& json, const std::string& path) : json_(json), path_(path) {}

  bool has(const char* key) const { return json_.contains(key) && !json_.at(key).is_null(); }

  std::optional<double> number(const char* key) const {
    if (!has(key))
      return std::nullopt;
    const nlohmann::json& v = json_.at(key);
    if (!v.is_number())
      throw wrongType(key, "a number");
    return v.get<double>();
  }

  std::optional<int64_t> integer(const char* key) const {
    const std::optional<double> v = number(key);
    if (!v)
      return std::nullopt;
    if (*v != static_cast<double>(static_cast<int64_t>(*v)))
      throw wrongType(key, "a whole number");
    return static_cast<int64_t>(*v);
  }

  std::string text(const char* key) const {
    if (!has(key))
      return {};
    const nlohmann::json& v = json_.at(key);
    if (!v.is_string())
      throw wrongType(key, "text");
    return v.get<std::string>();
  }

  const nlohmann::json* array(const char* key) const {
    if (!has(key))
      return nullptr;
    const nlohmann::json& v = json_.at(key);
    if (!v.is_array())
      throw wrongType(key, "a list");
    return &v;
  }

 private:
  DataError wrongType(const char* key, const char* expected) const {
    return DataError(path_, path_ + ": \"" + key + "\" should be " + expected + " but is " +
                                json_.at(key).dump());
  }

  const nlohmann::json& json_;
  const std::string& path_;
};

// Files written before the trainer kept a full history (and the Python reference) only have the
// per-epoch totals; they still give the curves.
TrainingHistory historyFromTotals(const ParamsReader& params) {
  TrainingHistory history;
  const nlohmann::json* train = params.array("train_losses");
  if (!train)
    return history;
  const nlohmann::json* val = params.array("val_losses");
  for (size_t i = 0; i < train->size(); ++i) {
    if (!(*train)[i].is_number())
      continue;
    EpochRecord e;
    e.epoch = static_cast<int>(i) + 1;
    e.trainTotal = (*train)[i].get<double>();
    if (val && i < val->size() && (*val)[i].is_number())
      e.valTotal = (*val)[i].get<double>();
    history.epochs.push_back(e);
  }
  return history;
}

TrainingHistory readHistory(const nlohmann::json& json, const ParamsReader& params,
                            const std::string& path) {
  if (!params.has("history"))
    return historyFromTotals(params);
  try {
    return TrainingHistory::fromJson(json.at("history"));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, path + ": the \"history\" is damaged (" + e.what() + ")");
  }
}

std::vector<RunCheckpoint> listCheckpoints(const std::string& runDir, int bestEpoch) {
  std::vector<RunCheckpoint> epochs;
  std::optional<RunCheckpoint> best;
  std::optional<RunCheckpoint> interrupted;
  std::error_code ec;
  for (fs::directory_iterator it(runDir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entryError;
    if (!it->is_regular_file(entryError))
      continue;
    const std::string fileName = it->path().filename().string();
    const std::string path = it->path().string();
    const std::optional<CheckpointFile> file = checkpointFileOf(fileName);
    if (!file)
      continue;
    switch (file->kind) {
      case CheckpointKind::Epoch:
        epochs.push_back({path, file->kind, file->epoch, modifiedSeconds(path)});
        break;
      case CheckpointKind::Best:
        best = RunCheckpoint{path, file->kind, bestEpoch, modifiedSeconds(path)};
        break;
      case CheckpointKind::Interrupted:
        interrupted = RunCheckpoint{path, file->kind, 0, modifiedSeconds(path)};
        break;
    }
  }
  if (ec)
    throw DataError(runDir, "cannot list the run folder " + runDir + ": " + ec.message());
  std::sort(epochs.begin(), epochs.end(),
            [](const RunCheckpoint& a, const RunCheckpoint& b) { return a.epoch < b.epoch; });
  if (best)
    epochs.push_back(*best);
  if (interrupted)
    epochs.push_back(*interrupted);
  return epochs;
}

std::string stoppedUnexpectedlyMessage(const RunSummary& run) {
  std::string text = "the training process (pid " + std::to_string(run.processId) + " on " +
                     run.hostName + ") ended while the run was marked running";
  const auto newest = std::max_element(
      run.checkpoints.begin(), run.checkpoints.end(),
      [](const RunCheckpoint& a, const RunCheckpoint& b) { return a.modified < b.modified; });
  if (newest == run.checkpoints.end())
    return text + "; it wrote no checkpoint, so start it again";
  return text + "; resume from its last checkpoint " + newest->path;
}

}  // namespace

RunSummary readRun(const std::string& runDir) {
  const std::string path = (fs::path(runDir) / kParamsFile).string();
  const nlohmann::json json = parseParams(path);
  if (!json.is_object())
    throw DataError(path, path + " does not hold the settings of a run (expected a JSON object)");
  const ParamsReader params(json, path);

  RunSummary run;
  run.dir = runDir;
  run.name = params.text("run_name");
  if (run.name.empty())
    run.name = fs::path(runDir).filename().string();
  run.status = params.text("status");
  if (run.status.empty())
    run.status = "unknown";
  run.architecture = params.text("model_type");
  if (run.architecture.empty())
    run.architecture = params.text("MODEL_ARCH");
  run.modelSize = params.text("MODEL_SIZE");
  run.parameters = params.integer("model_parameters").value_or(0);
  run.history = readHistory(json, params, path);

  const std::optional<int64_t> current = params.integer("current_epoch");
  run.epochsDone = current                       ? static_cast<int>(*current)
                   : !run.history.epochs.empty() ? run.history.epochs.back().epoch
                                                 : 0;
  std::optional<int64_t> planned = params.integer("epochs");
  if (!planned)
    planned = params.integer("LONGITUDINAL_MIM_EPOCHS");
  run.epochsPlanned = static_cast<int>(planned.value_or(0));
  run.bestEpoch = static_cast<int>(params.integer("best_epoch").value_or(run.history.bestEpoch));
  run.bestValLoss = params.number("best_val_loss");
  if (!run.bestValLoss && std::isfinite(run.history.bestValLoss))
    run.bestValLoss = run.history.bestValLoss;
  if (!run.history.epochs.empty())
    run.lastTrainLoss = run.history.epochs.back().trainTotal;
  for (const EpochRecord& e : run.history.epochs) {
    if (e.valMetrics && std::isfinite(e.valMetrics->pearson) &&
        (!run.bestPearson || e.valMetrics->pearson > *run.bestPearson)) {
      run.bestPearson = e.valMetrics->pearson;
      run.bestPearsonEpoch = e.epoch;
    }
  }
  // The trainer writes seconds since the Unix epoch; the Python reference writes a date text,
  // which is left unknown rather than guessed.
  if (params.has("training_start_time") && !json.at("training_start_time").is_string())
    run.startTime = params.number("training_start_time");
  run.lastModified = modifiedSeconds(path);
  run.lastCheckpoint = params.text("last_checkpoint");
  run.message = params.text("message");
  run.processId = params.integer("process_id").value_or(0);
  run.hostName = params.text("host_name");
  run.checkpoints = listCheckpoints(runDir, run.bestEpoch);

  if (run.status == "running" &&
      processIsGone(run.processId, run.hostName, params.text("process_start"))) {
    run.status = kStatusStoppedUnexpectedly;
    run.message = stoppedUnexpectedlyMessage(run);
  }
  return run;
}

std::vector<RunSummary> scanRuns(const std::string& outputDir) {
  std::error_code ec;
  if (!fs::exists(outputDir, ec))
    return {};
  if (!fs::is_directory(outputDir, ec))
    throw DataError(outputDir, outputDir + " is not a folder; choose the folder that holds runs");
  std::vector<std::string> runDirs;
  for (fs::directory_iterator it(outputDir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entryError;
    if (it->is_directory(entryError) && fs::exists(it->path() / kParamsFile, entryError))
      runDirs.push_back(it->path().string());
  }
  if (ec)
    throw DataError(outputDir, "cannot list the runs in " + outputDir + ": " + ec.message());
  std::sort(runDirs.begin(), runDirs.end());

  std::vector<RunSummary> runs;
  runs.reserve(runDirs.size());
  for (const std::string& dir : runDirs) {
    try {
      runs.push_back(readRun(dir));
    } catch (const Error& e) {
      RunSummary broken;
      broken.dir = dir;
      broken.name = fs::path(dir).filename().string();
      broken.status = kStatusUnreadable;
      broken.message = e.what();
      broken.lastModified = modifiedSeconds((fs::path(dir) / kParamsFile).string());
      runs.push_back(std::move(broken));
    }
  }
  return runs;
}

std::string checkpointToOpen(const RunSummary& run) {
  for (const RunCheckpoint& c : run.checkpoints) {
    if (c.kind == CheckpointKind::Best)
      return c.path;
  }
  return run.checkpoints.empty() ? std::string() : run.checkpoints.back().path;
}

}  // namespace longmim
