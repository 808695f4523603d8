#include "train/Trainer.h"

#include <unistd.h>

#include <ATen/autocast_mode.h>
#include <itkVersion.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "ComputeThreads.h"
#include "Error.h"
#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/ConfigValidation.h"
#include "data/PairLoader.h"
#include "data/TrainingData.h"
#include "eval/EvaluationReport.h"
#include "loss/LossComposer.h"
#include "model/ModelFactory.h"
#include "model/WeightImport.h"
#include "synth/DemoDataset.h"
#include "train/AccumulationPlan.h"
#include "train/CheckpointStore.h"
#include "train/OneCycleSchedule.h"
#include "train/ProcessStart.h"
#include "train/RunFolder.h"
#include "train/TensorBoardWriter.h"

namespace fs = std::filesystem;

namespace longmim {

namespace {
std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0)
    return {};
  return name;
}
}  // namespace

const char* const kBestCheckpointName = "longitudinal_mim_best.pt";
const char* const kInterruptedCheckpointName = "longitudinal_mim_interrupted.pt";

std::string epochCheckpointName(int epoch) {
  return "longitudinal_mim_epoch_" + std::to_string(epoch) + ".pt";
}

const char* trainerStateName(TrainerState state) {
  switch (state) {
    case TrainerState::Preparing:
      return "preparing";
    case TrainerState::Running:
      return "running";
    case TrainerState::Paused:
      return "paused";
    case TrainerState::Stopping:
      return "stopping";
    case TrainerState::Finished:
      break;
  }
  return "finished";
}

const char* runOutcomeName(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::Completed:
      return "completed";
    case RunOutcome::Stopped:
      return "stopped";
    case RunOutcome::Interrupted:
      return "interrupted";
    case RunOutcome::Aborted:
      return "aborted";
    case RunOutcome::Diverged:
      return "diverged";
    case RunOutcome::Failed:
      break;
  }
  return "failed";
}

namespace {

// Keys that shape the model, the data or the schedule: a checkpoint only continues a run that
// agrees on them.
const char* const kResumeLockedKeys[] = {"MODEL_ARCH",
                                         "MODEL_SIZE",
                                         "IMG_SIZE",
                                         "BATCH_SIZE",
                                         "UPDATE_EVERY_BATCHES",
                                         "LONGITUDINAL_MIM_EPOCHS",
                                         "MAX_LR",
                                         "PCT_START",
                                         "DIV_FACTOR",
                                         "FINAL_DIV_FACTOR",
                                         "SEED",
                                         "VAL_FRACTION"};

// Keys a resumed run may take from the caller rather than from the checkpoint.
const char* const kResumeFreeKeys[] = {
    "DATA_DIR",        "OUTPUT_DIR",     "NUM_THREADS",      "DEVICE",       "TENSORBOARD",
    "TENSORBOARD_DIR", "LOADER_THREADS", "PREFETCH_BATCHES", "CACHE_IMAGES", "LOG_EVERY_BATCHES"};

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

ComponentValues componentsOf(const loss::LossResult& r) {
  ComponentValues out;
  for (const loss::LossComponent& c : r.components)
    out.emplace_back(c.name, c.value);
  return out;
}

// Running mean of loss components over batches (weighted by batch size).
struct Averager {
  double total = 0.0;
  ComponentValues sums;
  double weight = 0.0;

  void add(const loss::LossResult& r, double w) {
    total += r.totalValue() * w;
    for (const loss::LossComponent& c : r.components) {
      bool found = false;
      for (auto& [name, sum] : sums) {
        if (name == c.name) {
          sum += c.value * w;
          found = true;
        }
      }
      if (!found)
        sums.emplace_back(c.name, c.value * w);
    }
    weight += w;
  }
  double mean() const { return weight > 0 ? total / weight : 0.0; }
  // The running sums as saved in an interrupted checkpoint, so that a resumed epoch's train loss
  // covers the batches before the interruption too.
  nlohmann::ordered_json toJson() const {
    nlohmann::ordered_json components = nlohmann::ordered_json::array();
    for (const auto& [name, sum] : sums)
      components.push_back({name, sum});
    return {{"total", total}, {"weight", weight}, {"components", components}};
  }
  static Averager fromJson(const nlohmann::json& j) {
    Averager a;
    a.total = j.at("total").get<double>();
    a.weight = j.at("weight").get<double>();
    for (const auto& c : j.at("components"))
      a.sums.emplace_back(c.at(0).get<std::string>(), c.at(1).get<double>());
    return a;
  }
  ComponentValues means() const {
    ComponentValues out = sums;
    for (auto& [name, v] : out)
      v = weight > 0 ? v / weight : 0.0;
    return out;
  }
};

std::vector<float> toVector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<std::uint8_t> toGreyBytes(const std::vector<float>& values, float lo, float hi) {
  std::vector<std::uint8_t> out(values.size());
  const float range = hi > lo ? hi - lo : 1.0f;
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(
        std::lround(std::clamp((values[i] - lo) / range, 0.0f, 1.0f) * 255.0f));
  }
  return out;
}

enum class EpochEnd { Finished, Interrupted, Aborted, Diverged };

// A handle to torch's default CPU generator (dropout masks, random initialisation).
at::Generator cpuGenerator() {
  return at::detail::getDefaultCPUGenerator();
}

// The default generator of each visible GPU; none on a machine (or a LibTorch) without CUDA.
std::vector<at::Generator> cudaGenerators() {
  std::vector<at::Generator> out;
  if (!torch::cuda::is_available())
    return out;
  const auto count = static_cast<c10::DeviceIndex>(torch::cuda::device_count());
  for (c10::DeviceIndex i = 0; i < count; ++i)
    out.push_back(at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, i)));
  return out;
}

}  // namespace

struct Trainer::Impl {
  TrainerOptions options;
  TrainerObserver* observer;
  CommandQueue commands;
  TrainingConfig config;
  torch::Device device = torch::kCPU;

  TrainingData data;
  std::unique_ptr<PairLoader> trainLoader;
  std::unique_ptr<PairLoader> valLoader;
  model::LongitudinalModel model;
  std::unique_ptr<loss::LossComposer> composer;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::unique_ptr<OneCycleSchedule> schedule;
  std::unique_ptr<TensorBoardWriter> tensorboard;
  double lrMultiplier = 1.0;
  double lastLr = 0.0;  // used by the latest optimizer step
  double lastBeta1 = 0.0;

  std::string runDir;
  std::string runName;
  RunInfo info;
  TrainingHistory history;
  std::optional<Checkpoint> resumeFrom;
  int startEpoch = 1;
  int startBatch = 0;
  int64_t globalBatch = 0;
  int64_t optimizerStep = 0;
  std::string lastCheckpoint;
  std::string failureMessage;
  FailureKind failureKind = FailureKind::None;
  bool stopAfterEpoch = false;
  double sessionStart = 0.0;
  std::chrono::steady_clock::time_point clock = std::chrono::steady_clock::now();

  Averager epochSums;                   // the current epoch's train-loss sums so far
  std::optional<Averager> resumedSums;  // from an interrupted checkpoint, for its epoch
  // From an interrupted checkpoint: parameter index -> gradient accumulated before the stop.
  std::vector<std::pair<size_t, torch::Tensor>> resumedGradients;
  int stopBatch = 0;  // where a Stop inside an epoch interrupted it (the next batch to train)

  Impl(TrainerOptions o, TrainerObserver* obs) : options(std::move(o)), observer(obs) {}

  void say(LogLevel level, const std::string& text) {
    if (observer)
      observer->message(level, text);
  }
  void setState(TrainerState state) {
    if (observer)
      observer->stateChanged(state);
  }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - clock).count();
  }

  // ---- preparation ------------------------------------------------------------------------

  void resolveConfig() {
    config = options.config;
    if (!options.resumeCheckpoint.empty()) {
      resumeFrom = loadCheckpoint(options.resumeCheckpoint);
      TrainingConfig saved;
      applyConfigJson(saved, nlohmann::json::parse(resumeFrom->configJson),
                      options.resumeCheckpoint);
      if (options.configFromCheckpoint) {
        TrainingConfig merged = saved;
        for (const char* key : kResumeFreeKeys) {
          const ConfigField* field = findConfigField(key);
          setConfigValue(merged, *field, configValue(config, *field), "resume");
        }
        config = merged;
      } else {
        std::string differences;
        for (const char* key : kResumeLockedKeys) {
          const ConfigField* field = findConfigField(key);
          const auto before = configValue(saved, *field);
          const auto now = configValue(config, *field);
          if (before != now) {
            differences += std::string(differences.empty() ? "" : ", ") + key + " " +
                           before.dump() + " -> " + now.dump();
          }
        }
        if (!differences.empty()) {
          throw ConfigError({},
                            options.resumeCheckpoint + " was trained with another configuration (" +
                                differences +
                                "); resume with the checkpoint's own settings or start a new run");
        }
      }
    }
    requireValidConfig(config, "configuration");
    for (const ConfigProblem& p : checkConfigFiles(config))
      throw ConfigError(p.key, p.message);
    for (const ConfigProblem& w : configWarnings(config))
      say(LogLevel::Warning, w.message);
  }

  void chooseDevice() {
    if (config.device == "cuda" || (config.device == "auto" && torch::cuda::is_available())) {
      if (!torch::cuda::is_available()) {
        throw ConfigError(
            "DEVICE",
            "DEVICE is cuda but this LibTorch sees no CUDA device (Debian's LibTorch is "
            "CPU-only); use DEVICE=cpu or auto");
      }
      device = torch::Device(torch::kCUDA);
    }
    if (config.precision == "fp16" && !device.is_cuda()) {
      throw ConfigError("PRECISION",
                        "PRECISION fp16 needs a CUDA device; use fp32 or bf16 on the CPU");
    }
    info.threads = setComputeThreads(config.numThreads);
    info.device = device.is_cuda() ? "cuda" : "cpu";
  }

  void openData() {
    std::string dir = config.dataDir;
    if (dir.empty()) {
      dir = synth::defaultDemoDatasetDir();
      if (!synth::isDemoDatasetComplete(dir)) {
        say(LogLevel::Info, "generating the demo dataset in " + dir);
        synth::DatasetSynthesizer(synth::demoDatasetJob(dir)).run();
      }
    }
    info.dataDir = dir;
    data = TrainingData::open(dir, config);
    if (data.trainCases.empty())
      throw DataError(dir, dir + ": no training case left after the validation split");
    PairLoader::Options o;
    o.batchSize = static_cast<size_t>(config.batchSize);
    o.seed = static_cast<std::uint64_t>(config.seed);
    o.prefetchBatches = static_cast<size_t>(config.prefetchBatches);
    o.threads = static_cast<size_t>(config.loaderThreads);
    o.shuffle = true;
    trainLoader = std::make_unique<PairLoader>(data.train, o);
    o.shuffle = false;
    valLoader = std::make_unique<PairLoader>(data.val, o);
    info.trainPairs = data.trainCases.size();
    info.valPairs = data.valCases.size();
    info.batchesPerEpoch = static_cast<int>(trainLoader->batchesPerEpoch());
    info.optimizerStepsPerEpoch =
        AccumulationPlan{config.updateEveryBatches, info.batchesPerEpoch}.stepsPerEpoch();
  }

  void buildModel() {
    model = model::buildModel(config);
    if (!config.pretrainedWeights.empty()) {
      const auto report =
          model::importWeights(*model, config.pretrainedWeights, config.weightsStrict);
      say(LogLevel::Info,
          "PRETRAINED_WEIGHTS " + config.pretrainedWeights + ": " + report.summary());
    }
    if (!config.encoderWeights.empty()) {
      const auto report = model::importWeights(model->encoderModule(), config.encoderWeights,
                                               config.weightsStrict, "encoder.");
      say(LogLevel::Info, "ENCODER_WEIGHTS " + config.encoderWeights + ": " + report.summary());
    }
    model->to(device);
    composer = std::make_unique<loss::LossComposer>(config, device);
    optimizer = std::make_unique<torch::optim::AdamW>(
        model->parameters(), torch::optim::AdamWOptions(config.maxLr)
                                 .betas(std::make_tuple(config.beta1Max, config.beta2))
                                 .eps(config.adamEps)
                                 .weight_decay(config.weightDecay));
    OneCycleSchedule::Options s;
    s.maxLr = config.maxLr;
    s.totalSteps = static_cast<int64_t>(config.epochs) * info.optimizerStepsPerEpoch;
    s.pctStart = config.pctStart;
    s.divFactor = config.divFactor;
    s.finalDivFactor = config.finalDivFactor;
    s.baseMomentum = config.beta1Min;
    s.maxMomentum = config.beta1Max;
    schedule = std::make_unique<OneCycleSchedule>(s);
    info.architecture = model->architecture();
    info.modelSize = model->size();
    info.parameters = model::parameterCount(*model);
    info.imageSize = config.imgSize;
    info.epochs = config.epochs;
  }

  void restoreCheckpoint() {
    const Checkpoint& c = *resumeFrom;
    if (c.architecture != model->architecture() || c.modelSize != model->size() ||
        c.imageSize != config.imgSize) {
      throw DataError(options.resumeCheckpoint,
                      options.resumeCheckpoint + " holds a " + c.architecture + " (" + c.modelSize +
                          ", " + std::to_string(c.imageSize) + " px) model, not " +
                          model->architecture() + " (" + model->size() + ", " +
                          std::to_string(config.imgSize) + " px)");
    }
    std::map<std::string, torch::Tensor> weights(c.model.begin(), c.model.end());
    model::importWeights(*model, weights, /*strict=*/true, options.resumeCheckpoint);
    auto& states = optimizer->state();
    const std::vector<torch::Tensor> params = model->parameters();
    if (c.optimizerState.size() != params.size()) {
      throw DataError(options.resumeCheckpoint,
                      options.resumeCheckpoint + ": optimizer state for " +
                          std::to_string(c.optimizerState.size()) + " tensors, model has " +
                          std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (!c.optimizerState[i])
        continue;
      auto state = std::make_unique<torch::optim::AdamWParamState>();
      state->step(c.optimizerState[i]->step);
      state->exp_avg(c.optimizerState[i]->expAvg.to(device).clone());
      state->exp_avg_sq(c.optimizerState[i]->expAvgSq.to(device).clone());
      states[c10::guts::to_string(params[i].unsafeGetTensorImpl())] = std::move(state);
    }
    const nlohmann::json scheduler = nlohmann::json::parse(c.schedulerJson);
    lrMultiplier = scheduler.value("lr_multiplier", 1.0);
    if (scheduler.contains("total_steps")) {
      // A dataset of another size gives another number of steps per epoch; the run keeps the
      // schedule it was on (as PyTorch's OneCycleLR state would) and says so.
      const OneCycleSchedule saved = OneCycleSchedule::fromJson(scheduler);
      const int64_t savedTotal = saved.options().totalSteps;
      const int64_t newTotal = schedule->options().totalSteps;
      if (savedTotal != newTotal) {
        schedule = std::make_unique<OneCycleSchedule>(saved);
        say(LogLevel::Warning,
            "the training set now gives " + std::to_string(info.optimizerStepsPerEpoch) +
                " optimizer steps per epoch (" + std::to_string(info.trainPairs) +
                " pairs); the run keeps its learning-rate schedule of " +
                std::to_string(savedTotal) + " steps (" + std::to_string(newTotal) +
                " with this dataset from the start)");
      }
    }
    history = TrainingHistory::fromJson(nlohmann::json::parse(c.historyJson));
    globalBatch = c.globalBatch;
    optimizerStep = c.optimizerStep;
    if (optimizerStep > 0) {
      // What the last step before the save used; logged until the resumed run's first step.
      lastLr = schedule->learningRate(optimizerStep - 1) * lrMultiplier;
      lastBeta1 = schedule->beta1(optimizerStep - 1);
    }
    if (c.batchInEpoch > 0) {
      startEpoch = c.epoch + 1;
      startBatch = c.batchInEpoch;
      if (!c.epochSumsJson.empty())  // older checkpoints: the epoch's loss covers what follows
        resumedSums = Averager::fromJson(nlohmann::json::parse(c.epochSumsJson));
      for (const auto& [index, gradient] : c.accumulatedGradients)
        resumedGradients.emplace_back(static_cast<size_t>(index), gradient);
    } else {
      startEpoch = c.epoch + 1;
      startBatch = 0;
    }
    // Steps logged after the checkpoint's position belong to a lost future: drop them.
    history.steps.erase(
        std::remove_if(history.steps.begin(), history.steps.end(),
                       [&](const StepRecord& s) { return s.globalBatch > globalBatch; }),
        history.steps.end());
    if (c.rngState.defined())
      cpuGenerator().set_state(c.rngState);
    restoreCudaRngStates(c.cudaRngStates);
    if (composer->discriminator() && !c.discriminator.empty()) {
      std::map<std::string, torch::Tensor> d(c.discriminator.begin(), c.discriminator.end());
      model::importWeights(*composer->discriminator(), d, true, options.resumeCheckpoint);
    }
    info.resumed = true;
  }

  // Dropout and augmentation draws on a GPU continue as they would have without the stop.
  void restoreCudaRngStates(const std::vector<torch::Tensor>& states) {
    if (states.empty())
      return;
    std::vector<at::Generator> generators = cudaGenerators();
    const size_t shared = std::min(states.size(), generators.size());
    for (size_t i = 0; i < shared; ++i) {
      std::lock_guard<std::mutex> lock(generators[i].mutex());
      generators[i].set_state(states[i]);
    }
    if (generators.size() != states.size()) {
      say(LogLevel::Warning,
          options.resumeCheckpoint + " holds the CUDA random state of " +
              std::to_string(states.size()) + " GPU(s) and this machine has " +
              std::to_string(generators.size()) + "; " +
              (shared == 0 ? std::string("it is not used")
                           : "the first " + std::to_string(shared) + " are restored") +
              ", so random draws on the GPU differ from an uninterrupted run");
    }
  }

  void createRunFolder() {
    if (resumeFrom) {
      runDir = fs::path(options.resumeCheckpoint).parent_path().string();
      if (runDir.empty())
        runDir = ".";
      runName = fs::path(runDir).filename().string();
      if (::access(runDir.c_str(), W_OK) != 0)
        throw Error("cannot write to the run folder " + runDir + ": " + std::strerror(errno));
    } else {
      const std::string output =
          config.outputDir.empty() ? RunFolder::defaultOutputDir() : config.outputDir;
      runName = RunFolder::runName(config);
      std::string reused;
      runDir = RunFolder::create(output, runName, &reused);
      if (!reused.empty())
        say(LogLevel::Info, reused);
    }
    info.runDir = runDir;
    info.runName = runName;
    info.startEpoch = startEpoch;
    if (config.tensorboard) {
      const fs::path base =
          fs::path(config.tensorboardDir.empty() ? std::string("runs") : config.tensorboardDir);
      tensorboard = std::make_unique<TensorBoardWriter>((base / runName).string());
    }
    if (resumeFrom) {
      RunFolder::rewriteMetrics(runDir, history);
    }
    writeParams("running");
  }

  // ---- run files ----------------------------------------------------------------------------

  nlohmann::ordered_json params(const std::string& status) const {
    nlohmann::ordered_json p = configToJson(config);
    p["status"] = status;
    p["run_name"] = runName;
    p["run_dir"] = runDir;
    // Lets a runs browser tell a run in progress from one whose process died while "running".
    p["process_id"] = static_cast<int64_t>(::getpid());
    p["host_name"] = hostName();
    p["process_start"] = processStartStamp(::getpid());
    p["training_start_time"] = sessionStart;
    p["device"] = info.device;
    p["threads"] = info.threads;
    p["model_type"] = info.architecture;
    p["model_parameters"] = info.parameters;
    p["effective_batch_size"] = config.batchSize * config.updateEveryBatches;
    p["epochs"] = config.epochs;
    p["start_epoch"] = startEpoch;
    p["dataset_dir"] = info.dataDir;
    p["train_dataset_size"] = info.trainPairs;
    p["val_dataset_size"] = info.valPairs;
    p["train_steps_per_epoch"] = info.batchesPerEpoch;
    p["optimizer_steps_per_epoch"] = info.optimizerStepsPerEpoch;
    p["scheduler_type"] = "OneCycleLR";
    p["scheduler"] = schedule ? schedule->toJson() : nlohmann::ordered_json();
    p["lr_multiplier"] = lrMultiplier;
    p["loss_terms"] = loss::LossComposer::enabledTerms(config);
    p["library_versions"] = {
        {"libtorch", TORCH_VERSION},
        {"itk", ITK_VERSION_STRING},
        {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                              std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                              std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
        {"compiler", __VERSION__}};
    p["last_checkpoint"] = lastCheckpoint;
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
    if (!failureMessage.empty())
      p["message"] = failureMessage;
    p["history"] = history.toJson();
    return p;
  }

  void writeParams(const std::string& status) {
    if (!runDir.empty())
      RunFolder::writeParams(runDir, params(status));
  }

  Checkpoint makeCheckpoint(const std::string& kind, int completedEpochs, int batchInEpoch) {
    Checkpoint c;
    c.model = model::orderedStateDict(*model);
    const auto& states = optimizer->state();
    for (const torch::Tensor& p : model->parameters()) {
      const auto it = states.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      if (it == states.end()) {
        c.optimizerState.emplace_back();
        continue;
      }
      const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
      c.optimizerState.push_back(AdamParamState{s.step(), s.exp_avg(), s.exp_avg_sq()});
    }
    auto& options0 =
        static_cast<torch::optim::AdamWOptions&>(optimizer->param_groups()[0].options());
    c.optimizerLr = options0.lr();
    c.optimizerBeta1 = std::get<0>(options0.betas());
    c.optimizerBeta2 = std::get<1>(options0.betas());
    c.optimizerEps = options0.eps();
    c.optimizerWeightDecay = options0.weight_decay();
    nlohmann::ordered_json scheduler = schedule->toJson();
    scheduler["step"] = optimizerStep;
    scheduler["lr_multiplier"] = lrMultiplier;
    c.schedulerJson = scheduler.dump();
    c.epoch = completedEpochs;
    c.batchInEpoch = batchInEpoch;
    if (batchInEpoch > 0) {
      c.epochSumsJson = epochSums.toJson().dump();
      // Inside an accumulation group: the gradients accumulated so far, so that a resume
      // continues the group where it stopped instead of redoing (or losing) its batches.
      const std::vector<torch::Tensor> params = model->parameters();
      for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].grad().defined())
          c.accumulatedGradients.emplace_back(static_cast<int64_t>(i), params[i].grad().cpu());
      }
    }
    c.globalBatch = globalBatch;
    c.optimizerStep = optimizerStep;
    c.trainLoss = history.epochs.empty() ? 0.0 : history.epochs.back().trainTotal;
    if (!history.epochs.empty())
      c.valLoss = history.epochs.back().valTotal;
    c.rngState = cpuGenerator().get_state();
    for (at::Generator& generator : cudaGenerators()) {
      std::lock_guard<std::mutex> lock(generator.mutex());
      c.cudaRngStates.push_back(generator.get_state());
    }
    c.configJson = configToJson(config).dump();
    c.historyJson = history.toJson().dump();
    c.kind = kind;
    c.architecture = model->architecture();
    c.modelSize = model->size();
    c.imageSize = config.imgSize;
    c.parameters = info.parameters;
    if (composer->discriminator())
      c.discriminator = model::orderedStateDict(*composer->discriminator());
    return c;
  }

  void save(const Checkpoint& c, const std::string& name) {
    const std::string path = (fs::path(runDir) / name).string();
    saveCheckpoint(c, path);
    lastCheckpoint = path;
    if (observer)
      observer->checkpointSaved(path, c.kind);
  }

  // ---- commands -----------------------------------------------------------------------------

  enum class Directive { Go, Interrupt, Abort };

  void applyEdit(const TrainerCommand& command, int epoch) {
    std::string before;
    if (command.key == "LR_MULTIPLIER") {
      char* end = nullptr;
      const double v = std::strtod(command.value.c_str(), &end);
      if (command.value.empty() || *end != '\0' || !(v > 0.0) || !std::isfinite(v)) {
        say(LogLevel::Warning,
            "LR_MULTIPLIER must be a positive number (got '" + command.value + "'); ignored");
        return;
      }
      before = formatNumber(lrMultiplier);
      lrMultiplier = v;
    } else {
      const ConfigField* field = findConfigField(command.key);
      if (!field || field->runEdit != RunEdit::Live) {
        say(LogLevel::Warning, command.key +
                                   " cannot change during a run (only loss toggles, lambdas and "
                                   "LR_MULTIPLIER can); ignored");
        return;
      }
      TrainingConfig edited = config;
      try {
        applyConfigAssignment(edited, command.key + "=" + command.value);
        requireValidConfig(edited, "edit");
        composer->updateConfig(edited);
      } catch (const std::exception& e) {
        // updateConfig() changes nothing when it throws: the run goes on exactly as before.
        say(LogLevel::Warning, std::string(e.what()) + "; the edit was not applied");
        return;
      }
      before = configValue(config, *field).dump();
      config = edited;
    }
    const EditRecord record{epoch, optimizerStep, command.key, before, command.value};
    history.edits.push_back(record);
    say(LogLevel::Info, "edited " + command.key + ": " + before + " -> " + command.value +
                            " (from optimizer step " + std::to_string(optimizerStep) + ")");
    if (observer)
      observer->hyperparameterEdited(record);
  }

  // Drains the queue; blocks while paused. Returns what the loop must do now.
  Directive handleCommands(int epoch) {
    bool paused = false;
    for (;;) {
      std::optional<TrainerCommand> next =
          paused ? std::optional<TrainerCommand>(commands.waitPop()) : commands.tryPop();
      if (!next)
        return Directive::Go;
      switch (next->kind) {
        case TrainerCommand::Kind::Pause:
          if (!paused) {
            paused = true;
            setState(TrainerState::Paused);
          }
          break;
        case TrainerCommand::Kind::Continue:
          if (paused) {
            paused = false;
            setState(TrainerState::Running);
          }
          break;
        case TrainerCommand::Kind::StopAfterStep:
          setState(TrainerState::Stopping);
          return Directive::Interrupt;
        case TrainerCommand::Kind::StopAfterEpoch:
          stopAfterEpoch = true;
          setState(paused ? TrainerState::Paused : TrainerState::Stopping);
          if (paused) {
            paused = false;  // a stop request ends the pause
            setState(TrainerState::Stopping);
          }
          break;
        case TrainerCommand::Kind::Abort:
          setState(TrainerState::Stopping);
          return Directive::Abort;
        case TrainerCommand::Kind::Edit:
          applyEdit(*next, epoch);
          break;
      }
    }
  }

  // ---- training -----------------------------------------------------------------------------

  torch::Tensor predict(const torch::Tensor& baseline, const torch::Tensor& followup) {
    if (config.precision == "bf16" && !device.is_cuda()) {
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(torch::kBFloat16);
      torch::Tensor out = model->forward(baseline, followup).to(torch::kFloat);
      at::autocast::set_cpu_enabled(false);
      at::autocast::clear_cache();
      return out;
    }
    return model->forward(baseline, followup);
  }

  std::string divergenceMessage(int epoch, int batch, const loss::LossResult& r) const {
    std::string terms;
    for (const loss::LossComponent& c : r.components)
      terms += (terms.empty() ? "" : ", ") + c.name + " = " + formatNumber(c.value);
    return "training diverged: the loss became " + formatNumber(r.totalValue()) + " at epoch " +
           std::to_string(epoch) + ", batch " + std::to_string(batch) + " (" + terms +
           "). Nothing from this step was saved" +
           (lastCheckpoint.empty() ? std::string(" (no checkpoint yet)")
                                   : "; the last good checkpoint is " + lastCheckpoint) +
           ". Lower MAX_LR, set GRAD_CLIP_NORM, or check the data";
  }

  EpochEnd trainEpoch(int epoch, int firstBatch, EpochRecord& record) {
    model->train();
    const int batches = info.batchesPerEpoch;
    const AccumulationPlan plan{config.updateEveryBatches, batches};
    if (observer)
      observer->epochStarted(epoch, config.epochs, batches);
    trainLoader->startEpoch(epoch - 1, static_cast<size_t>(firstBatch));
    optimizer->zero_grad();
    epochSums = firstBatch > 0 && resumedSums ? *resumedSums : Averager{};
    resumedSums.reset();
    Averager& averager = epochSums;
    if (firstBatch > 0 && !resumedGradients.empty()) {
      // Resumed inside an accumulation group: the gradients of its batches before the stop.
      torch::NoGradGuard noGrad;
      std::vector<torch::Tensor> params = model->parameters();
      for (const auto& [index, gradient] : resumedGradients) {
        if (index < params.size())
          params[index].mutable_grad() = gradient.to(device).clone();
      }
    }
    resumedGradients.clear();
    const auto epochStart = std::chrono::steady_clock::now();
    auto lastLog = epochStart;
    int samplesSinceLog = 0;
    int samples = 0;
    for (int batch = firstBatch; batch < batches; ++batch) {
      switch (handleCommands(epoch)) {
        case Directive::Go:
          break;
        case Directive::Interrupt:
          stopBatch = batch;
          return EpochEnd::Interrupted;
        case Directive::Abort:
          return EpochEnd::Aborted;
      }
      std::optional<PairBatch> next = trainLoader->next();
      if (!next)
        break;
      const torch::Tensor baseline = next->prior.to(device);
      const torch::Tensor followup = next->current.to(device);
      const torch::Tensor target = next->diff.to(device);
      const torch::Tensor prediction = predict(baseline, followup);
      const loss::LossResult result = composer->compute(prediction, target, epoch);
      if (!std::isfinite(result.totalValue())) {
        failureMessage = divergenceMessage(epoch, batch + 1, result);
        return EpochEnd::Diverged;
      }
      (result.total / static_cast<double>(plan.groupSize(batch))).backward();
      const int batchSize = static_cast<int>(baseline.size(0));
      averager.add(result, batchSize);
      samples += batchSize;
      samplesSinceLog += batchSize;

      const bool groupEnds = plan.endsGroup(batch);
      if (groupEnds) {
        if (config.gradClipNorm > 0.0)
          torch::nn::utils::clip_grad_norm_(model->parameters(), config.gradClipNorm);
        bool finite = true;
        for (const torch::Tensor& p : model->parameters()) {
          if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>())
            finite = false;
        }
        if (!finite) {
          failureMessage = divergenceMessage(epoch, batch + 1, result) + " (non-finite gradients)";
          return EpochEnd::Diverged;
        }
        auto& o = static_cast<torch::optim::AdamWOptions&>(optimizer->param_groups()[0].options());
        lastLr = schedule->learningRate(optimizerStep) * lrMultiplier;
        lastBeta1 = schedule->beta1(optimizerStep);
        o.lr(lastLr);
        o.betas(std::make_tuple(lastBeta1, config.beta2));
        optimizer->step();
        optimizer->zero_grad();
        ++optimizerStep;
        if (composer->ganActive(epoch))
          composer->discriminatorStep(target, prediction.detach());
      }
      ++globalBatch;

      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart).count();
      const double rate = seconds > 0 ? samples / seconds : 0.0;
      if (observer)
        observer->batchDone(epoch, batch + 1, batches, rate);
      if ((batch + 1) % config.logEveryBatches == 0 || batch + 1 == batches) {
        const auto now = std::chrono::steady_clock::now();
        const double sinceLog = std::chrono::duration<double>(now - lastLog).count();
        StepRecord step;
        step.epoch = epoch;
        step.batch = batch + 1;
        step.batchesInEpoch = batches;
        step.globalBatch = globalBatch;
        step.optimizerStep = optimizerStep;
        step.total = result.totalValue();
        step.components = componentsOf(result);
        // The values the latest optimizer step used (before the first step: the first step's).
        step.learningRate = optimizerStep > 0 ? lastLr : schedule->learningRate(0) * lrMultiplier;
        step.beta1 = optimizerStep > 0 ? lastBeta1 : schedule->beta1(0);
        step.samplesPerSecond = sinceLog > 0 ? samplesSinceLog / sinceLog : rate;
        step.wallSeconds = elapsed();
        lastLog = now;
        samplesSinceLog = 0;
        history.steps.push_back(step);
        RunFolder::appendMetrics(runDir, step);
        if (tensorboard) {
          const double wall = nowSeconds();
          tensorboard->addScalar("train_step/total", step.total, globalBatch, wall);
          for (const auto& [name, value] : step.components)
            tensorboard->addScalar("train_step/" + name, value, globalBatch, wall);
          tensorboard->addScalar("schedule/learning_rate", step.learningRate, globalBatch, wall);
          tensorboard->addScalar("schedule/beta1", step.beta1, globalBatch, wall);
        }
        if (observer)
          observer->stepLogged(step);
      }
    }
    record.epoch = epoch;
    record.trainTotal = averager.mean();
    record.trainComponents = averager.means();
    record.learningRate = schedule->learningRate(optimizerStep) * lrMultiplier;
    record.beta1 = schedule->beta1(optimizerStep);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart).count();
    record.seconds = seconds;
    record.samplesPerSecond = seconds > 0 ? samples / seconds : 0.0;
    return EpochEnd::Finished;
  }

  // Deterministic validation; also produces the fixed sample pair's prediction.
  bool validate(int epoch, EpochRecord& record, SamplePrediction& sample) {
    if (info.valPairs == 0)
      return true;
    model->eval();
    torch::NoGradGuard noGrad;
    if (observer)
      observer->validationStarted(epoch, static_cast<int>(valLoader->batchesPerEpoch()));
    valLoader->startEpoch(0);
    Averager averager;
    eval::EvaluationReport report;
    size_t sampleChange = 0;
    while (std::optional<PairBatch> batch = valLoader->next()) {
      const torch::Tensor baseline = batch->prior.to(device);
      const torch::Tensor followup = batch->current.to(device);
      const torch::Tensor target = batch->diff.to(device);
      const torch::Tensor prediction = predict(baseline, followup);
      const loss::LossResult result =
          composer->compute(prediction, target, epoch, /*training=*/false);
      averager.add(result, static_cast<double>(baseline.size(0)));
      const int rows = static_cast<int>(baseline.size(2));
      const int cols = static_cast<int>(baseline.size(3));
      for (int64_t i = 0; i < baseline.size(0); ++i) {
        const std::string& name = data.valCases.at(batch->indices.at(i)).name;
        std::vector<float> p = toVector(prediction[i][0]);
        std::vector<float> t = toVector(target[i][0]);
        std::vector<float> b = toVector(baseline[i][0]);
        std::vector<float> f = toVector(followup[i][0]);
        report.addPair(name, p, t, b, f, rows, cols, config.changeThreshold);
        // The live sample is the pair with the largest changed area (the first on a tie), so
        // the viewer shows change rather than a blank map.
        const size_t changed = report.pairs().back().changedPixels;
        if (sample.predicted.empty() || changed > sampleChange) {
          sampleChange = changed;
          sample.epoch = epoch;
          sample.caseName = name;
          sample.rows = rows;
          sample.cols = cols;
          sample.baseline = std::move(b);
          sample.followup = std::move(f);
          sample.predicted = std::move(p);
          sample.groundTruth = std::move(t);
          sample.metrics = report.pairs().back().model;
          sample.l1Zeros = report.pairs().back().zeros.l1;
        }
      }
    }
    record.valTotal = averager.mean();
    record.valComponents = averager.means();
    record.valMetrics = validationMetricsOf(report);
    return std::isfinite(*record.valTotal);
  }

  static ValidationMetrics validationMetricsOf(const eval::EvaluationReport& report) {
    const eval::MetricSummary model = report.summary(eval::Method::Model);
    ValidationMetrics m;
    m.l1 = model.l1;
    m.l1Zeros = report.summary(eval::Method::Zeros).l1;
    m.l1Subtraction = report.summary(eval::Method::Subtraction).l1;
    m.ssim = model.ssim;
    m.maskedL1 = model.maskedL1;
    m.pearson = model.pearson;
    m.auc = model.auc;
    m.pairs = static_cast<int>(report.pairs().size());
    m.changedPairs = static_cast<int>(report.changedPairs());
    return m;
  }

  void writeEpochOutputs(const EpochRecord& record, const SamplePrediction& sample) {
    RunFolder::appendMetrics(runDir, record);
    if (tensorboard) {
      const double wall = nowSeconds();
      tensorboard->addScalar("epoch/train_total", record.trainTotal, record.epoch, wall);
      for (const auto& [name, v] : record.trainComponents)
        tensorboard->addScalar("epoch/train_" + name, v, record.epoch, wall);
      if (record.valTotal) {
        tensorboard->addScalar("epoch/val_total", *record.valTotal, record.epoch, wall);
        for (const auto& [name, v] : record.valComponents)
          tensorboard->addScalar("epoch/val_" + name, v, record.epoch, wall);
      }
      if (record.valMetrics) {
        const ValidationMetrics& m = *record.valMetrics;
        // Undefined metrics (no validation pair changes) are left out rather than drawn as NaN.
        for (const auto& [tag, value] :
             {std::pair<const char*, double>{"val_metrics/l1_ratio_to_zeros", m.l1RatioToZeros()},
              {"val_metrics/pearson_r", m.pearson},
              {"val_metrics/auc", m.auc},
              {"val_metrics/ssim", m.ssim},
              {"val_metrics/l1", m.l1}}) {
          if (std::isfinite(value))
            tensorboard->addScalar(tag, value, record.epoch, wall);
        }
      }
      tensorboard->addScalar("epoch/learning_rate", record.learningRate, record.epoch, wall);
      tensorboard->addScalar("epoch/beta1", record.beta1, record.epoch, wall);
      if (!sample.predicted.empty()) {
        // X-rays on their own range; both difference maps on one symmetric range around 0.
        float limit = 0.01f;
        for (float v : sample.groundTruth)
          limit = std::max(limit, std::fabs(v));
        for (float v : sample.predicted)
          limit = std::max(limit, std::fabs(v));
        tensorboard->addImage("sample/1_baseline", sample.rows, sample.cols, 1,
                              toGreyBytes(sample.baseline, 0.0f, 1.0f), record.epoch, wall);
        tensorboard->addImage("sample/2_followup", sample.rows, sample.cols, 1,
                              toGreyBytes(sample.followup, 0.0f, 1.0f), record.epoch, wall);
        tensorboard->addImage("sample/3_predicted", sample.rows, sample.cols, 1,
                              toGreyBytes(sample.predicted, -limit, limit), record.epoch, wall);
        tensorboard->addImage("sample/4_ground_truth", sample.rows, sample.cols, 1,
                              toGreyBytes(sample.groundTruth, -limit, limit), record.epoch, wall);
      }
      tensorboard->flush();
    }
  }

  RunResult finish(RunOutcome outcome, int epochsCompleted) {
    const char* status = runOutcomeName(outcome);  // "completed", ..., "diverged", "failed"
    try {
      writeParams(status);
      if (tensorboard)
        tensorboard->flush();
    } catch (const std::exception& e) {
      say(LogLevel::Warning, e.what());
    }
    RunResult result;
    result.outcome = outcome;
    result.message = failureMessage;
    result.failure = failureKind;
    result.runDir = runDir;
    result.lastCheckpoint = lastCheckpoint;
    result.epochsCompleted = epochsCompleted;
    result.history = history;
    setState(TrainerState::Finished);
    if (observer)
      observer->runFinished(result);
    return result;
  }

  RunResult run() {
    setState(TrainerState::Preparing);
    sessionStart = nowSeconds();
    try {
      resolveConfig();
      chooseDevice();
      openData();
      buildModel();
      if (resumeFrom)
        restoreCheckpoint();
      if (startEpoch > config.epochs) {
        throw ConfigError("LONGITUDINAL_MIM_EPOCHS", options.resumeCheckpoint +
                                                         " has already completed all " +
                                                         std::to_string(config.epochs) + " epochs");
      }
      createRunFolder();
    } catch (const ConfigError& e) {
      failureMessage = e.what();
      failureKind = FailureKind::Configuration;
      return finish(RunOutcome::Failed, 0);
    } catch (const DataError& e) {
      failureMessage = e.what();
      failureKind = FailureKind::Data;
      return finish(RunOutcome::Failed, 0);
    } catch (const Error& e) {
      failureMessage = e.what();
      failureKind = FailureKind::Other;
      return finish(RunOutcome::Failed, 0);
    } catch (const std::exception& e) {
      // Any other type (torch's c10::Error, std::bad_alloc, ...) ends the run the same way:
      // reported, never thrown past run() into a thread that would terminate the program.
      failureMessage = std::string("unexpected error while setting up the run: ") + e.what();
      failureKind = FailureKind::Other;
      return finish(RunOutcome::Failed, 0);
    }
    if (observer) {
      info.history = history;
      info.lrMultiplier = lrMultiplier;
      observer->runStarted(info);
    }
    setState(TrainerState::Running);

    int completed = startEpoch - 1;
    try {
      for (int epoch = startEpoch; epoch <= config.epochs; ++epoch) {
        EpochRecord record;
        const EpochEnd end = trainEpoch(epoch, epoch == startEpoch ? startBatch : 0, record);
        if (end == EpochEnd::Aborted)
          return finish(RunOutcome::Aborted, completed);
        if (end == EpochEnd::Diverged) {
          say(LogLevel::Error, failureMessage);
          return finish(RunOutcome::Diverged, completed);
        }
        if (end == EpochEnd::Interrupted) {
          save(makeCheckpoint("interrupted", epoch - 1, stopBatch), kInterruptedCheckpointName);
          failureMessage = "stopped at epoch " + std::to_string(epoch) + ", batch " +
                           std::to_string(stopBatch) + "; continue with -c " + lastCheckpoint;
          return finish(RunOutcome::Interrupted, completed);
        }
        SamplePrediction sample;
        if (!validate(epoch, record, sample)) {
          failureMessage =
              "training diverged: the validation loss of epoch " + std::to_string(epoch) +
              " is not finite; no checkpoint of this epoch was written" +
              (lastCheckpoint.empty() ? std::string()
                                      : "; the last good checkpoint is " + lastCheckpoint);
          say(LogLevel::Error, failureMessage);
          return finish(RunOutcome::Diverged, completed);
        }
        const double score = record.valTotal ? *record.valTotal : record.trainTotal;
        if (std::isfinite(score) && score < history.bestValLoss) {
          history.bestValLoss = score;
          history.bestEpoch = epoch;
          record.best = true;
          for (EpochRecord& e : history.epochs)
            e.best = false;
        }
        history.epochs.push_back(record);
        completed = epoch;
        if (epoch % config.saveEveryEpochs == 0 || epoch == config.epochs) {
          save(makeCheckpoint("epoch", epoch, 0), epochCheckpointName(epoch));
        }
        if (record.best)
          save(makeCheckpoint("best", epoch, 0), kBestCheckpointName);
        writeEpochOutputs(record, sample);
        writeParams(epoch == config.epochs ? "completed" : "running");
        if (observer) {
          observer->epochFinished(record, history);
          if (!sample.predicted.empty())
            observer->samplePrediction(sample);
        }
        if (epoch < config.epochs) {
          // Commands that arrived during the epoch's last moments apply at this boundary.
          const Directive directive = handleCommands(epoch);
          if (directive == Directive::Abort)
            return finish(RunOutcome::Aborted, completed);
          if (directive == Directive::Interrupt) {
            // The same file as a stop inside an epoch, whatever SAVE_EVERY_EPOCHS wrote.
            save(makeCheckpoint("interrupted", epoch, 0), kInterruptedCheckpointName);
            failureMessage = "stopped after epoch " + std::to_string(epoch) +
                             "; continue with -c " + lastCheckpoint;
            return finish(RunOutcome::Interrupted, completed);
          }
          if (stopAfterEpoch)
            return finish(RunOutcome::Stopped, completed);
        }
      }
    } catch (const Error& e) {
      // A failed write (disk full, read-only folder) or an unreadable pair: the files already
      // written are intact (every write is atomic), so the run can go on from its last checkpoint.
      failureMessage = e.what();
      const std::string resumable =
          lastCheckpoint.empty() ? options.resumeCheckpoint : lastCheckpoint;
      if (!resumable.empty())
        failureMessage +=
            "; the run stopped, continue with -c " + resumable + " once that is fixed";
      failureKind = dynamic_cast<const DataError*>(&e) ? FailureKind::Data : FailureKind::Other;
      say(LogLevel::Error, failureMessage);
      return finish(RunOutcome::Failed, completed);
    } catch (const std::exception& e) {
      failureKind = FailureKind::Other;
      failureMessage = std::string("unexpected error: ") + e.what();
      say(LogLevel::Error, failureMessage);
      return finish(RunOutcome::Failed, completed);
    }
    return finish(RunOutcome::Completed, completed);
  }
};

Trainer::Trainer(TrainerOptions options, TrainerObserver* observer)
    : impl_(std::make_unique<Impl>(std::move(options), observer)) {}

Trainer::~Trainer() = default;

RunResult Trainer::run() {
  return impl_->run();
}

void Trainer::post(TrainerCommand command) {
  impl_->commands.push(std::move(command));
}

TrainingConfig Trainer::checkpointConfig(const std::string& checkpointPath) {
  const Checkpoint c = loadCheckpoint(checkpointPath);
  TrainingConfig config;
  applyConfigJson(config, nlohmann::json::parse(c.configJson), checkpointPath);
  return config;
}

}  // namespace longmim
