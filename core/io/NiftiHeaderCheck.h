// Checks of a NIfTI header's raw fields that must hold before ITK reads the file.
#pragma once

#include <string>

namespace longmim {

// ITK 5.2 (through VNL) calls abort() -- ending the whole program -- when the orientation it
// derives from a header is not finite, so a damaged or hostile file must be refused before ITK
// sees it. Reads the first bytes of `path` (.nii or .nii.gz) and, for a NIfTI-1, NIfTI-2 or
// Analyze header in either byte order, requires pixdim and -- where their codes say they are
// used -- the quaternion, its offsets and the sform rows to be finite and of plausible size. Throws
// DataError naming the file and the field otherwise; files that are not NIfTI at all are left to
// ITK's own checks.
void checkNiftiHeaderFields(const std::string& path);

// Whether the 348-byte NIfTI-1 / Analyze header at `header` is in the other byte order, told as
// ITK 5.2's nifti1_io tells it: by dim[0] reading as 1..7, by sizeof_hdr 348 when dim[0] is 0.
bool niftiOneHeaderIsSwapped(const unsigned char* header);

}  // namespace longmim
