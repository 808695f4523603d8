// Commands a running Trainer takes at batch boundaries, from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace longmim {

struct TrainerCommand {
  enum class Kind {
    Pause,           // hold at the next batch boundary; the model stays in memory
    Continue,        // resume after Pause
    StopAfterStep,   // finish the current batch, write a checkpoint marked interrupted, stop
    StopAfterEpoch,  // finish the epoch (validation and checkpoints included), then stop
    Abort,           // stop at the next batch boundary without writing anything
    Edit,            // change a live hyperparameter: key = LAMBDA_* / USE_* / LR_MULTIPLIER
  };
  TrainerCommand(Kind k = Kind::Continue) : kind(k) {}
  // An edit carries the value typed as the field is (a number, a bool), checked once by the
  // trainer against the field; `source` names where it came from in a refusal's message.
  static TrainerCommand edit(std::string key, nlohmann::json value,
                             std::string source = "live edit") {
    TrainerCommand command(Kind::Edit);
    command.key = std::move(key);
    command.value = std::move(value);
    command.source = std::move(source);
    return command;
  }

  Kind kind;
  std::string key;
  nlohmann::json value;
  std::string source;
};

// Thread-safe FIFO; the trainer drains it at each batch boundary and blocks on it while paused.
class CommandQueue {
 public:
  void push(TrainerCommand command);
  std::optional<TrainerCommand> tryPop();
  TrainerCommand waitPop();  // blocks until a command arrives
  // Waits at most `timeout`; nullopt when nothing arrived.
  std::optional<TrainerCommand> waitPopFor(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<TrainerCommand> commands_;
};

}  // namespace longmim
