#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ComputeThreads.h"
#include "Error.h"
#include "config/ConfigJson.h"
#include "config/ConfigValidation.h"
#include "model/ModelFactory.h"
#include "model/WeightImport.h"
#include "synth/DatasetSynthesizer.h"
#include "synth/DemoDataset.h"
#include "train/AccumulationPlan.h"
#include "train/CheckpointContent.h"
#include "train/ResumePolicy.h"
#include "train/RunFolder.h"
#include "train/TrainerImpl.h"

namespace fs = std::filesystem;

namespace longmim {

void Trainer::Impl::resolveConfig() {
  config = options.config;
  if (!options.resumeCheckpoint.empty()) {
    resumeFrom = loadCheckpoint(options.resumeCheckpoint);
    TrainingConfig saved;
    applyConfigJson(saved, nlohmann::json::parse(resumeFrom->configJson), options.resumeCheckpoint);
    if (options.configFromCheckpoint)
      config = resumedConfig(saved, config);
    else
      requireSameRun(saved, config, options.resumeCheckpoint);
  }
  requireValidConfig(config, "configuration");
  for (const ConfigProblem& p : checkConfigFiles(config))
    throw ConfigError(p.key, p.message);
  for (const ConfigProblem& w : configWarnings(config))
    say(LogLevel::Warning, w.message);
}

void Trainer::Impl::chooseDevice() {
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

void Trainer::Impl::openData() {
  std::string dir = config.dataDir;
  if (dir.empty()) {
    dir = synth::defaultDemoDatasetDir();
    if (isMain() && !synth::isDemoDatasetComplete(dir)) {
      say(LogLevel::Info, "generating the demo dataset in " + dir);
      synth::DatasetSynthesizer(synth::demoDatasetJob(dir)).run();
    }
    if (group)
      group->barrier();  // the others open it once rank 0 has made it
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
  if (group) {
    o.rank = group->rank();
    o.worldSize = group->size();
  }
  trainLoader = std::make_unique<PairLoader>(data.train, o);
  o.padShards = false;  // validation: each pair on one worker, the metrics summed over them
  o.shuffle = false;
  valLoader = std::make_unique<PairLoader>(data.val, o);
  info.trainPairs = data.trainCases.size();
  info.valPairs = data.valCases.size();
  info.batchesPerEpoch = static_cast<int>(trainLoader->batchesPerEpoch());
  info.optimizerStepsPerEpoch =
      AccumulationPlan{config.updateEveryBatches, info.batchesPerEpoch}.stepsPerEpoch();
}

void Trainer::Impl::buildModel() {
  model = model::buildModel(config);
  if (!config.pretrainedWeights.empty()) {
    const auto report =
        model::importWeights(*model, config.pretrainedWeights, config.weightsStrict);
    say(LogLevel::Info, "PRETRAINED_WEIGHTS " + config.pretrainedWeights + ": " + report.summary());
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

void Trainer::Impl::restoreCheckpoint() {
  const Checkpoint& c = *resumeFrom;
  if (c.architecture != model->architecture() || c.modelSize != model->size() ||
      c.imageSize != config.imgSize) {
    throw DataError(options.resumeCheckpoint, options.resumeCheckpoint + " holds a " +
                                                  c.architecture + " (" + c.modelSize + ", " +
                                                  std::to_string(c.imageSize) + " px) model, not " +
                                                  model->architecture() + " (" + model->size() +
                                                  ", " + std::to_string(config.imgSize) + " px)");
  }
  std::map<std::string, torch::Tensor> weights(c.model.begin(), c.model.end());
  model::importWeights(*model, weights, /*strict=*/true, options.resumeCheckpoint);
  restoreOptimizer(c, *optimizer, model->parameters(), device, options.resumeCheckpoint);
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
              " pairs); the run keeps its learning-rate schedule of " + std::to_string(savedTotal) +
              " steps (" + std::to_string(newTotal) + " with this dataset from the start)");
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
  // c.epoch: the last finished epoch. A save inside the next one (batchInEpoch > 0) goes on there,
  // with that epoch's sums and the gradients accumulated since the last optimizer step.
  startEpoch = c.epoch + 1;
  startBatch = c.batchInEpoch > 0 ? c.batchInEpoch : 0;
  const int savedWorld = scheduler.value("world_size", 1);
  const int world = group ? group->size() : 1;
  if (c.batchInEpoch > 0 && savedWorld != world) {
    // Its position counts batches of shards of `savedWorld` workers: another number of workers
    // would take other pairs for the rest of the epoch.
    throw ConfigError("LONGITUDINAL_MIM_EPOCHS",
                      options.resumeCheckpoint + " was written inside epoch " +
                          std::to_string(c.epoch + 1) + " by " + std::to_string(savedWorld) +
                          " worker process" + (savedWorld == 1 ? "" : "es") + "; resume it with " +
                          std::to_string(savedWorld) + " (--nproc " + std::to_string(savedWorld) +
                          "), or resume an epoch checkpoint on any number of workers");
  }
  if (c.batchInEpoch > 0 && isMain()) {  // rank 0 alone carries the epoch's sums so far
    if (!c.epochSumsJson.empty())        // older checkpoints: the epoch's loss covers what follows
      resumedSums = LossAverager::fromJson(nlohmann::json::parse(c.epochSumsJson));
  }
  if (c.batchInEpoch > 0) {
    // Saved averaged over the workers (see run()), so every worker goes on from the same ones.
    for (const auto& [index, gradient] : c.accumulatedGradients)
      resumedGradients.emplace_back(static_cast<size_t>(index), gradient);
  }
  // Steps logged after the checkpoint's position belong to a lost future: drop them.
  history.steps.erase(
      std::remove_if(history.steps.begin(), history.steps.end(),
                     [&](const StepRecord& s) { return s.globalBatch > globalBatch; }),
      history.steps.end());
  const std::string rngWarning = restoreRandomStates(c, options.resumeCheckpoint);
  if (!rngWarning.empty())
    say(LogLevel::Warning, rngWarning);
  if (composer->discriminator() && !c.discriminator.empty()) {
    std::map<std::string, torch::Tensor> d(c.discriminator.begin(), c.discriminator.end());
    model::importWeights(*composer->discriminator(), d, true, options.resumeCheckpoint);
  }
  info.resumed = true;
}

void Trainer::Impl::joinGroup() {
  if (!options.world.distributed())
    return;
  group = std::make_unique<dist::ProcessGroup>(options.world);
  if (config.useGan) {
    throw ConfigError("USE_GAN",
                      "the GAN term cannot be used with several workers yet (its "
                      "discriminator is not synchronised); train it in one process");
  }
  if (group->isMain()) {
    say(LogLevel::Info,
        std::to_string(group->size()) + " workers: effective batch " +
            std::to_string(config.batchSize) + " x " + std::to_string(config.updateEveryBatches) +
            " x " + std::to_string(group->size()) + " = " +
            std::to_string(config.batchSize * config.updateEveryBatches * group->size()) +
            " pairs per optimizer step");
  }
}

void Trainer::Impl::broadcastWeights() {
  if (!group)
    return;
  std::vector<torch::Tensor> tensors = model->parameters();
  for (const torch::Tensor& b : model->buffers())
    tensors.push_back(b);
  group->broadcastFromMain(tensors);
}

void Trainer::Impl::createRunFolder() {
  if (!isMain())
    return;  // rank 0 alone writes the run folder
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
  std::string tensorboardDir;
  if (config.tensorboard) {
    const fs::path base =
        fs::path(config.tensorboardDir.empty() ? std::string("runs") : config.tensorboardDir);
    tensorboardDir = (base / runName).string();
  }
  log = std::make_unique<RunLog>(runDir, tensorboardDir);
  if (resumeFrom)
    log->restart(history);
  writeParams("running");
}

}  // namespace longmim
