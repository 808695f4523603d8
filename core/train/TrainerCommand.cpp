#include "train/TrainerCommand.h"

namespace longmim {

void CommandQueue::push(TrainerCommand command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    commands_.push_back(std::move(command));
  }
  arrived_.notify_all();
}

std::optional<TrainerCommand> CommandQueue::tryPop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (commands_.empty())
    return std::nullopt;
  TrainerCommand command = std::move(commands_.front());
  commands_.pop_front();
  return command;
}

TrainerCommand CommandQueue::waitPop() {
  std::unique_lock<std::mutex> lock(mutex_);
  arrived_.wait(lock, [&] { return !commands_.empty(); });
  TrainerCommand command = std::move(commands_.front());
  commands_.pop_front();
  return command;
}

std::optional<TrainerCommand> CommandQueue::waitPopFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!arrived_.wait_for(lock, timeout, [&] { return !commands_.empty(); }))
    return std::nullopt;
  TrainerCommand command = std::move(commands_.front());
  commands_.pop_front();
  return command;
}

}  // namespace longmim
