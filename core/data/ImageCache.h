// Thread-safe in-memory cache of prepared (decoded, resized, normalised) pairs, keyed by dataset
// index.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "data/PairPreprocessing.h"

namespace longmim {

class ImageCache {
 public:
  std::shared_ptr<const PreparedPair> find(size_t index) const;
  void insert(size_t index, std::shared_ptr<const PreparedPair> pair);
  size_t count() const;
  size_t bytes() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<size_t, std::shared_ptr<const PreparedPair>> pairs_;
  size_t bytes_ = 0;
};

}  // namespace longmim
