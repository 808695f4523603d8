#include <filesystem>

#include "config/ConfigJson.h"
#include "model/ModelFactory.h"
#include "train/CheckpointContent.h"
#include "train/TrainerImpl.h"

namespace fs = std::filesystem;

namespace longmim {

RunParameters Trainer::Impl::runParameters(const std::string& status) const {
  RunParameters run;
  run.status = status;
  run.runName = runName;
  run.runDir = runDir;
  run.trainingStart = sessionStart;
  run.info = &info;
  run.startEpoch = startEpoch;
  run.schedule = schedule ? schedule->toJson() : nlohmann::ordered_json();
  run.lrMultiplier = lrMultiplier;
  run.lossTerms = loss::LossComposer::enabledTerms(config);
  run.lastCheckpoint = lastCheckpoint;
  run.history = &history;
  run.message = failureMessage;
  return run;
}

void Trainer::Impl::writeParams(const std::string& status) {
  if (!runDir.empty())
    RunFolder::writeParams(runDir, RunFolder::params(config, runParameters(status)));
}

Checkpoint Trainer::Impl::makeCheckpoint(CheckpointKind kind, int completedEpochs,
                                         int batchInEpoch) {
  Checkpoint c;
  c.model = model::orderedStateDict(*model);
  captureOptimizer(*optimizer, model->parameters(), c);
  nlohmann::ordered_json scheduler = schedule->toJson();
  scheduler["step"] = optimizerStep;
  scheduler["lr_multiplier"] = lrMultiplier;
  scheduler["world_size"] = group ? group->size() : 1;  // whose shards batchInEpoch counts
  c.schedulerJson = scheduler.dump();
  c.epoch = completedEpochs;
  c.batchInEpoch = batchInEpoch;
  if (batchInEpoch > 0) {
    c.epochSumsJson = epochSums.toJson().dump();
    // Inside an accumulation group: the gradients accumulated so far, so that a resume
    // continues the group where it stopped instead of redoing (or losing) its batches.
    captureAccumulatedGradients(model->parameters(), c);
  }
  c.globalBatch = globalBatch;
  c.optimizerStep = optimizerStep;
  c.trainLoss = history.epochs.empty() ? 0.0 : history.epochs.back().trainTotal;
  if (!history.epochs.empty())
    c.valLoss = history.epochs.back().valTotal;
  captureRandomStates(c);
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

void Trainer::Impl::save(const Checkpoint& c) {
  if (!isMain())
    return;  // rank 0 writes the run's files
  const std::string path = (fs::path(runDir) / checkpointFileName(c.kind, c.epoch)).string();
  saveCheckpoint(c, path);
  lastCheckpoint = path;
  if (observer)
    observer->checkpointSaved(path, c.kind);
}

}  // namespace longmim
