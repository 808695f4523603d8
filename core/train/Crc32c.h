// CRC32C (Castagnoli) checksums and the masked form that TFRecord / TensorBoard event files use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace longmim {

// CRC-32C of `size` bytes (reflected polynomial 0x82F63B78, initial value and final XOR
// 0xFFFFFFFF). Pass a previous result as `crc` to continue a checksum over more bytes.
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

// The TFRecord mask: rotate right by 15 bits, then add 0xa282ead8. It keeps a CRC stored next to
// the data it covers from being the CRC of a string that itself contains CRCs.
std::uint32_t maskCrc32c(std::uint32_t crc);

}  // namespace longmim
