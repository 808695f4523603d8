// `longmim synth`: N synthetic pairs written as case_XXX/pair_YYY folders, in parallel, resumable.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "synth/PairGenerator.h"

namespace longmim::synth {

struct SynthJob {
  std::string outputDir;
  int count = 0;  // pairs to have in outputDir when done
  std::uint64_t seed = 0;
  SynthOptions options;
  std::vector<std::string> ctInputs;       // CT NIfTI files or folders holding them; empty: phantom
  std::vector<std::string> lungSegInputs;  // optional lung masks: files or folders (see CtThorax.h)
  int pairsPerCase = 0;                    // 0: 1 for the phantom, ceil(count / CTs) with CTs
  int threads = 0;                         // 0: every core
};

struct SynthProgress {
  size_t done = 0;  // pairs finished in this run (generated or found complete)
  size_t total = 0;
  size_t skipped = 0;  // of `done`, pairs that were already complete from an earlier run
};

struct SynthReport {
  size_t generated = 0;
  size_t skipped = 0;
  double seconds = 0.0;
};

class DatasetSynthesizer {
 public:
  // Checks everything before anything is written: count > 0, probabilities in [0, 1], a writable
  // output folder, every CT readable, 3-D and with a detectable lung, a lung mask for each CT
  // when masks are given, and (when the folder already holds a dataset) the same generation
  // settings. Throws ConfigError / DataError / Error naming the input and the problem.
  explicit DatasetSynthesizer(SynthJob job);

  // Generates the missing pairs. Each pair is written into a hidden temporary folder and renamed
  // when complete, so an interrupted run leaves only complete pairs and a rerun continues.
  // `progress` is called from worker threads. Cancelling stops after the pairs in progress and
  // throws Error.
  SynthReport run(const std::function<void(const SynthProgress&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

  size_t totalPairs() const { return static_cast<size_t>(job_.count); }
  const SynthJob& job() const { return job_; }

  // The folder of pair `index` (0-based), relative to the output folder: "case_003/pair_001".
  std::string pairFolder(size_t index) const;

 private:
  nlohmann::ordered_json settingsJson() const;  // synth_settings.json
  void writeSettings() const;
  void generateCase(size_t caseIndex, const std::vector<size_t>& pairs,
                    const std::function<void(bool)>& pairFinished,
                    const std::atomic<bool>* cancel) const;

  SynthJob job_;
  std::vector<std::string> ctFiles_;
  std::vector<std::string> segFiles_;  // aligned with ctFiles_, empty strings where none
  int pairsPerCase_ = 1;
};

// Parses "CO=0.15,PL=0.15,PN=0.15,CA=0.15,FL=0.15,EX=0.5" (any subset; unnamed entities keep
// their defaults). Throws ConfigError naming the bad item.
EntityProbabilities parseEntityProbabilities(const std::string& text);

// Parses "MAX_AXIS,MAX_SUM" in degrees into the options. Throws ConfigError.
void parseRotationLimits(const std::string& text, SynthOptions& options);

}  // namespace longmim::synth
