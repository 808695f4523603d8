// The element structure of a DICOM file checked before GDCM parses it. Internal to core/io.
#pragma once

#include <string>

namespace longmim::dicom {

// GDCM (3.0, through ITK 5.2) allocates whatever length a data element declares before reading
// it: a damaged or hostile header declaring 4 GB makes it allocate 4 GB (found by fuzzing). This
// walks the file's elements -- the meta group, the data set in its transfer syntax, sequences and
// items, defined and undefined lengths -- and checks that every declared length fits in what
// contains it. Hand-written for that reason, by the DICOM standard's part 5 encoding rules; it
// reads no values. False, with `problem` saying what and where, when a length does not fit.
bool structureIsIntact(const std::string& path, std::string& problem);

}  // namespace longmim::dicom
