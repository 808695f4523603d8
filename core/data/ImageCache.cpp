#include "data/ImageCache.h"

namespace longmim {

std::shared_ptr<const PreparedPair> ImageCache::find(size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = pairs_.find(index);
  return it == pairs_.end() ? nullptr : it->second;
}

void ImageCache::insert(size_t index, std::shared_ptr<const PreparedPair> pair) {
  const size_t size =
      (pair->prior.size() + pair->current.size() + pair->diff.size()) * sizeof(float);
  std::lock_guard<std::mutex> lock(mutex_);
  if (pairs_.emplace(index, std::move(pair)).second)
    bytes_ += size;
}

size_t ImageCache::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pairs_.size();
}

size_t ImageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

void ImageCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  pairs_.clear();
  bytes_ = 0;
}

}  // namespace longmim
