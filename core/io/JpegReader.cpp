#include "io/JpegReader.h"

#include <csetjmp>
#include <cstdio>
#include <vector>

#include <jpeglib.h>
// after jpeglib.h, which it needs
#include <jerror.h>

#include "Error.h"
#include "io/FileChecks.h"

namespace longmim::jpeg {
namespace {

// ITK 5.2's JPEG reader crashed on a corrupt progressive JPEG that the fuzzer made (a SEGV inside
// jpeg_read_scanlines under ASan: it goes on decoding after libjpeg reported the error), and it
// passes a truncated file on as complete, the missing part grey. So JPEGs are decoded here with
// libjpeg's own API: every error ends the decoding through the error manager below, and the
// warning libjpeg gives for data that ends early is an error too.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  bool endedEarly = false;
};

void onError(j_common_ptr info) {
  auto* errors = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, errors->message);
  std::longjmp(errors->jump, 1);
}

void onMessage(j_common_ptr info, int level) {
  // Level -1 is a warning ("Corrupt JPEG data: N extraneous bytes", which many cameras' files
  // have, or "Premature end of JPEG file"); traces (level >= 0) are ignored.
  if (level == -1 && info->err->msg_code == JWRN_JPEG_EOF)
    reinterpret_cast<ErrorManager*>(info->err)->endedEarly = true;
}

struct Decoded {
  int rows = 0;
  int cols = 0;
  int components = 0;
  std::vector<float> pixels;  // empty for a header-only read
};

// Plain C-style state only between setjmp and any longjmp (no destructors are skipped): the
// vector is created before, and filled through a pointer after start_decompress.
bool decode(std::FILE* file, bool pixels, Decoded& out, ErrorManager& errors) {
  jpeg_decompress_struct info;
  info.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = onError;
  errors.base.emit_message = onMessage;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, file);
  jpeg_read_header(&info, TRUE);
  out.cols = static_cast<int>(info.image_width);
  out.rows = static_cast<int>(info.image_height);
  out.components = info.num_components;
  if (info.num_components == 1) {
    info.out_color_space = JCS_GRAYSCALE;
  } else if (info.num_components == 3) {
    info.out_color_space = JCS_RGB;
  } else {
    jpeg_destroy_decompress(&info);
    return true;  // CMYK / YCCK: refused by the caller
  }
  if (!pixels || !acceptablePixelCount(info.image_width, info.image_height)) {
    jpeg_destroy_decompress(&info);
    return true;
  }
  out.pixels.resize(static_cast<size_t>(out.rows) * static_cast<size_t>(out.cols));
  float* target = out.pixels.data();
  jpeg_start_decompress(&info);
  const size_t rowBytes = static_cast<size_t>(info.output_width) * info.output_components;
  JSAMPARRAY row = (*info.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&info), JPOOL_IMAGE,
                                             static_cast<JDIMENSION>(rowBytes), 1);
  while (info.output_scanline < info.output_height) {
    const JDIMENSION line = info.output_scanline;
    if (jpeg_read_scanlines(&info, row, 1) != 1)
      break;
    float* dst = target + static_cast<size_t>(line) * info.output_width;
    const JSAMPLE* src = row[0];
    if (info.output_components == 1) {
      for (JDIMENSION c = 0; c < info.output_width; ++c)
        dst[c] = src[c];
    } else {
      for (JDIMENSION c = 0; c < info.output_width; ++c) {
        dst[c] = 0.2125f * src[3 * c] + 0.7154f * src[3 * c + 1] + 0.0721f * src[3 * c + 2];
      }
    }
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

Decoded decodeFile(const std::string& path, bool pixels) {
  requireReadableFile(path, "JPEG file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw DataError(path, path + ": cannot open the file");
  Decoded out;
  ErrorManager errors;
  bool ok = false;
  try {
    ok = decode(file, pixels, out, errors);
  } catch (...) {
    std::fclose(file);
    throw;
  }
  std::fclose(file);
  if (!ok)
    throw DataError(path, path + ": corrupt JPEG (" + errors.message + ")");
  if (out.components != 1 && out.components != 3) {
    throw DataError(path, path + ": is a JPEG of " + std::to_string(out.components) +
                              " colour components (CMYK); expected grey or colour (RGB)");
  }
  requirePixelCount(path, out.cols, out.rows);
  if (errors.endedEarly) {
    throw DataError(path,
                    path + ": truncated JPEG (the image data ends before the end of the image)");
  }
  return out;
}

}  // namespace

Radiograph read(const std::string& path) {
  Decoded decoded = decodeFile(path, true);
  Radiograph result;
  result.image.rows = decoded.rows;
  result.image.cols = decoded.cols;
  result.image.pixels = std::move(decoded.pixels);
  result.info.format = ImageFormat::Jpeg;
  result.info.description = decoded.components == 1
                                ? "JPEG, 8-bit grey"
                                : "JPEG, 8-bit colour, converted to grey (luminance)";
  return result;
}

RadiographHeader readHeader(const std::string& path) {
  const Decoded decoded = decodeFile(path, false);
  return {ImageFormat::Jpeg, decoded.rows, decoded.cols};
}

}  // namespace longmim::jpeg
