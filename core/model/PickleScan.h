// A structural check of a pickle byte stream, made before LibTorch's unpickler sees it.
#pragma once

#include <string>

namespace longmim::model {

// LibTorch 1.13's Unpickler trusts the lengths and memo indices written in a pickle: a 16 kB
// checkpoint whose BINUNICODE length says 1.6 GB makes it allocate 1.6 GB (found by
// FuzzCheckpoint), and a LONG_BINPUT index of 4e9 asks for far more. This walks every opcode of
// `pickle` (all of protocols 0 to 5) without building anything and throws std::runtime_error
// naming the opcode and its byte offset when an operand runs past the end of the data, a memo
// index cannot belong to a pickle of this size, an opcode is unknown, or STOP is missing.
void requireWellFormedPickle(const std::string& pickle);

}  // namespace longmim::model
