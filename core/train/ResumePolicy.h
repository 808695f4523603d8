// What a resumed run takes from its checkpoint and what from whoever resumes it -- one policy for
// the command line, the studio and the trainer. The run itself (model, image size, batch,
// schedule, seed, validation split, losses) comes from the checkpoint; where this machine keeps
// the data and the outputs, its threads, device and logging come from the caller.
#pragma once

#include <string>
#include <vector>

#include "config/TrainingConfig.h"

namespace longmim {

// Keys that shape the model, the data or the schedule: a checkpoint only continues a run that
// agrees on them.
const std::vector<std::string>& resumeLockedKeys();

// Keys a resumed run takes from the caller rather than from the checkpoint.
const std::vector<std::string>& resumeCallerKeys();

// The checkpoint's configuration with the caller's keys taken from `caller`; a folder the caller
// leaves empty (DATA_DIR, OUTPUT_DIR, TENSORBOARD_DIR) keeps the checkpoint's.
TrainingConfig resumedConfig(const TrainingConfig& saved, const TrainingConfig& caller);

// Throws ConfigError listing every locked key on which `requested` differs from `saved`
// ("... was trained with another configuration (BATCH_SIZE 8 -> 4); ...").
void requireSameRun(const TrainingConfig& saved, const TrainingConfig& requested,
                    const std::string& checkpointPath);

}  // namespace longmim
