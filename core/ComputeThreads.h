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

// The number of compute threads of the calling thread only (0: the process's setting again). A
// thread that predicts beside a running trainer (the studio's viewer) uses 1: with a second
// OpenMP team in the process there are more OpenMP threads than cores, and libgomp then cuts every
// team's spin-wait to ~100 iterations, so the trainer's threads sleep and wake between its
// operations -- the studio's demo run spent 14% of the CPU idle and took 1.15-1.24x the command
// line's time (docs/benchmarks.md).
void setThisThreadComputeThreads(int threads);

// OpenBLAS's thread count alone (benchmarks measure the matrix-multiply peak with it). No-op when
// the BLAS is not OpenBLAS.
void setBlasThreads(int threads);

}  // namespace longmim
