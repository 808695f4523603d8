#include "train/Trainer.h"

#include <ATen/autocast_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "Error.h"
#include "config/ConfigJson.h"
#include "model/ModelFactory.h"
#include "model/SyncBatchNorm.h"
#include "train/AccumulationPlan.h"
#include "train/RunFolder.h"
#include "train/TrainerImpl.h"

namespace fs = std::filesystem;

namespace longmim {

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

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

RunResult Trainer::Impl::run() {
  setState(TrainerState::Preparing);
  sessionStart =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  try {
    resolveConfig();
    chooseDevice();
    joinGroup();
    openData();
    buildModel();
    if (resumeFrom)
      restoreCheckpoint();
    broadcastWeights();
    if (group)
      reducer = std::make_unique<dist::GradientReducer>(*group, model->parameters());
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
        if (group) {
          // Every worker stopped at the same batch: the checkpoint holds the whole group's loss
          // sums and the average of its gradients accumulated since the last step.
          int samples = 0;
          reduceEpoch(epochSums, samples);
          group->averageGradients(model->parameters());
        }
        save(makeCheckpoint(CheckpointKind::Interrupted, epoch - 1, stopBatch));
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
      record.best = history.addEpoch(record);
      completed = epoch;
      if (epoch % config.saveEveryEpochs == 0 || epoch == config.epochs) {
        save(makeCheckpoint(CheckpointKind::Epoch, epoch, 0));
      }
      if (record.best)
        save(makeCheckpoint(CheckpointKind::Best, epoch, 0));
      if (log)
        log->epoch(record, sample);
      writeParams(epoch == config.epochs ? "completed" : "running");
      if (observer) {
        observer->epochFinished(record, history);
        if (!sample.predicted.empty())
          observer->samplePrediction(sample);
      }
      if (epoch < config.epochs) {
        // Commands that arrived during the epoch's last moments apply at this boundary.
        const Directive directive = sharedCommands(epoch);
        if (directive == Directive::Abort)
          return finish(RunOutcome::Aborted, completed);
        if (directive == Directive::Interrupt) {
          // The same file as a stop inside an epoch, whatever SAVE_EVERY_EPOCHS wrote.
          save(makeCheckpoint(CheckpointKind::Interrupted, epoch, 0));
          failureMessage = "stopped after epoch " + std::to_string(epoch) + "; continue with -c " +
                           lastCheckpoint;
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
      failureMessage += "; the run stopped, continue with -c " + resumable + " once that is fixed";
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

Trainer::Impl::EpochEnd Trainer::Impl::trainEpoch(int epoch, int firstBatch, EpochRecord& record) {
  model->train();
  const int batches = info.batchesPerEpoch;
  const AccumulationPlan plan{config.updateEveryBatches, batches};
  if (observer)
    observer->epochStarted(epoch, config.epochs, batches);
  trainLoader->startEpoch(epoch - 1, static_cast<size_t>(firstBatch));
  optimizer->zero_grad();
  epochSums = firstBatch > 0 && resumedSums ? *resumedSums : LossAverager{};
  resumedSums.reset();
  LossAverager& averager = epochSums;
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
    switch (sharedCommands(epoch)) {
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
    // SYNC_BATCHNORM: the group's batch statistics, in this batch's forward and backward passes.
    std::optional<model::BatchStatisticsSync> statistics;
    if (group && config.syncBatchNorm) {
      statistics.emplace([this](torch::Tensor& t) {
        group->sumInPlace(t, "synchronising the BatchNorm statistics");
      });
    }
    const torch::Tensor prediction = predict(baseline, followup);
    const loss::LossResult result = composer->compute(prediction, target, epoch);
    // With several workers a loss one of them alone saw diverge shows in the averaged gradients
    // at the group's end, where every worker stops together.
    if (!group && !std::isfinite(result.totalValue())) {
      failureMessage = divergenceMessage(epoch, batch + 1, result);
      return EpochEnd::Diverged;
    }
    const bool groupEnds = plan.endsGroup(batch);
    if (reducer && groupEnds)  // DDP's all-reduce, only where the optimizer steps (no_sync)
      reducer->arm();
    (result.total / static_cast<double>(plan.groupSize(batch))).backward();
    const int batchSize = static_cast<int>(baseline.size(0));
    averager.add(result, batchSize);
    samples += batchSize;
    samplesSinceLog += batchSize;

    if (groupEnds) {
      if (reducer)
        reducer->finish();
      if (config.gradClipNorm > 0.0)
        torch::nn::utils::clip_grad_norm_(model->parameters(), config.gradClipNorm);
      // One synchronisation for the whole model instead of one per tensor: a gradient holds only
      // finite values exactly when its sum in double precision is finite (float32 values cannot
      // overflow a double sum; a NaN or an infinity carries through it).
      std::vector<torch::Tensor> sums;
      for (const torch::Tensor& p : model->parameters()) {
        if (p.grad().defined())
          sums.push_back(p.grad().sum(torch::kDouble));
      }
      const bool finite = sums.empty() || torch::isfinite(torch::stack(sums)).all().item<bool>();
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
      logStep(epoch, batch + 1, batches, result, sinceLog > 0 ? samplesSinceLog / sinceLog : rate);
      lastLog = now;
      samplesSinceLog = 0;
    }
  }
  if (group)
    reduceEpoch(averager, samples);
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

void Trainer::Impl::logStep(int epoch, int batch, int batches, const loss::LossResult& result,
                            double samplesPerSecond) {
  StepRecord step;
  step.epoch = epoch;
  step.batch = batch;
  step.batchesInEpoch = batches;
  step.globalBatch = globalBatch;
  step.optimizerStep = optimizerStep;
  step.total = result.totalValue();
  step.components = componentsOf(result);
  // The values the latest optimizer step used (before the first step: the first step's).
  step.learningRate = optimizerStep > 0 ? lastLr : schedule->learningRate(0) * lrMultiplier;
  step.beta1 = optimizerStep > 0 ? lastBeta1 : schedule->beta1(0);
  step.samplesPerSecond = samplesPerSecond;
  step.wallSeconds = elapsed();
  history.steps.push_back(step);
  if (log)
    log->step(step);
  if (observer)
    observer->stepLogged(step);
}

void Trainer::Impl::reduceEpoch(LossAverager& averager, int& samples) {
  std::vector<double> values{averager.total, averager.weight, static_cast<double>(samples)};
  for (const auto& [name, sum] : averager.sums)
    values.push_back(sum);
  values = group->sum(values);
  averager.total = values[0];
  averager.weight = values[1];
  samples = static_cast<int>(values[2]);
  for (size_t i = 0; i < averager.sums.size(); ++i)
    averager.sums[i].second = values[3 + i];
}

torch::Tensor Trainer::Impl::predict(const torch::Tensor& baseline, const torch::Tensor& followup) {
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

std::string Trainer::Impl::divergenceMessage(int epoch, int batch,
                                             const loss::LossResult& r) const {
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

RunResult Trainer::Impl::finish(RunOutcome outcome, int epochsCompleted) {
  const char* status = runOutcomeName(outcome);  // "completed", ..., "diverged", "failed"
  if (reducer && reducer->reductions() > 0)
    say(LogLevel::Info, reducer->summary());
  try {
    writeParams(status);
    if (log)
      log->flush();
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
