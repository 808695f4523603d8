// The generator's random source: one seeded engine per case or pair, so results do not depend on
// threads or on how many pairs are generated.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace longmim::synth {

class SynthRandom {
 public:
  explicit SynthRandom(std::uint64_t seed) : engine_(seed) {}

  // A seed derived from a base seed and labels (case number, pair number, purpose): splitmix64.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                              std::uint64_t c = 0);

  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  double normal(double mean, double sd) {
    return std::normal_distribution<double>(mean, sd)(engine_);
  }
  int integer(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(engine_);
  }  // inclusive
  bool chance(double p) { return p > 0.0 && uniform(0.0, 1.0) < p; }
  int sign() { return chance(0.5) ? 1 : -1; }
  // Index drawn with the given (unnormalised, non-negative) weights.
  size_t pick(const std::vector<double>& weights);
  std::uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace longmim::synth
