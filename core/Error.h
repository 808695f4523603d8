// Exceptions that carry a message a user can act on; caught at the edge (CLI exit code, GUI
// dialog).
#pragma once

#include <stdexcept>
#include <string>

namespace longmim {

// Any problem caused by the user's input (files, settings, data) rather than by a bug.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A configuration value or key is wrong; key() names it so forms can mark the field.
class ConfigError : public Error {
 public:
  ConfigError(std::string key, const std::string& message) : Error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// A data file cannot be used; path() names it.
class DataError : public Error {
 public:
  DataError(std::string path, const std::string& message)
      : Error(message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace longmim
