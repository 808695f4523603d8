// Support for the libFuzzer targets: the parsers under test read files, so each input is written
// to a file first -- the same path a user's file takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace longmim::fuzz {

// Writes the input to <temporary folder>/longmim-fuzz-<pid>/input<suffix> (replacing the previous
// input) and returns that path. The folder is removed when the process exits.
std::string writeInput(const uint8_t* data, size_t size, const std::string& suffix);

// The message of an error about a file must name it (the project's rule for bad input); aborts
// with the message otherwise, which libFuzzer reports as a crash with the input that caused it.
void requireNamesFile(const std::string& message, const std::string& path);

}  // namespace longmim::fuzz
