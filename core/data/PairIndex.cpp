#include "data/PairIndex.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "Error.h"
#include "io/RadiographIO.h"

namespace fs = std::filesystem;

namespace longmim {
namespace {

enum class Role { Prior, Current, Diff };

struct RoleFiles {
  Role role;
  const char* label;  // the name used in messages when the file is missing
  std::vector<const char*> names;
};

const std::vector<RoleFiles>& roleFiles() {
  static const std::vector<RoleFiles> files = {
      // X-rays: NIfTI, or as they come from a hospital or a public collection: DICOM (with or
      // without an extension), PNG, JPEG; the two of a pair need not share a format.
      {Role::Prior,
       "prior.nii.gz",
       {"prior.nii.gz", "prior.nii", "prior.dcm", "prior.png", "prior.jpg", "prior.jpeg", "prior"}},
      {Role::Current,
       "current.nii.gz",
       {"current.nii.gz", "current.nii", "current.dcm", "current.png", "current.jpg",
        "current.jpeg", "current"}},
      {Role::Diff,
       "diff_map.nii.gz",
       {"diff_map.nii.gz", "diff_map.nii", "difference_map.nii.gz", "difference_map.nii"}},
  };
  return files;
}

std::string& pathFor(CaseEntry& entry, Role role) {
  switch (role) {
    case Role::Prior:
      return entry.priorPath;
    case Role::Current:
      return entry.currentPath;
    case Role::Diff:
      break;
  }
  return entry.diffPath;
}

bool isHidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// Everything after "<path>: " in a DataError message: the file column already names the file.
std::string reasonOf(const DataError& e, const std::string& path) {
  const std::string message = e.what();
  const std::string prefix = path + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

std::string formatValue(float v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

struct FileCheck {
  bool ok = false;
  int rows = 0;
  int cols = 0;
};

FileCheck checkFile(const std::string& path, Role role, bool checkPixels,
                    const std::string& caseName, std::vector<DataProblem>& problems) {
  const std::string file = fs::path(path).filename().string();
  FileCheck result;
  try {
    if (!checkPixels) {
      const RadiographHeader header = readRadiographHeader(path);
      result.cols = header.cols;
      result.rows = header.rows;
      result.ok = true;
      return result;
    }
    const Image2D image = readAnyImage2D(path);
    result.rows = image.rows;
    result.cols = image.cols;
    size_t nan = 0;
    size_t inf = 0;
    float lo = std::numeric_limits<float>::infinity();
    float hi = -lo;
    for (const float v : image.pixels) {
      if (std::isnan(v)) {
        ++nan;
      } else if (std::isinf(v)) {
        ++inf;
      } else {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    if (nan || inf) {
      std::string reason = "contains ";
      if (nan)
        reason += std::to_string(nan) + " NaN";
      if (nan && inf)
        reason += " and ";
      if (inf)
        reason += std::to_string(inf) + " infinite";
      reason += (nan + inf == 1) ? " pixel" : " pixels";
      problems.push_back({caseName, file, reason, true});
      return result;
    }
    // A difference map may legitimately be constant (no change); an X-ray may not.
    if (role != Role::Diff && lo == hi) {
      problems.push_back(
          {caseName, file,
           "is a constant image (every pixel is " + formatValue(lo) + "): nothing to learn from",
           true});
      return result;
    }
    result.ok = true;
  } catch (const DataError& e) {
    problems.push_back({caseName, file, reasonOf(e, path), true});
  }
  return result;
}

struct CaseResult {
  std::vector<DataProblem> problems;
  bool valid = false;
};

CaseResult validateCase(const CaseEntry& entry,
                        const std::map<Role, std::vector<std::string>>& duplicates,
                        bool checkPixels) {
  CaseResult result;
  std::vector<std::pair<std::string, FileCheck>> sizes;
  bool allOk = true;
  for (const RoleFiles& rf : roleFiles()) {
    const std::string& path = rf.role == Role::Prior     ? entry.priorPath
                              : rf.role == Role::Current ? entry.currentPath
                                                         : entry.diffPath;
    if (path.empty()) {
      result.problems.push_back({entry.name, rf.label, "missing", true});
      allOk = false;
      continue;
    }
    const auto dup = duplicates.find(rf.role);
    if (dup != duplicates.end()) {
      std::string others;
      for (const std::string& name : dup->second)
        others += (others.empty() ? "" : ", ") + name;
      result.problems.push_back({entry.name, fs::path(path).filename().string(),
                                 "used; also present and ignored: " + others, false});
    }
    const FileCheck check = checkFile(path, rf.role, checkPixels, entry.name, result.problems);
    allOk = allOk && check.ok;
    if (check.ok)
      sizes.emplace_back(fs::path(path).filename().string(), check);
  }
  if (allOk && sizes.size() == 3) {
    const bool same = std::all_of(sizes.begin(), sizes.end(), [&](const auto& s) {
      return s.second.rows == sizes[0].second.rows && s.second.cols == sizes[0].second.cols;
    });
    if (!same) {
      std::string text = "image sizes differ (";
      for (size_t i = 0; i < sizes.size(); ++i) {
        text += (i ? ", " : "") + sizes[i].first + " " + std::to_string(sizes[i].second.rows) +
                "x" + std::to_string(sizes[i].second.cols);
      }
      text += "); each is resized to IMG_SIZE";
      result.problems.push_back({entry.name, "", text, false});
    }
  }
  result.valid = allOk;
  return result;
}

}  // namespace

bool PairIndex::isPairFileName(const std::string& fileName) {
  for (const RoleFiles& rf : roleFiles()) {
    for (const char* name : rf.names) {
      if (fileName == name)
        return true;
    }
  }
  return false;
}

PairIndex PairIndex::scan(const std::string& root, const ScanOptions& options) {
  std::error_code ec;
  if (!fs::exists(root, ec))
    throw DataError(root, root + ": folder not found");
  if (!fs::is_directory(root, ec))
    throw DataError(root, root + ": is a file, not a folder");

  PairIndex index;
  index.root_ = fs::absolute(root).lexically_normal().string();
  if (!index.root_.empty() && index.root_.size() > 1 && index.root_.back() == '/') {
    index.root_.pop_back();
  }

  // Discovery: every folder holding at least one recognised file is a case.
  std::vector<std::map<Role, std::vector<std::string>>> duplicates;
  std::vector<fs::path> folders{fs::path(index.root_)};
  for (auto it = fs::recursive_directory_iterator(
           index.root_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec))
      continue;
    if (isHidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    folders.push_back(it->path());
  }
  for (const fs::path& folder : folders) {
    CaseEntry entry;
    std::map<Role, std::vector<std::string>> ignored;
    bool any = false;
    for (const RoleFiles& rf : roleFiles()) {
      for (const char* name : rf.names) {
        if (!fs::is_regular_file(folder / name, ec))
          continue;
        any = true;
        std::string& path = pathFor(entry, rf.role);
        if (path.empty()) {
          path = (folder / name).string();
        } else {
          ignored[rf.role].push_back(name);
        }
      }
    }
    if (!any)
      continue;
    entry.folder = folder.string();
    const fs::path relative = folder.lexically_relative(index.root_);
    entry.name = relative == "." ? folder.filename().string() : relative.generic_string();
    entry.subject = relative == "." ? entry.name : relative.begin()->string();
    index.cases_.push_back(entry);
    duplicates.push_back(ignored);
  }

  // Sort cases by name, keeping the duplicate notes aligned.
  std::vector<size_t> order(index.cases_.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return index.cases_[a].name < index.cases_[b].name; });
  std::vector<CaseEntry> sortedCases;
  std::vector<std::map<Role, std::vector<std::string>>> sortedDuplicates;
  for (const size_t i : order) {
    sortedCases.push_back(index.cases_[i]);
    sortedDuplicates.push_back(duplicates[i]);
  }
  index.cases_ = std::move(sortedCases);

  // Validation, in parallel: reading and decompressing dominates.
  std::vector<CaseResult> results(index.cases_.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const size_t workerCount =
      std::min<size_t>(options.threads > 0 ? static_cast<size_t>(options.threads) : hardware,
                       std::max<size_t>(1, index.cases_.size()));
  auto work = [&] {
    for (size_t i = next++; i < index.cases_.size(); i = next++) {
      if (options.cancel && options.cancel->load())
        return;
      results[i] = validateCase(index.cases_[i], sortedDuplicates[i], options.checkPixels);
      const size_t finished = ++done;
      if (options.progress)
        options.progress(finished, index.cases_.size());
    }
  };
  std::vector<std::thread> workers;
  for (size_t w = 1; w < workerCount; ++w)
    workers.emplace_back(work);
  work();
  for (std::thread& t : workers)
    t.join();
  if (options.cancel && options.cancel->load())
    throw Error("data check of " + root + " cancelled");

  for (size_t i = 0; i < index.cases_.size(); ++i) {
    index.cases_[i].valid = results[i].valid;
    for (DataProblem& p : results[i].problems)
      index.problems_.push_back(std::move(p));
  }
  return index;
}

std::vector<CaseEntry> PairIndex::validCases() const {
  std::vector<CaseEntry> valid;
  std::copy_if(cases_.begin(), cases_.end(), std::back_inserter(valid),
               [](const CaseEntry& c) { return c.valid; });
  return valid;
}

size_t PairIndex::validCount() const {
  return static_cast<size_t>(
      std::count_if(cases_.begin(), cases_.end(), [](const CaseEntry& c) { return c.valid; }));
}

nlohmann::ordered_json PairIndex::toJson() const {
  nlohmann::ordered_json out;
  out["root"] = root_;
  out["valid_cases"] = validCount();
  out["invalid_cases"] = invalidCount();
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();
  for (const CaseEntry& c : cases_) {
    cases.push_back({{"case", c.name}, {"subject", c.subject}, {"valid", c.valid}});
  }
  out["cases"] = cases;
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const DataProblem& p : problems_) {
    problems.push_back({{"case", p.caseName},
                        {"file", p.file},
                        {"reason", p.reason},
                        {"severity", p.fatal ? "error" : "warning"}});
  }
  out["problems"] = problems;
  return out;
}

}  // namespace longmim
