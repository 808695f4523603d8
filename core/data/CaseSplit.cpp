#include "data/CaseSplit.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace longmim {

CaseSplit splitBySubject(const std::vector<CaseEntry>& cases, double valFraction, int seed) {
  std::set<std::string> distinct;
  for (const CaseEntry& c : cases)
    distinct.insert(c.subject);
  std::vector<std::string> subjects(distinct.begin(), distinct.end());  // sorted: stable input

  // Fisher-Yates with our own index draws: std::shuffle's use of the engine is unspecified.
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  for (size_t i = subjects.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(subjects[i - 1], subjects[j]);
  }

  size_t valCount = static_cast<size_t>(std::lround(valFraction * subjects.size()));
  if (valFraction > 0.0 && subjects.size() >= 2) {
    valCount = std::clamp<size_t>(valCount, 1, subjects.size() - 1);
  } else if (subjects.size() < 2) {
    valCount = 0;
  }
  const std::set<std::string> valSubjects(subjects.begin(), subjects.begin() + valCount);

  CaseSplit split;
  for (size_t i = 0; i < cases.size(); ++i) {
    (valSubjects.count(cases[i].subject) ? split.val : split.train).push_back(i);
  }
  return split;
}

std::vector<CaseEntry> casesToInspect(const std::vector<CaseEntry>& cases, double valFraction,
                                      int seed) {
  std::vector<CaseEntry> out;
  for (const size_t i : splitBySubject(cases, valFraction, seed).val)
    out.push_back(cases[i]);
  if (out.empty())
    out = cases;  // no validation set: every case can still be inspected
  return out;
}

}  // namespace longmim
