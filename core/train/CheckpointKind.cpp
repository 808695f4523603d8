#include "train/CheckpointKind.h"

#include <charconv>

namespace longmim {
namespace {

const std::string kPrefix = "longitudinal_mim_";
const std::string kEpochPrefix = kPrefix + "epoch_";
const std::string kSuffix = ".pt";

}  // namespace

const char* const kBestCheckpointName = "longitudinal_mim_best.pt";
const char* const kInterruptedCheckpointName = "longitudinal_mim_interrupted.pt";

const char* checkpointKindName(CheckpointKind kind) {
  switch (kind) {
    case CheckpointKind::Best:
      return "best";
    case CheckpointKind::Interrupted:
      return "interrupted";
    case CheckpointKind::Epoch:
      break;
  }
  return "epoch";
}

std::optional<CheckpointKind> parseCheckpointKind(const std::string& name) {
  for (const CheckpointKind kind :
       {CheckpointKind::Epoch, CheckpointKind::Best, CheckpointKind::Interrupted}) {
    if (name == checkpointKindName(kind))
      return kind;
  }
  return std::nullopt;
}

std::string checkpointFileName(CheckpointKind kind, int epoch) {
  switch (kind) {
    case CheckpointKind::Best:
      return kBestCheckpointName;
    case CheckpointKind::Interrupted:
      return kInterruptedCheckpointName;
    case CheckpointKind::Epoch:
      break;
  }
  return kEpochPrefix + std::to_string(epoch) + kSuffix;
}

std::optional<CheckpointFile> checkpointFileOf(const std::string& fileName) {
  if (fileName == kBestCheckpointName)
    return CheckpointFile{CheckpointKind::Best, 0};
  if (fileName == kInterruptedCheckpointName)
    return CheckpointFile{CheckpointKind::Interrupted, 0};
  if (fileName.size() <= kEpochPrefix.size() + kSuffix.size() ||
      fileName.rfind(kEpochPrefix, 0) != 0 ||
      fileName.compare(fileName.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return std::nullopt;
  }
  const char* first = fileName.data() + kEpochPrefix.size();
  const char* last = fileName.data() + fileName.size() - kSuffix.size();
  int epoch = 0;
  const auto [end, error] = std::from_chars(first, last, epoch);
  if (error != std::errc() || end != last || epoch <= 0)
    return std::nullopt;
  return CheckpointFile{CheckpointKind::Epoch, epoch};
}

}  // namespace longmim
