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

void setThisThreadComputeThreads(int threads) {
  // Both copies of ATen's per-thread lazy initialisation (the inline one here, LibTorch's behind
  // get_num_threads) run first, so that neither later resets this thread to the process's count.
  at::internal::lazy_init_num_threads();
  const int process = at::get_num_threads();
  if (threads <= 0) {
    at::init_num_threads();  // this thread back to the process's setting
    return;
  }
  // libgomp's setter, looked up like OpenBLAS's: it sets the calling thread's team size only.
  using Setter = void (*)(int);
  if (auto setter = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "omp_set_num_threads")))
    setter(std::min(threads, std::max(1, process)));
}

int setComputeThreads(int threads) {
  const int count =
      threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(count);
  setBlasThreads(1);
  return count;
}

}  // namespace longmim
