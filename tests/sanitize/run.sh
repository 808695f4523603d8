#!/usr/bin/env bash
# The engine under AddressSanitizer + UndefinedBehaviorSanitizer, and the libFuzzer targets:
# builds core/ and tests/core + tests/fuzz with clang-14 into build-sanitize/ and runs them (every
# finding -- memory error, leak, undefined behaviour -- fails). Part of the README's test command.
#
#   tests/sanitize/run.sh [ctest arguments...]     e.g.  tests/sanitize/run.sh -L fuzz
#
# LONGMIM_FUZZ_RUNS (default 20000) sets the executions of the NIfTI and params fuzz targets,
# LONGMIM_FUZZ_CHECKPOINT_RUNS (default 4000) those of the slower checkpoint target.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${LONGMIM_SANITIZE_BUILD:-build-sanitize}
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
  -DLONGMIM_CORE_ONLY=ON -DLONGMIM_SANITIZE=address,undefined -DLONGMIM_FUZZ=ON \
  -DLONGMIM_BUILD_BENCH=OFF "-DLONGMIM_FUZZ_RUNS=${LONGMIM_FUZZ_RUNS:-20000}" \
  "-DLONGMIM_FUZZ_CHECKPOINT_RUNS=${LONGMIM_FUZZ_CHECKPOINT_RUNS:-4000}" >/dev/null
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2 "$@"
