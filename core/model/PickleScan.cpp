#include "model/PickleScan.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace longmim::model {
namespace {

// How an opcode's operand is laid out (Python's pickletools documents each opcode).
enum class Operand {
  None,
  Fixed,     // `size` bytes
  Counted,   // a little-endian length of `size` bytes, then that many bytes
  Line,      // text up to '\n'
  TwoLines,  // GLOBAL, INST: module '\n' name '\n'
  MemoPut1,  // BINPUT: 1-byte memo index
  MemoPut4,  // LONG_BINPUT: 4-byte memo index
  MemoGet4,  // LONG_BINGET: 4-byte memo index
};

struct Layout {
  Operand operand;
  int size;
};

bool layoutOf(unsigned char op, Layout& out) {
  switch (op) {
    // No operand.
    case '(':
    case '.':
    case '0':
    case '1':
    case '2':
    case 'N':
    case 'Q':
    case 'R':
    case 'a':
    case 'b':
    case 'd':
    case '}':
    case 'e':
    case 'l':
    case ']':
    case 'o':
    case 's':
    case 't':
    case ')':
    case 'u':
    case 0x81:
    case 0x85:
    case 0x86:
    case 0x87:
    case 0x88:
    case 0x89:
    case 0x8f:
    case 0x90:
    case 0x91:
    case 0x92:
    case 0x93:
    case 0x94:
    case 0x97:
    case 0x98:
      out = {Operand::None, 0};
      return true;
    case 'K':
    case 'h':
    case 0x80:
    case 0x82:
      out = {Operand::Fixed, 1};
      return true;
    case 'M':
    case 0x83:
      out = {Operand::Fixed, 2};
      return true;
    case 'J':
    case 0x84:
      out = {Operand::Fixed, 4};
      return true;
    case 'G':
    case 0x95:  // BINFLOAT, FRAME (its length only announces the frame)
      out = {Operand::Fixed, 8};
      return true;
    case 'q':
      out = {Operand::MemoPut1, 1};
      return true;
    case 'r':
      out = {Operand::MemoPut4, 4};
      return true;
    case 'j':
      out = {Operand::MemoGet4, 4};
      return true;
    case 'U':
    case 'C':
    case 0x8a:
    case 0x8c:  // SHORT_BINSTRING/BINBYTES, LONG1, SHORT_BINUNICODE
      out = {Operand::Counted, 1};
      return true;
    case 'T':
    case 'X':
    case 'B':
    case 0x8b:  // BINSTRING, BINUNICODE, BINBYTES, LONG4
      out = {Operand::Counted, 4};
      return true;
    case 0x8d:
    case 0x8e:
    case 0x96:  // BINUNICODE8, BINBYTES8, BYTEARRAY8
      out = {Operand::Counted, 8};
      return true;
    case 'F':
    case 'I':
    case 'L':
    case 'P':
    case 'S':
    case 'V':
    case 'g':
    case 'p':
      out = {Operand::Line, 0};
      return true;
    case 'c':
    case 'i':
      out = {Operand::TwoLines, 0};
      return true;
    default:
      return false;
  }
}

uint64_t littleEndian(const std::string& data, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(data[at + static_cast<size_t>(i)]);
  return value;
}

}  // namespace

void requireWellFormedPickle(const std::string& pickle) {
  const size_t end = pickle.size();
  size_t pos = 0;
  const auto fail = [&](size_t at, unsigned char op, const std::string& what) {
    static const char* digits = "0123456789abcdef";
    const std::string hex = {digits[op >> 4], digits[op & 15]};
    throw std::runtime_error("malformed pickle: opcode 0x" + hex + " at byte " +
                             std::to_string(at) + " " + what);
  };
  while (pos < end) {
    const size_t at = pos;
    const auto op = static_cast<unsigned char>(pickle[pos++]);
    if (op == '.')
      return;  // STOP
    Layout layout{};
    if (!layoutOf(op, layout))
      fail(at, op, "is not a pickle opcode");
    const size_t left = end - pos;
    switch (layout.operand) {
      case Operand::None:
        break;
      case Operand::Fixed:
      case Operand::MemoPut1:
        if (left < static_cast<size_t>(layout.size))
          fail(at, op, "runs past the end of the data");
        pos += static_cast<size_t>(layout.size);
        break;
      case Operand::MemoPut4:
      case Operand::MemoGet4: {
        if (left < 4)
          fail(at, op, "runs past the end of the data");
        // Memo indices are handed out one per PUT, and a PUT takes at least two bytes.
        if (littleEndian(pickle, pos, 4) > end / 2)
          fail(at, op, "names a memo entry this pickle cannot have");
        pos += 4;
        break;
      }
      case Operand::Counted: {
        const auto width = static_cast<size_t>(layout.size);
        if (left < width)
          fail(at, op, "runs past the end of the data");
        uint64_t length = littleEndian(pickle, pos, layout.size);
        if (op == 'T' || op == 0x8b)  // signed 4-byte lengths
          length = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(length)));
        pos += width;
        if (length > end - pos)
          fail(at, op,
               "announces " + std::to_string(length) + " bytes and " + std::to_string(end - pos) +
                   " are left");
        pos += static_cast<size_t>(length);
        break;
      }
      case Operand::Line:
      case Operand::TwoLines:
        for (int lines = layout.operand == Operand::Line ? 1 : 2; lines > 0; --lines) {
          const size_t newline = pickle.find('\n', pos);
          if (newline == std::string::npos)
            fail(at, op, "has no end of line");
          pos = newline + 1;
        }
        break;
    }
  }
  throw std::runtime_error("malformed pickle: no STOP opcode before the end of the data");
}

}  // namespace longmim::model
