// The message of the longmim::Error an action throws, for tests of bad input.
#pragma once

#include <functional>
#include <string>

#include "Error.h"

namespace longmim::test {

// Empty when `action` throws nothing; other exceptions pass through.
inline std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace longmim::test
