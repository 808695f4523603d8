// One knob for the CPU threads of tensor operations: LibTorch's intra-op pool and OpenBLAS's own.
#pragma once

namespace longmim {

// Uses `threads` CPU threads for tensor operations (0: every core) and keeps OpenBLAS
// single-threaded. Debian's LibTorch runs convolutions on its OpenMP pool but matrix products
// (linear layers, transposed convolutions) on OpenBLAS, whose own pthread pool ignores
// at::set_num_threads; with both pools at two threads on a 2-core machine they fight (cpu-demo
// forward + backward: 126 ms per sample, against 78 ms with OpenBLAS single-threaded; see
// docs/benchmarks.md). Returns the number of threads in use.
int setComputeThreads(int threads);

// OpenBLAS's thread count alone (benchmarks measure the matrix-multiply peak with it). No-op when
// the BLAS is not OpenBLAS.
void setBlasThreads(int threads);

}  // namespace longmim
