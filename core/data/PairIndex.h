// Finds the case folders under a dataset root and reports, per case, every problem that makes it
// unusable.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longmim {

// One folder holding prior, current and diff_map NIfTI files.
struct CaseEntry {
  std::string name;         // path relative to the root, e.g. "case_003/pair_001" or "case_001"
  std::string subject;      // first component of `name`: the unit of the train/validation split
  std::string folder;       // absolute path of the folder
  std::string priorPath;    // empty when missing
  std::string currentPath;  // empty when missing
  std::string diffPath;     // empty when missing
  bool valid = false;
};

struct DataProblem {
  std::string caseName;
  std::string file;    // file name inside the case folder; empty when the problem concerns the case
  std::string reason;  // e.g. "contains 3 NaN pixels"
  bool fatal = true;   // false: reported but the case is still used (e.g. differing image sizes)
};

struct ScanOptions {
  // Read every pixel (NaN/Inf and constant-image checks). Off: headers only, much faster.
  bool checkPixels = true;
  int threads = 0;                                          // 0: all cores
  std::function<void(size_t done, size_t total)> progress;  // called from worker threads
  const std::atomic<bool>* cancel = nullptr;                // set to stop early (throws Error)
};

class PairIndex {
 public:
  // Recursively discovers case folders under `root` and validates them. Throws DataError when the
  // root does not exist or is not a folder. Folders whose name starts with '.' are skipped (they
  // hold pairs still being written).
  static PairIndex scan(const std::string& root, const ScanOptions& options = {});

  const std::string& root() const { return root_; }
  const std::vector<CaseEntry>& cases() const { return cases_; }  // sorted by name
  const std::vector<DataProblem>& problems() const { return problems_; }
  std::vector<CaseEntry> validCases() const;
  size_t validCount() const;
  size_t invalidCount() const { return cases_.size() - validCount(); }

  // {"root", "valid_cases", "invalid_cases", "cases": [{name, subject, valid}], "problems": [...]}
  nlohmann::ordered_json toJson() const;

  // The accepted file names: prior.nii(.gz), current.nii(.gz), diff_map.nii(.gz) and the
  // reference's alternative difference_map.nii(.gz).
  static bool isPairFileName(const std::string& fileName);

 private:
  std::string root_;
  std::vector<CaseEntry> cases_;
  std::vector<DataProblem> problems_;
};

}  // namespace longmim
