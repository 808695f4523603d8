// The ranks of one data-parallel group as threads of a test process, each with its own c10d
// TCPStore client and Gloo group on loopback, as worker processes would have.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dist/Distributed.h"
#include "dist/FreePort.h"

namespace longmim::test {

inline dist::WorldSpec loopbackWorld(int rank, int size, int port, int timeoutSeconds = 60) {
  dist::WorldSpec w;
  w.rank = rank;
  w.worldSize = size;
  w.masterPort = port;
  w.timeoutSeconds = timeoutSeconds;
  return w;
}

// Runs `body` on every rank of a fresh group of `size` threads; the first error, rethrown here.
inline void onEveryRank(int size, const std::function<void(dist::ProcessGroup&)>& body) {
  const int port = dist::freeLoopbackPort();
  std::vector<std::string> errors(static_cast<size_t>(size));
  std::vector<std::thread> threads;
  for (int rank = 0; rank < size; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        dist::ProcessGroup group(loopbackWorld(rank, size, port));
        body(group);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(rank)] = e.what();
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  for (const std::string& e : errors) {
    if (!e.empty())
      throw std::runtime_error(e);
  }
}

}  // namespace longmim::test
