// GDCM (Debian's 3.0, under ITK 5.2) is built with assertions and aborts the process on some
// malformed DICOM files instead of reporting an error. core/io/DicomStructure refuses the cases
// fuzzing has found; this guard covers the ones nobody has found yet: GDCM's read of the file runs
// first in a child process, and a child that dies becomes an error message in this one.
// Internal to core/io.
#pragma once

#include <functional>
#include <string>

namespace longmim::dicom {

// Empty when `read` -- the caller's whole in-process read of `path`, checks first, as it will run
// it next (default: ITK's GDCMImageIO reading header and pixels) -- runs in a child process
// without stopping it (an exception counts as running: the caller reports it), or when that could
// not be tried; otherwise what happened, for a message ("GDCM aborted (an assertion failed) while
// reading it (signal 6)"). A file that passed is remembered (by path and a checksum of its bytes)
// and not tried again (the default read and a caller's apart), so a caller passes the same `read`
// for every call on a path.
std::string gdcmStopsOn(const std::string& path, const std::function<void()>& read = {});

}  // namespace longmim::dicom
