#include "train/RunFolder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <itkVersion.h>
#include <torch/version.h>

#include "Error.h"
#include "config/ConfigJson.h"
#include "io/AtomicFile.h"
#include "io/DataHome.h"
#include "train/MetricsCsv.h"
#include "train/ProcessStart.h"

namespace fs = std::filesystem;

namespace longmim {
namespace {

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0)
    return {};
  return name;
}

// Appends whole rows or nothing: when the disk fills up (or any write fails) part-way through, the
// file is cut back to its length before the call, so metrics.csv never ends inside a row.
// POSIX calls rather than std::ofstream: a stream cannot truncate back after a failed flush.
void append(const std::string& dir, const std::string& text) {
  const fs::path path = fs::path(dir) / "metrics.csv";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw Error("cannot write " + path.string() + ": " + std::strerror(errno));
  struct stat before {};
  if (::fstat(fd, &before) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error("cannot write " + path.string() + ": " + std::strerror(err));
  }
  const std::string bytes = before.st_size == 0 ? MetricsCsv().header() + text : text;
  size_t written = 0;
  int err = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (err != 0 && ::ftruncate(fd, before.st_size) != 0) {
    // Nothing more to do: a resume rewrites metrics.csv whole from the checkpoint's history.
  }
  ::close(fd);
  if (err != 0)
    throw Error("cannot write " + path.string() + ": " + std::strerror(err));
}

}  // namespace

std::string RunFolder::defaultOutputDir() {
  return (fs::path(studioDataHome()) / "runs").string();
}

std::string RunFolder::runName(const TrainingConfig& config) {
  // The seed's -n/--save_name: the folder is the name itself, OUTPUT_DIR/<NAME>/.
  // validateConfig has made sure it is one folder name.
  if (!config.runName.empty())
    return config.runName;
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d_%H%M%S", std::localtime(&now));
  return std::string("longitudinal_mim_") + stamp;
}

namespace {

bool holdsACheckpoint(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".pt")
      return true;
  }
  return false;
}

}  // namespace

std::string RunFolder::create(const std::string& outputDir, const std::string& name,
                              std::string* reused) {
  const fs::path dir = fs::path(outputDir) / name;
  std::error_code ec;
  if (fs::exists(dir / "training_params.json", ec)) {
    if (holdsACheckpoint(dir)) {
      throw Error(dir.string() +
                  " already holds a run; resume it with -c <checkpoint> or "
                  "choose another run name");
    }
    // A run that ended before its first checkpoint (killed, or failed in its first epoch) has
    // nothing to resume: its name is free again. Only the files a run writes are removed.
    for (const char* file : {"training_params.json", "metrics.csv", "loss_curves.png",
                             "detailed_loss_curves.png", "evaluation.json"}) {
      fs::remove(dir / file, ec);
    }
    if (reused) {
      *reused = "reusing " + dir.string() +
                ": the run there ended before its first checkpoint and left nothing to resume";
    }
  }
  fs::create_directories(dir, ec);
  if (ec)
    throw Error("cannot create the run folder " + dir.string() + ": " + ec.message());
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error("cannot write to the run folder " + dir.string());
  return dir.string();
}

void RunFolder::writeParams(const std::string& dir, const nlohmann::ordered_json& params) {
  writeFileAtomically((fs::path(dir) / "training_params.json").string(), params.dump(2) + "\n");
}

nlohmann::ordered_json RunFolder::params(const TrainingConfig& config, const RunParameters& run) {
  const RunInfo& info = *run.info;
  const TrainingHistory& history = *run.history;
  nlohmann::ordered_json p = configToJson(config);
  p["status"] = run.status;
  p["run_name"] = run.runName;
  p["run_dir"] = run.runDir;
  // Lets a runs browser tell a run in progress from one whose process died while "running".
  p["process_id"] = static_cast<int64_t>(::getpid());
  p["host_name"] = hostName();
  p["process_start"] = processStartStamp(::getpid());
  p["training_start_time"] = run.trainingStart;
  p["device"] = info.device;
  p["threads"] = info.threads;
  p["model_type"] = info.architecture;
  p["model_parameters"] = info.parameters;
  p["effective_batch_size"] = config.batchSize * config.updateEveryBatches;
  p["epochs"] = config.epochs;
  p["start_epoch"] = run.startEpoch;
  p["dataset_dir"] = info.dataDir;
  p["train_dataset_size"] = info.trainPairs;
  p["val_dataset_size"] = info.valPairs;
  p["train_steps_per_epoch"] = info.batchesPerEpoch;
  p["optimizer_steps_per_epoch"] = info.optimizerStepsPerEpoch;
  p["scheduler_type"] = "OneCycleLR";
  p["scheduler"] = run.schedule;
  p["lr_multiplier"] = run.lrMultiplier;
  p["loss_terms"] = run.lossTerms;
  p["library_versions"] = {{"libtorch", TORCH_VERSION},
                           {"itk", ITK_VERSION_STRING},
                           {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                                                 std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                                                 std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
                           {"compiler", __VERSION__}};
  p["last_checkpoint"] = run.lastCheckpoint;
  p["current_epoch"] = history.epochs.empty() ? 0 : history.epochs.back().epoch;
  p["best_epoch"] = history.bestEpoch;
  p["best_val_loss"] = std::isfinite(history.bestValLoss)
                           ? nlohmann::ordered_json(history.bestValLoss)
                           : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json train = nlohmann::ordered_json::array();
  nlohmann::ordered_json val = nlohmann::ordered_json::array();
  for (const EpochRecord& e : history.epochs) {
    train.push_back(e.trainTotal);
    val.push_back(e.valTotal ? nlohmann::ordered_json(*e.valTotal)
                             : nlohmann::ordered_json(nullptr));
  }
  p["train_losses"] = train;
  p["val_losses"] = val;
  if (!run.message.empty())
    p["message"] = run.message;
  p["history"] = history.toJson();
  return p;
}

void RunFolder::rewriteMetrics(const std::string& dir, const TrainingHistory& history) {
  writeFileAtomically((fs::path(dir) / "metrics.csv").string(), MetricsCsv().text(history));
}

void RunFolder::appendMetrics(const std::string& dir, const StepRecord& step) {
  append(dir, MetricsCsv().step(step));
}

void RunFolder::appendMetrics(const std::string& dir, const EpochRecord& epoch) {
  append(dir, MetricsCsv().epoch(epoch));
}

}  // namespace longmim
