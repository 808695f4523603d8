// Writing files so that a crash or a failed write never leaves a truncated file in place of a good
// one.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace longmim {

// A not-yet-existing path next to `finalPath` that keeps its extension (".nii.gz", ".json", ...),
// so writers that choose a format by extension still work on it.
std::string temporarySiblingPath(const std::string& finalPath);

// Flushes `temporaryPath` to disk and renames it over `finalPath` (atomic on POSIX file systems).
// On failure the temporary file is removed and Error is thrown; `finalPath` is untouched.
void commitTemporaryFile(const std::string& temporaryPath, const std::string& finalPath);

// Writes `bytes` to a temporary sibling and commits it. Throws Error naming the path on failure.
void writeFileAtomically(const std::string& finalPath, const std::string& bytes);

// Streams into a temporary sibling through `write` and commits it; an exception from `write`
// removes the temporary file and propagates, leaving `finalPath` untouched.
void writeFileAtomically(const std::string& finalPath,
                         const std::function<void(std::ostream&)>& write);

// Reads a whole file. Throws Error naming the path when it cannot be read.
std::string readWholeFile(const std::string& path);

}  // namespace longmim
