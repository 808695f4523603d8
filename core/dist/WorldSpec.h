// Where this process stands in a data-parallel run: plain values, no LibTorch (the trainer's
// options carry it; core/dist/Distributed.h joins the group).
#pragma once

#include <string>

namespace longmim::dist {

// This process's place in the group, as torchrun and SLURM launchers describe it.
struct WorldSpec {
  int rank = 0;       // 0 .. worldSize-1; rank 0 writes the run folder
  int worldSize = 1;  // worker processes in the whole run
  int localRank = 0;  // index on this machine
  std::string masterAddress = "127.0.0.1";
  int masterPort = 29500;
  std::string backend = "auto";  // auto | gloo | nccl
  int timeoutSeconds = 300;      // a collective waiting longer than this fails the run

  bool distributed() const { return worldSize > 1; }
};

// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (and LONGMIM_DIST_TIMEOUT, seconds) from
// the environment; a single process when WORLD_SIZE is unset. Throws ConfigError naming the
// variable when a value is not a number or out of range.
WorldSpec worldFromEnvironment();

}  // namespace longmim::dist
