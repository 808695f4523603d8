// The kinds of checkpoint a run writes, one place for their names: the "kind" entry inside the
// file ("epoch", "best", "interrupted") and the file names in the run folder
// (longitudinal_mim_epoch_<N>.pt, longitudinal_mim_best.pt, longitudinal_mim_interrupted.pt).
#pragma once

#include <optional>
#include <string>

namespace longmim {

enum class CheckpointKind {
  Epoch,        // the end of an epoch, every SAVE_EVERY_EPOCHS
  Best,         // the epoch with the lowest validation loss so far
  Interrupted,  // a stop or a Ctrl-C, possibly inside an epoch: to resume from
};

// "epoch", "best" or "interrupted", as the file's "kind" entry holds it.
const char* checkpointKindName(CheckpointKind kind);
// The kind named `name`; none for any other text.
std::optional<CheckpointKind> parseCheckpointKind(const std::string& name);

// The file name of a checkpoint in its run folder; `epoch` counts for CheckpointKind::Epoch only.
std::string checkpointFileName(CheckpointKind kind, int epoch = 0);
extern const char* const kBestCheckpointName;
extern const char* const kInterruptedCheckpointName;

struct CheckpointFile {
  CheckpointKind kind;
  int epoch = 0;  // of an epoch checkpoint (> 0); 0 for the others
};
// What `fileName` (a name, not a path) is as a checkpoint of a run folder; none for other files.
std::optional<CheckpointFile> checkpointFileOf(const std::string& fileName);

}  // namespace longmim
