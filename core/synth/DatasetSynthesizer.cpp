#include "synth/DatasetSynthesizer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "Error.h"
#include "io/AtomicFile.h"
#include "io/DiffOverlay.h"
#include "io/NiftiIO.h"
#include "io/PngWriter.h"
#include "synth/CtThorax.h"
#include "synth/ThoraxPhantom.h"

namespace fs = std::filesystem;

namespace longmim::synth {
namespace {

constexpr const char* kSettingsFile = "synth_settings.json";
constexpr int kLayoutVersion = 1;

// Voxels across the phantom or CT grid for an output size: finer grids for larger films.
int gridVoxelsFor(int size) {
  return std::clamp(size / 2, 96, 192);
}

std::string number(size_t value, size_t width) {
  std::string text = std::to_string(value);
  return std::string(width > text.size() ? width - text.size() : 0, '0') + text;
}

bool pairComplete(const fs::path& folder) {
  std::error_code ec;
  for (const char* name : {"prior.nii.gz", "current.nii.gz", "diff_map.nii.gz", "params.json"}) {
    if (!fs::is_regular_file(folder / name, ec))
      return false;
  }
  return true;
}

nlohmann::ordered_json probabilitiesJson(const EntityProbabilities& p) {
  return {{"CO", p.consolidation}, {"PL", p.pleuralEffusion}, {"PN", p.pneumothorax},
          {"CA", p.cardiomegaly},  {"FL", p.fluidOverload},   {"EX", p.devices}};
}

void requireProbability(const char* key, double value, const std::string& source) {
  if (!(value >= 0.0 && value <= 1.0)) {
    std::ostringstream text;
    text << source << ": " << key << " must be a probability in [0, 1] (got " << value << ")";
    throw ConfigError(key, text.str());
  }
}

}  // namespace

EntityProbabilities parseEntityProbabilities(const std::string& text) {
  EntityProbabilities p;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty())
      continue;
    const size_t eq = item.find('=');
    const std::string code = item.substr(0, eq);
    double* target = code == "CO"   ? &p.consolidation
                     : code == "PL" ? &p.pleuralEffusion
                     : code == "PN" ? &p.pneumothorax
                     : code == "CA" ? &p.cardiomegaly
                     : code == "FL" ? &p.fluidOverload
                     : code == "EX" ? &p.devices
                                    : nullptr;
    if (eq == std::string::npos || !target) {
      throw ConfigError("--entities",
                        "--entities: '" + item +
                            "' is not CODE=PROBABILITY with CODE one of CO, PL, PN, CA, FL, EX "
                            "(e.g. --entities CO=0.3,EX=0)");
    }
    const std::string value = item.substr(eq + 1);
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') {
      throw ConfigError("--entities",
                        "--entities: '" + value + "' for " + code + " is not a number");
    }
    requireProbability(code.c_str(), v, "--entities");
    *target = v;
  }
  return p;
}

void parseRotationLimits(const std::string& text, SynthOptions& options) {
  const size_t comma = text.find(',');
  char* end1 = nullptr;
  char* end2 = nullptr;
  const std::string a = text.substr(0, comma);
  const std::string b = comma == std::string::npos ? std::string() : text.substr(comma + 1);
  const double axis = std::strtod(a.c_str(), &end1);
  const double sum = std::strtod(b.c_str(), &end2);
  if (comma == std::string::npos || a.empty() || b.empty() || *end1 != '\0' || *end2 != '\0' ||
      axis < 0 || axis > 90 || sum < 0 || sum > 270) {
    throw ConfigError("--rotation",
                      "--rotation expects MAX_AXIS,MAX_SUM in degrees (0-90 and 0-270), e.g. "
                      "17.5,37.5 (got '" +
                          text + "')");
  }
  options.maxAxisDegrees = axis;
  options.maxSumDegrees = sum;
}

DatasetSynthesizer::DatasetSynthesizer(SynthJob job) : job_(std::move(job)) {
  if (job_.count <= 0) {
    throw ConfigError(
        "-n", "-n must be a positive number of pairs (got " + std::to_string(job_.count) + ")");
  }
  if (job_.options.size < 32 || job_.options.size > 2048) {
    throw ConfigError("--size", "--size must be between 32 and 2048 pixels (got " +
                                    std::to_string(job_.options.size) + ")");
  }
  const EntityProbabilities& p = job_.options.probabilities;
  for (const auto& [key, value] : {std::pair{"CO", p.consolidation},
                                   {"PL", p.pleuralEffusion},
                                   {"PN", p.pneumothorax},
                                   {"CA", p.cardiomegaly},
                                   {"FL", p.fluidOverload},
                                   {"EX", p.devices}}) {
    requireProbability(key, value, "--entities");
  }
  if (!(job_.options.decay >= 0.0 && job_.options.decay <= 1.0)) {
    throw ConfigError("--decay",
                      "--decay must be in [0, 1] (got " + std::to_string(job_.options.decay) + ")");
  }
  if (job_.options.maxAxisDegrees < 0 || job_.options.maxSumDegrees < 0) {
    throw ConfigError("--rotation", "--rotation limits must not be negative");
  }
  if (job_.pairsPerCase < 0)
    throw ConfigError("--pairs-per-case", "--pairs-per-case must not be negative");

  // Inputs: every CT must be usable before anything is written.
  if (!job_.ctInputs.empty()) {
    ctFiles_ = collectNiftiFiles(job_.ctInputs, "CT");
    std::vector<std::string> masks;
    if (!job_.lungSegInputs.empty())
      masks = collectNiftiFiles(job_.lungSegInputs, "lung mask");
    segFiles_ = matchLungMasks(ctFiles_, masks);
    for (size_t i = 0; i < ctFiles_.size(); ++i) {
      loadCtThorax(ctFiles_[i], segFiles_[i], 64);  // throws DataError naming the file
    }
  } else if (!job_.lungSegInputs.empty()) {
    throw ConfigError("--lung-seg", "--lung-seg needs --ct: lung masks belong to CT volumes");
  }
  pairsPerCase_ = job_.pairsPerCase > 0 ? job_.pairsPerCase
                  : ctFiles_.empty()
                      ? 1
                      : static_cast<int>((job_.count + ctFiles_.size() - 1) / ctFiles_.size());

  // Output folder: writable, and either new/empty or an earlier run with the same settings.
  const fs::path out(job_.outputDir);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    throw Error("cannot write to " + job_.outputDir + ": it is a file, not a folder");
  }
  const bool existed = fs::exists(out, ec);
  fs::create_directories(out, ec);
  if (ec)
    throw Error("cannot create the output folder " + job_.outputDir + ": " + ec.message());
  const fs::path probe = out / (".write-test-" + std::to_string(::getpid()));
  if (std::FILE* f = std::fopen(probe.c_str(), "wb")) {
    std::fclose(f);
    fs::remove(probe, ec);
  } else {
    if (!existed)
      fs::remove(out, ec);
    throw Error("cannot write to the output folder " + job_.outputDir + ": permission denied");
  }
  const fs::path settings = out / kSettingsFile;
  if (fs::exists(settings, ec)) {
    // Everything but the count, which may grow between runs, must match.
    nlohmann::json saved = nlohmann::json::parse(readWholeFile(settings.string()), nullptr, false);
    nlohmann::json wanted = settingsJson();
    if (saved.is_object()) {
      saved.erase("count");
      // Folders from before profiles existed were made with the reference's settings.
      if (!saved.contains("profile")) {
        saved["profile"] = "reference";
        saved["min_changed_fraction"] = 0.0;
      }
    }
    wanted.erase("count");
    if (saved != wanted) {
      throw ConfigError("-o", job_.outputDir + " holds pairs generated with other settings (see " +
                                  settings.string() +
                                  "); use the same settings to continue it, or another folder");
    }
  } else if (existed && !fs::is_empty(out, ec)) {
    throw Error(job_.outputDir +
                " is not empty and was not made by longmim synth; choose a new or empty folder");
  }
}

std::string DatasetSynthesizer::pairFolder(size_t index) const {
  const size_t cases = (static_cast<size_t>(job_.count) + pairsPerCase_ - 1) / pairsPerCase_;
  const size_t caseWidth = std::max<size_t>(3, std::to_string(cases - 1).size());
  const size_t pairWidth = std::max<size_t>(3, std::to_string(pairsPerCase_ - 1).size());
  return "case_" + number(index / pairsPerCase_, caseWidth) + "/pair_" +
         number(index % pairsPerCase_, pairWidth);
}

void DatasetSynthesizer::writeSettings() const {
  writeFileAtomically((fs::path(job_.outputDir) / kSettingsFile).string(),
                      settingsJson().dump(2) + "\n");
}

nlohmann::ordered_json DatasetSynthesizer::settingsJson() const {
  nlohmann::ordered_json s;
  s["generator"] = "longmim synth";
  s["layout_version"] = kLayoutVersion;
  s["profile"] = job_.options.profile;
  s["count"] = job_.count;
  s["seed"] = job_.seed;
  s["size"] = job_.options.size;
  s["pairs_per_case"] = pairsPerCase_;
  s["entities"] = probabilitiesJson(job_.options.probabilities);
  s["decay"] = job_.options.decay;
  s["rotation_degrees"] = {{"max_axis", job_.options.maxAxisDegrees},
                           {"max_sum", job_.options.maxSumDegrees}};
  s["frame_margin_mm"] = job_.options.frameMarginMm;
  s["min_changed_fraction"] = job_.options.minChangedFraction;
  if (ctFiles_.empty()) {
    s["source"] = "phantom";
  } else {
    nlohmann::ordered_json cts = nlohmann::ordered_json::array();
    for (size_t i = 0; i < ctFiles_.size(); ++i) {
      cts.push_back({{"ct", fs::absolute(ctFiles_[i]).string()},
                     {"lung_seg",
                      segFiles_[i].empty() ? std::string() : fs::absolute(segFiles_[i]).string()}});
    }
    s["source"] = cts;
  }
  return s;
}

void DatasetSynthesizer::generateCase(size_t caseIndex, const std::vector<size_t>& pairs,
                                      const std::function<void(bool)>& pairFinished,
                                      const std::atomic<bool>* cancel) const {
  const int grid = gridVoxelsFor(job_.options.size);
  ThoraxVolume base;
  nlohmann::ordered_json source;
  if (ctFiles_.empty()) {
    SynthRandom rng(SynthRandom::derive(job_.seed, caseIndex, 0xCA5EULL));
    base = buildThoraxPhantom(PhantomOptions{grid}, rng);
    source = "phantom";
  } else {
    const size_t ct = caseIndex % ctFiles_.size();
    base = loadCtThorax(ctFiles_[ct], segFiles_[ct], grid);
    source = {{"ct", fs::absolute(ctFiles_[ct]).string()}};
    if (!segFiles_[ct].empty())
      source["lung_seg"] = fs::absolute(segFiles_[ct]).string();
  }
  const PairGenerator generator(job_.options);
  for (const size_t index : pairs) {
    if (cancel && cancel->load())
      return;
    const std::uint64_t seed = SynthRandom::derive(job_.seed, caseIndex, 1 + index % pairsPerCase_);
    const GeneratedPair pair = generator.generate(base, seed);

    const std::string relative = pairFolder(index);
    const fs::path final = fs::path(job_.outputDir) / relative;
    const fs::path temporary = final.parent_path() / ("." + final.filename().string() + ".tmp-" +
                                                      std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(temporary, ec);
    fs::create_directories(temporary, ec);
    if (ec)
      throw Error("cannot create " + temporary.string() + ": " + ec.message());
    writeImage2D(pair.prior, (temporary / "prior.nii.gz").string());
    writeImage2D(pair.current, (temporary / "current.nii.gz").string());
    writeImage2D(pair.diff, (temporary / "diff_map.nii.gz").string());
    writeRgbPng((temporary / "preview.png").string(), pair.current.rows, pair.current.cols,
                renderDiffOverlay(pair.current, pair.diff));
    nlohmann::ordered_json params;
    params["generator"] = "longmim synth";
    params["case"] = final.parent_path().filename().string();
    params["pair"] = final.filename().string();
    params["source"] = source;
    params["seed"] = seed;
    params["size"] = job_.options.size;
    const nlohmann::ordered_json details = pair.params();
    for (const auto& [key, value] : details.items())
      params[key] = value;
    writeFileAtomically((temporary / "params.json").string(), params.dump(2) + "\n");
    fs::rename(temporary, final, ec);
    if (ec) {
      fs::remove_all(temporary);
      throw Error("cannot complete " + final.string() + ": " + ec.message());
    }
    pairFinished(false);
  }
}

SynthReport DatasetSynthesizer::run(const std::function<void(const SynthProgress&)>& progress,
                                    const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  writeSettings();
  const fs::path out(job_.outputDir);
  std::error_code ec;
  // Leftovers of an interrupted run: hidden temporary pair folders.
  for (const auto& caseDir : fs::directory_iterator(out, ec)) {
    if (!caseDir.is_directory())
      continue;
    for (const auto& entry : fs::directory_iterator(caseDir.path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".pair_", 0) == 0 && name.find(".tmp-") != std::string::npos)
        fs::remove_all(entry.path(), ec);
    }
  }

  // Missing pairs, grouped by case (a case's volume is built once for all its pairs).
  std::vector<std::vector<size_t>> todo((static_cast<size_t>(job_.count) + pairsPerCase_ - 1) /
                                        pairsPerCase_);
  SynthProgress state;
  state.total = static_cast<size_t>(job_.count);
  for (size_t i = 0; i < state.total; ++i) {
    if (pairComplete(out / pairFolder(i))) {
      ++state.skipped;
    } else {
      todo[i / pairsPerCase_].push_back(i);
    }
  }
  state.done = state.skipped;
  std::mutex mutex;
  if (progress)
    progress(state);
  auto pairFinished = [&](bool) {
    SynthProgress copy;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++state.done;
      copy = state;
    }
    if (progress)
      progress(copy);
  };

  std::atomic<size_t> nextCase{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  auto stop = [&] { return failed.load() || (cancel && cancel->load()); };
  auto work = [&] {
    for (size_t c = nextCase++; c < todo.size() && !stop(); c = nextCase++) {
      if (todo[c].empty())
        continue;
      try {
        generateCase(c, todo[c], pairFinished, cancel);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error)
          error = std::current_exception();
        failed = true;
      }
    }
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  size_t busyCases = 0;
  for (const auto& pairs : todo)
    busyCases += pairs.empty() ? 0 : 1;
  const size_t threads = std::max<size_t>(
      1, std::min<size_t>(job_.threads > 0 ? static_cast<size_t>(job_.threads) : cores, busyCases));
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t)
    workers.emplace_back(work);
  work();
  for (std::thread& t : workers)
    t.join();
  if (error)
    std::rethrow_exception(error);

  SynthReport report;
  report.skipped = state.skipped;
  report.generated = state.done - state.skipped;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (cancel && cancel->load() && state.done < state.total) {
    throw Error("synthesis cancelled after " + std::to_string(state.done) + " of " +
                std::to_string(state.total) + " pairs; run it again to continue");
  }
  return report;
}

}  // namespace longmim::synth
