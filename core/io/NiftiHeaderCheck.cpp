#include "io/NiftiHeaderCheck.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <vector>

#include "Error.h"

namespace longmim {
namespace {

// Larger than any spacing, position or quaternion a real image has (millimetres), and small
// enough that ITK's matrix products cannot overflow to infinity.
constexpr double kPlausible = 1e12;

template <typename T>
double fieldAt(const std::vector<unsigned char>& header, size_t offset, bool swapped) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, header.data() + offset, sizeof(T));
  if (swapped)
    std::reverse(bytes, bytes + sizeof(T));
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return static_cast<double>(value);
}

struct FieldRun {
  const char* name;
  size_t offset;
  int count;
  int code;  // 0: always used; 1: used when qform_code > 0; 2: when sform_code > 0
};

struct Layout {
  size_t qformCode;
  size_t sformCode;
  bool codesAre32Bit;
  FieldRun runs[6];
};

// NIfTI-1 (float fields) and NIfTI-2 (double fields): the offsets of the standard headers.
const Layout kNifti1 = {252,
                        254,
                        false,
                        {{"pixdim", 76, 8, 0},
                         {"quatern_b/c/d", 256, 3, 1},
                         {"qoffset", 268, 3, 1},
                         {"srow_x", 280, 4, 2},
                         {"srow_y", 296, 4, 2},
                         {"srow_z", 312, 4, 2}}};
const Layout kNifti2 = {344,
                        348,
                        true,
                        {{"pixdim", 104, 8, 0},
                         {"quatern_b/c/d", 352, 3, 1},
                         {"qoffset", 376, 3, 1},
                         {"srow_x", 400, 4, 2},
                         {"srow_y", 432, 4, 2},
                         {"srow_z", 464, 4, 2}}};

template <typename T>
void checkFields(const std::string& path, const std::vector<unsigned char>& header, bool swapped,
                 const Layout& layout, bool hasOrientation) {
  const auto code = [&](size_t offset) {
    return layout.codesAre32Bit ? fieldAt<int32_t>(header, offset, swapped)
                                : fieldAt<int16_t>(header, offset, swapped);
  };
  const bool used[3] = {true, hasOrientation && code(layout.qformCode) > 0,
                        hasOrientation && code(layout.sformCode) > 0};
  for (const FieldRun& run : layout.runs) {
    if (!used[run.code])
      continue;
    for (int i = 0; i < run.count; ++i) {
      const double value = fieldAt<T>(header, run.offset + sizeof(T) * i, swapped);
      if (std::isfinite(value) && std::fabs(value) <= kPlausible)
        continue;
      std::ostringstream text;
      text << path << ": corrupt NIfTI header (" << run.name;
      if (run.count > 1)
        text << "[" << i << "]";
      text << " is " << value << "; a real image's geometry is finite)";
      throw DataError(path, text.str());
    }
  }
}

}  // namespace

bool niftiOneHeaderIsSwapped(const unsigned char* header) {
  int16_t rank;
  std::memcpy(&rank, header + 40, sizeof(rank));
  const auto swap16 = [](int16_t v) {
    return static_cast<int16_t>((static_cast<uint16_t>(v) >> 8) | (static_cast<uint16_t>(v) << 8));
  };
  if (rank != 0)
    return !(rank >= 1 && rank <= 7) && swap16(rank) >= 1 && swap16(rank) <= 7;
  int32_t size;
  std::memcpy(&size, header, sizeof(size));
  return size != 348 && static_cast<int32_t>(__builtin_bswap32(static_cast<uint32_t>(size))) == 348;
}

void checkNiftiHeaderFields(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    return;  // the caller's own open reports it
  std::vector<unsigned char> header(540);
  const int n = gzread(file, header.data(), static_cast<unsigned>(header.size()));
  gzclose(file);
  if (n < 348)
    return;
  header.resize(static_cast<size_t>(n));
  // ITK 5.2 reads NIfTI through its bundled nifti1_io (NIfTI-1 only), so its rules decide what
  // is checked: the byte order by whether dim[0] reads as 1..7 (by sizeof_hdr 348 when dim[0] is
  // 0), NIfTI-1 rather than Analyze 7.5 by the magic at offset 344 -- whatever sizeof_hdr or the
  // bytes at offset 4 say (the fuzzer found headers with a NIfTI-2 magic at 4 and a garbage
  // sizeof_hdr that nifti1_io still read, and ITK then aborted on their NaN sform).
  // nifticlib's NIFTI_VERSION: "n+D" or "niD" with any digit D in 1..9 counts as NIfTI; without it
  // the file is Analyze 7.5, whose geometry is pixdim alone (no qform or sform).
  const unsigned char* magic = header.data() + 344;
  const bool nifti = magic[0] == 'n' && (magic[1] == '+' || magic[1] == 'i') && magic[2] >= '1' &&
                     magic[2] <= '9' && magic[3] == '\0';
  checkFields<float>(path, header, niftiOneHeaderIsSwapped(header.data()), kNifti1, nifti);
  // A NIfTI-2 header (sizeof_hdr 540) is checked by its own layout too, for a reader that takes it.
  const bool nifti2Size =
      fieldAt<int32_t>(header, 0, false) == 540 || fieldAt<int32_t>(header, 0, true) == 540;
  if (header.size() >= 540 && nifti2Size) {
    const double rank2 = fieldAt<int64_t>(header, 16, false);
    checkFields<double>(path, header, !(rank2 >= 1 && rank2 <= 7), kNifti2, true);
  }
}

}  // namespace longmim
