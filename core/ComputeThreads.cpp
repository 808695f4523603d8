#include "ComputeThreads.h"

#include <dlfcn.h>

#include <algorithm>
#include <thread>

#include <ATen/Parallel.h>

namespace longmim {

void setBlasThreads(int threads) {
  // OpenBLAS is loaded by LibTorch; its setter is looked up at run time so that another BLAS
  // (reference BLAS, MKL) simply skips this step.
  using Setter = void (*)(int);
  if (auto setter = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    setter(std::max(1, threads));
  }
}

int setComputeThreads(int threads) {
  const int count =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(count);
  setBlasThreads(1);
  return count;
}

}  // namespace longmim
