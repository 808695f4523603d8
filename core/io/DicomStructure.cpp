#include "io/DicomStructure.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <vector>

namespace longmim::dicom {
namespace {

constexpr uint32_t kUndefined = 0xffffffffu;
constexpr int kMaxDepth = 32;  // nested sequences; real files use a handful

struct Scanner {
  const std::vector<unsigned char>& bytes;
  bool explicitVr = true;
  bool big = false;
  std::string problem;
  std::string photometric;  // (0028,0004) of the data set, as stored
  bool sawPhotometric = false;
  std::map<uint16_t, uint16_t> imagePixel;  // (0028,xxxx) US values of the data set
  bool lastVrIsUs = false;
  bool sawDataSet = false;  // an element after the meta group

  uint16_t u16(size_t at, bool bigEndian) const {
    return bigEndian ? uint16_t(bytes[at] << 8 | bytes[at + 1])
                     : uint16_t(bytes[at + 1] << 8 | bytes[at]);
  }
  uint32_t u32(size_t at, bool bigEndian) const {
    const uint32_t b0 = bytes[at], b1 = bytes[at + 1], b2 = bytes[at + 2], b3 = bytes[at + 3];
    return bigEndian ? (b0 << 24 | b1 << 16 | b2 << 8 | b3) : (b3 << 24 | b2 << 16 | b1 << 8 | b0);
  }

  bool fail(size_t at, const std::string& what) {
    problem = what + " at byte " + std::to_string(at);
    return false;
  }

  // Elements from `at` until `end`, or until an item delimiter when `untilDelimiter`. Meta
  // elements (group 0002) are explicit little endian whatever the data set's syntax.
  bool elements(size_t& at, size_t end, bool untilDelimiter, int depth) {
    if (depth > kMaxDepth)
      return fail(at, "sequences nested deeper than " + std::to_string(kMaxDepth));
    while (at < end) {
      if (at + 8 > end)
        return fail(at, "an element header cut off by the end of its container");
      const bool meta = u16(at, false) == 0x0002;
      if (depth == 0 && !meta)
        sawDataSet = true;
      const bool bigHere = big && !meta;
      const uint16_t group = u16(at, bigHere);
      const uint16_t element = u16(at + 2, bigHere);
      if (group == 0xfffe) {
        const uint32_t length = u32(at + 4, bigHere);
        if (element == 0xe00d && untilDelimiter) {
          at += 8;
          return true;
        }
        if (element == 0xe000 || element == 0xe0dd) {
          // An item or a sequence's end outside a sequence: skip it as a value.
          at += 8;
          if (length != kUndefined && length > end - at)
            return fail(at - 8, "an item longer than its container");
          at += length == kUndefined ? 0 : length;
          continue;
        }
      }
      uint32_t length = 0;
      bool sequence = false;
      char numeric = 0;  // 'D' for a decimal string (DS), 'I' for an integer string (IS)
      const bool explicitHere = explicitVr || meta;
      if (explicitHere) {
        const char vr[2] = {char(bytes[at + 4]), char(bytes[at + 5])};
        // Only the standard's value representations: GDCM asserts (aborts) on others.
        static const char kVrs[] =
            "AEASATCSDADSDTFDFLISLOLTOBODOFOLOVOWPNSHSLSQSSSTSVTMUCUIULUNURUSUTUV";
        bool knownVr = false;
        for (size_t k = 0; k + 1 < sizeof kVrs; k += 2)
          knownVr = knownVr || (kVrs[k] == vr[0] && kVrs[k + 1] == vr[1]);
        if (!knownVr) {
          std::string shown;
          for (const char c : vr)
            shown += (c >= 32 && c < 127) ? c : '?';
          return fail(at, "element (" + hex(group) + "," + hex(element) +
                              ") with an unknown value representation '" + shown + "'");
        }
        static const char* const longForm[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                               "SV", "UC", "UN", "UR", "UT", "UV"};
        bool isLong = false;
        for (const char* candidate : longForm)
          isLong = isLong || std::memcmp(candidate, vr, 2) == 0;
        sequence = std::memcmp(vr, "SQ", 2) == 0;
        lastVrIsUs = std::memcmp(vr, "US", 2) == 0;
        numeric = std::memcmp(vr, "DS", 2) == 0 ? 'D' : std::memcmp(vr, "IS", 2) == 0 ? 'I' : 0;
        if (isLong) {
          if (at + 12 > end)
            return fail(at, "an element header cut off by the end of its container");
          length = u32(at + 8, bigHere);
          at += 12;
        } else {
          length = u16(at + 6, bigHere);
          at += 8;
        }
      } else {
        length = u32(at + 4, bigHere);
        at += 8;
      }
      if (length == kUndefined) {
        if (!items(at, end, depth + 1))
          return false;
        continue;
      }
      if (length > end - at) {
        if (group == 0x7fe0 && element == 0x0010) {
          problem = "the pixel data holds " + std::to_string(end - at) + " of the " +
                    std::to_string(length) + " bytes its header announces";
          return false;
        }
        return fail(at, "element (" + hex(group) + "," + hex(element) + ") declares " +
                            std::to_string(length) + " bytes; " + std::to_string(end - at) +
                            " follow it");
      }
      // The retired Recognition Code: GDCM asserts that it names ACR-NEMA when it is there.
      if (depth == 0 && group == 0x0008 && element == 0x0010 &&
          (length < 8 || std::memcmp(&bytes[at], "ACR-NEMA", 8) != 0)) {
        return fail(at, "a Recognition Code (0008,0010) that is not ACR-NEMA's");
      }
      if (depth == 0 && group == 0x0028 && element == 0x0004) {
        photometric.assign(reinterpret_cast<const char*>(&bytes[at]), length);
        sawPhotometric = true;
      }
      static const uint16_t usElements[] = {0x0002, 0x0006, 0x0010, 0x0011,
                                            0x0100, 0x0101, 0x0102, 0x0103};
      if (depth == 0 && group == 0x0028 &&
          std::find(std::begin(usElements), std::end(usElements), element) !=
              std::end(usElements)) {
        // One unsigned short each (GDCM asserts on another VR or length).
        if (length != 2 || (explicitHere && !lastVrIsUs)) {
          return fail(at,
                      "element (0028," + hex(element) + ") that is not one unsigned short (US)");
        }
        imagePixel[element] = u16(at, bigHere);
      }
      // GDCM asserts on number strings it cannot parse (pixel spacing, frames): each value of a
      // DS or IS element must be a number of its kind.
      if (numeric && !numbersParse(at, length, numeric == 'I'))
        return fail(at, "element (" + hex(group) + "," + hex(element) + ") holding '" +
                            printable(at, length) + "', not a number string");
      // A sequence of defined length (explicit SQ, or an implicit value that starts with an
      // item) holds elements of its own, whose lengths must fit inside it.
      const bool looksLikeItems =
          length >= 8 && u16(at, bigHere) == 0xfffe && u16(at + 2, bigHere) == 0xe000;
      if (sequence || (!explicitHere && looksLikeItems)) {
        size_t inner = at;
        if (!items(inner, at + length, depth + 1))
          return false;
      }
      at += length;
    }
    if (untilDelimiter)
      return fail(at, "a sequence item without its end");
    return true;
  }

  // Items until the sequence delimiter (or the end of a defined-length sequence).
  bool items(size_t& at, size_t end, int depth) {
    if (depth > kMaxDepth)
      return fail(at, "sequences nested deeper than " + std::to_string(kMaxDepth));
    while (at < end) {
      if (at + 8 > end)
        return fail(at, "an item header cut off by the end of its container");
      const uint16_t group = u16(at, big);
      const uint16_t element = u16(at + 2, big);
      const uint32_t length = u32(at + 4, big);
      if (group != 0xfffe)
        return fail(at, "a sequence holding something that is not an item");
      at += 8;
      if (element == 0xe0dd)
        return true;  // the sequence's end
      if (element != 0xe000)
        return fail(at - 8, "an unexpected delimiter in a sequence");
      if (length == kUndefined) {
        if (!elements(at, end, true, depth + 1))
          return false;
        continue;
      }
      if (length > end - at)
        return fail(at - 8, "an item declaring " + std::to_string(length) + " bytes; " +
                                std::to_string(end - at) + " follow it");
      // Fragments of compressed pixel data are items too: their bytes are not elements.
      at += length;
    }
    return true;
  }

  bool numbersParse(size_t at, uint32_t length, bool integer) const {
    std::string text(reinterpret_cast<const char*>(&bytes[at]), length);
    size_t start = 0;
    while (start <= text.size()) {
      size_t stop = text.find('\\', start);
      if (stop == std::string::npos)
        stop = text.size();
      std::string part = text.substr(start, stop - start);
      while (!part.empty() && (part.back() == ' ' || part.back() == '\0'))
        part.pop_back();
      while (!part.empty() && part.front() == ' ')
        part.erase(part.begin());
      if (!part.empty()) {
        char* end = nullptr;
        if (integer)
          (void)std::strtoll(part.c_str(), &end, 10);
        else
          (void)std::strtod(part.c_str(), &end);
        if (end != part.c_str() + part.size())
          return false;
      }
      start = stop + 1;
    }
    return true;
  }

  std::string printable(size_t at, uint32_t length) const {
    std::string shown;
    for (uint32_t i = 0; i < length && i < 32; ++i) {
      const char c = char(bytes[at + i]);
      shown += (c >= 32 && c < 127) ? c : '?';
    }
    return shown;
  }

  static std::string hex(uint16_t value) {
    static const char digits[] = "0123456789ABCDEF";
    std::string text(4, '0');
    for (int i = 3; i >= 0; --i, value = uint16_t(value >> 4))
      text[size_t(i)] = digits[value & 0xf];
    return text;
  }
};

}  // namespace

bool structureIsIntact(const std::string& path, std::string& problem) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
  Scanner scanner{bytes, true, false, {}, {}, false, {}, false, false};
  size_t at = 0;
  if (bytes.size() >= 132 && std::memcmp(&bytes[128], "DICM", 4) == 0) {
    at = 132;
    // The standard's file meta group follows the preamble; GDCM reads a file without it by
    // other rules (another encoding, other lengths) than the ones this check would apply.
    if (bytes.size() < 140 || bytes[132] != 0x02 || bytes[133] != 0x00 ||
        !(bytes[136] >= 'A' && bytes[136] <= 'Z')) {
      problem = "no file meta information after the DICM preamble";
      return false;
    }
  }
  // The data set's syntax, from the meta group's Transfer Syntax UID (0002,0010); a file
  // without a meta group says it by its first element's shape.
  const std::string syntaxTag("\x02\x00\x10\x00UI", 6);
  const std::string text(bytes.begin(), bytes.begin() + std::min<size_t>(bytes.size(), 4096));
  const size_t syntaxAt = text.find(syntaxTag);
  std::string syntax;
  if (syntaxAt != std::string::npos && syntaxAt + 8 <= text.size()) {
    const size_t length = size_t(bytes[syntaxAt + 6]) | size_t(bytes[syntaxAt + 7]) << 8;
    syntax = text.substr(syntaxAt + 8, std::min(length, text.size() - syntaxAt - 8));
    while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' '))
      syntax.pop_back();
    if (syntax == "1.2.840.10008.1.2.1.99")
      return true;  // deflated: the data set is a zlib stream, left to GDCM
    scanner.explicitVr = syntax != "1.2.840.10008.1.2";
    scanner.big = syntax == "1.2.840.10008.1.2.2";
  } else if (at == 132) {
    // GDCM asserts on a meta group without its one required element (found by fuzzing).
    problem = "no Transfer Syntax UID in the file meta information";
    return false;
  } else if (at + 6 <= bytes.size()) {
    scanner.explicitVr = bytes[at + 4] >= 'A' && bytes[at + 4] <= 'Z' && bytes[at + 5] >= 'A' &&
                         bytes[at + 5] <= 'Z';
  }
  if (!scanner.elements(at, bytes.size(), false, 0)) {
    problem = scanner.problem;
    return false;
  }
  if (!scanner.sawDataSet) {
    problem = "the file ends after its meta information (no data set)";
    return false;
  }
  // GDCM compares the Photometric Interpretation with its names past the value's end (an ASan
  // heap overflow in PixmapReader, found by fuzzing): only the standard's defined terms pass.
  if (scanner.sawPhotometric) {
    std::string name = scanner.photometric;
    while (!name.empty() && (name.back() == ' ' || name.back() == '\0'))
      name.pop_back();
    static const char* const known[] = {"MONOCHROME1",
                                        "MONOCHROME2",
                                        "PALETTE COLOR",
                                        "RGB",
                                        "YBR_FULL",
                                        "YBR_FULL_422",
                                        "YBR_PARTIAL_422",
                                        "YBR_PARTIAL_420",
                                        "YBR_ICT",
                                        "YBR_RCT",
                                        "HSV",
                                        "ARGB",
                                        "CMYK"};
    bool isKnown = false;
    for (const char* candidate : known)
      isKnown = isKnown || name == candidate;
    if (!isKnown) {
      std::string shown;
      for (const char c : name)
        shown += (c >= 32 && c < 127) ? c : '?';
      problem = "an unknown Photometric Interpretation '" + shown + "'";
      return false;
    }
  }
  // The Image Pixel module's numbers: GDCM asserts (aborts the program) on values outside them.
  const auto& pixel = scanner.imagePixel;
  auto value = [&](uint16_t element) {
    const auto it = pixel.find(element);
    return it == pixel.end() ? -1 : int(it->second);
  };
  const int samples = value(0x0002), planar = value(0x0006), rows = value(0x0010),
            cols = value(0x0011), allocated = value(0x0100), stored = value(0x0101),
            high = value(0x0102), representation = value(0x0103);
  const bool allocatedOk = allocated == -1 || allocated == 1 || allocated == 8 || allocated == 16 ||
                           allocated == 32 || allocated == 64;
  const int bits = allocated == -1 ? 64 : allocated;
  if (!(samples == -1 || samples == 1 || samples == 3 || samples == 4) ||
      !(planar == -1 || planar == 0 || planar == 1) || rows == 0 || cols == 0 || !allocatedOk ||
      !(stored == -1 || (stored >= 1 && stored <= bits)) || !(high == -1 || high < bits) ||
      (high != -1 && stored != -1 && high != stored - 1) ||
      !(representation == -1 || representation == 0 || representation == 1)) {
    problem = "image attributes out of range (samples " + std::to_string(samples) + ", rows " +
              std::to_string(rows) + ", columns " + std::to_string(cols) +
              ", bits allocated / stored / high " + std::to_string(allocated) + " / " +
              std::to_string(stored) + " / " + std::to_string(high) + ", representation " +
              std::to_string(representation) + ")";
    return false;
  }
  // GDCM's raw codec copies 8-bit samples as they are and asserts that all 8 bits are stored
  // (found by fuzzing, seed 13); an absent Bits Allocated is 8 to GDCM.
  if ((allocated == 8 || allocated == -1) && stored != -1 && stored != 8) {
    problem = "8 bits allocated per sample but " + std::to_string(stored) +
              " stored (only 8 of 8 is supported)";
    return false;
  }
  return true;
}

}  // namespace longmim::dicom
