#include "synth/SynthRandom.h"

#include <numeric>

namespace longmim::synth {

std::uint64_t SynthRandom::derive(std::uint64_t seed, std::uint64_t a, std::uint64_t b,
                                  std::uint64_t c) {
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(mix(seed) ^ a) ^ b) ^ c);
}

size_t SynthRandom::pick(const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double r = uniform(0.0, total);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i])
      return i;
    r -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace longmim::synth
