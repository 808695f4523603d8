#include <cmath>
#include <cstdlib>

#include "config/ConfigJson.h"
#include "config/ConfigSchema.h"
#include "config/ConfigValidation.h"
#include "train/TrainerImpl.h"

namespace longmim {
namespace {

const char* const kPausedBeat = R"({"paused":true})";

}  // namespace

Trainer::Impl::Directive Trainer::Impl::handleCommands(int epoch) {
  bool paused = false;
  for (;;) {
    std::optional<TrainerCommand> next;
    if (!paused) {
      next = commands.tryPop();
    } else if (!group) {
      next = commands.waitPop();
    } else {
      // The other workers wait in sharedCommands' broadcast: a beat every second tells them the
      // pause goes on, so that a long pause never reaches the group's timeout.
      next = commands.waitPopFor(std::chrono::seconds(1));
      if (!next) {
        group->broadcastText(kPausedBeat);
        continue;
      }
    }
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
        if (group)
          appliedEdits.push_back(*next);
        break;
    }
  }
}

Trainer::Impl::Directive Trainer::Impl::sharedCommands(int epoch) {
  if (!group)
    return handleCommands(epoch);
  // Only rank 0's queue counts (the studio and Ctrl-C reach rank 0; a worker's own is ignored).
  // A pause holds rank 0 here and the others in the broadcast below, for at most the group's
  // timeout (LONGMIM_DIST_TIMEOUT).
  nlohmann::json message;
  if (group->isMain()) {
    appliedEdits.clear();
    const Directive directive = handleCommands(epoch);
    message["directive"] = static_cast<int>(directive);
    message["stop_after_epoch"] = stopAfterEpoch;
    message["edits"] = nlohmann::json::array();
    for (const TrainerCommand& e : appliedEdits)
      message["edits"].push_back({{"key", e.key}, {"value", e.value}, {"source", e.source}});
    appliedEdits.clear();
    group->broadcastText(message.dump());
    return directive;
  }
  bool paused = false;
  for (;;) {
    message = nlohmann::json::parse(group->broadcastText(std::string()));
    if (!message.contains("paused"))
      break;
    if (!paused) {
      paused = true;
      setState(TrainerState::Paused);
    }
  }
  if (paused)
    setState(TrainerState::Running);
  for (const nlohmann::json& e : message["edits"]) {
    applyEdit(TrainerCommand::edit(e["key"].get<std::string>(), e["value"],
                                   e["source"].get<std::string>()),
              epoch);
  }
  stopAfterEpoch = message["stop_after_epoch"].get<bool>();
  const auto directive = static_cast<Directive>(message["directive"].get<int>());
  if (directive != Directive::Go)
    setState(TrainerState::Stopping);
  return directive;
}

void Trainer::Impl::applyEdit(const TrainerCommand& command, int epoch) {
  std::string before;
  std::string after;
  if (command.key == "LR_MULTIPLIER") {
    const double v = command.value.is_number() ? command.value.get<double>() : 0.0;
    if (!(v > 0.0) || !std::isfinite(v)) {
      say(LogLevel::Warning, command.source + ": LR_MULTIPLIER must be a positive number (got " +
                                 command.value.dump() + "); ignored");
      return;
    }
    before = formatNumber(lrMultiplier);
    after = formatNumber(v);
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
      setConfigValue(edited, *field, command.value, command.source);
      requireValidConfig(edited, command.source);
      composer->updateConfig(edited);
    } catch (const std::exception& e) {
      // updateConfig() changes nothing when it throws: the run goes on exactly as before.
      say(LogLevel::Warning, std::string(e.what()) + "; the edit was not applied");
      return;
    }
    before = configValue(config, *field).dump();
    after = configValue(edited, *field).dump();
    config = edited;
  }
  const EditRecord record{epoch, optimizerStep, command.key, before, after};
  history.edits.push_back(record);
  say(LogLevel::Info, "edited " + command.key + ": " + before + " -> " + after +
                          " (from optimizer step " + std::to_string(optimizerStep) + ")");
  if (observer)
    observer->hyperparameterEdited(record);
}

}  // namespace longmim
