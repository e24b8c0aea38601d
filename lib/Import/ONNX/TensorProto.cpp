//===- TensorProto.cpp - ONNX tensors' values on the host -----------------===//
//
// Decodes TensorProtos: raw little-endian data, the typed fields, or
// external data from a regular file inside the model's folder.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "se/Utils/ConstantValues.h"
#include "se/Utils/ShapeText.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::onnx_import;

HostTensor mlir::se::onnx_import::permute(const HostTensor &in,
                                          ArrayRef<int64_t> perm) {
  HostTensor out;
  for (int64_t p : perm)
    out.shape.push_back(in.shape[p]);
  out.values = permuteRowMajor<double>(in.values, in.shape, perm);
  return out;
}

namespace {
/// Reads the `expected` bytes of a tensor stored outside the model: in a
/// regular file inside the model's folder (`directory`), at the entry's
/// offset, and only as many bytes as the tensor holds.
std::optional<std::string> readExternalData(const onnx::TensorProto &tensor,
                                            const std::string &what,
                                            const std::string &directory,
                                            int64_t expected,
                                            ImportError &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    int64_t *number = entry.key() == "offset"   ? &offset
                      : entry.key() == "length" ? &length
                                                : nullptr;
    if (entry.key() == "location") {
      location = entry.value();
    } else if (number && (StringRef(entry.value()).getAsInteger(10, *number) ||
                          *number < 0)) {
      error.set(what + ": its external data " + entry.key() + " '" +
                entry.value() + "' is not a non-negative integer");
      return std::nullopt;
    }
  }
  if (location.empty()) {
    error.set(what + ": its external data has no location");
    return std::nullopt;
  }
  if (length >= 0 && length != expected) {
    error.set(what + ": its external data is " + std::to_string(length) +
              " bytes long, its shape needs " + std::to_string(expected));
    return std::nullopt;
  }
  // The data must stay inside the model's folder: no absolute paths, and no
  // way out through `..` or symbolic links.
  SmallString<256> folder, file(directory);
  llvm::sys::path::append(file, location);
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::fs::real_path(directory.empty() ? "." : directory, folder)) {
    error.set(what + ": its external data '" + location +
              "' is not a path inside the model's folder");
    return std::nullopt;
  }
  SmallString<256> resolved;
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::real_path(file, resolved) ||
      llvm::sys::fs::status(resolved, status)) {
    error.set(what + ": cannot read its external data '" + location + "'");
    return std::nullopt;
  }
  StringRef inside = resolved;
  if (!inside.consume_front(folder) ||
      !(inside.empty() || llvm::sys::path::is_separator(inside.front()))) {
    error.set(what + ": its external data '" + location +
              "' lies outside the model's folder");
    return std::nullopt;
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error.set(what + ": its external data '" + location +
              "' is not a regular file");
    return std::nullopt;
  }
  if (offset > static_cast<int64_t>(status.getSize()) ||
      expected > static_cast<int64_t>(status.getSize()) - offset) {
    error.set(what + ": its external data lies outside '" + location + "'");
    return std::nullopt;
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(resolved, expected, offset);
  if (!buffer) {
    error.set(what + ": cannot read its external data '" + location + "'");
    return std::nullopt;
  }
  return (*buffer)->getBuffer().str();
}

} // namespace

std::optional<HostTensor> mlir::se::onnx_import::readTensorProto(
    const onnx::TensorProto &tensor, const std::string &what,
    const std::string &directory, ImportError &error) {
  HostTensor host;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || d > kMaxExtent ||
        count * std::max<int64_t>(d, 1) > kMaxElements) {
      error.set(what + " has a negative or too large dimension " +
                std::to_string(d));
      return std::nullopt;
    }
    count *= d;
    host.shape.push_back(d);
  }
  int elementBytes = 0;
  host.elementType = tensor.data_type();
  switch (tensor.data_type()) {
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
    elementBytes = 1;
    break;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
    elementBytes = 4;
    break;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::DOUBLE:
    elementBytes = 8;
    break;
  default:
    error.set(what + " has data type " + std::to_string(tensor.data_type()) +
              "; se-compile reads float, double, uint8, int8, int32 and int64 "
              "tensors");
    return std::nullopt;
  }

  // The bytes, from raw_data or an external file.
  std::string external;
  const std::string *raw = tensor.has_raw_data() ? &tensor.raw_data() : nullptr;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::optional<std::string> bytes =
        readExternalData(tensor, what, directory, count * elementBytes, error);
    if (!bytes)
      return std::nullopt;
    external = std::move(*bytes);
    raw = &external;
  }

  // Nothing is allocated for the shape before the data is known to fill it
  // (a declared shape can ask for gigabytes that a few bytes do not back).
  if (raw) {
    if (static_cast<int64_t>(raw->size()) != count * elementBytes) {
      error.set(what + " has " + std::to_string(raw->size()) +
                " bytes of data, its shape " + shapeText(host.shape) +
                " needs " + std::to_string(count * elementBytes));
      return std::nullopt;
    }
    host.values.reserve(count);
    using namespace llvm::support;
    for (int64_t i = 0; i < count; ++i) {
      const char *p = raw->data() + i * elementBytes;
      switch (tensor.data_type()) {
      case onnx::TensorProto::FLOAT: {
        uint32_t bits = endian::read32le(p);
        float v;
        std::memcpy(&v, &bits, 4);
        host.values.push_back(v);
        break;
      }
      case onnx::TensorProto::DOUBLE: {
        uint64_t bits = endian::read64le(p);
        double v;
        std::memcpy(&v, &bits, 8);
        host.values.push_back(v);
        break;
      }
      case onnx::TensorProto::UINT8:
        host.values.push_back(static_cast<uint8_t>(*p));
        break;
      case onnx::TensorProto::INT8:
        host.values.push_back(static_cast<int8_t>(*p));
        break;
      case onnx::TensorProto::INT32:
        host.values.push_back(static_cast<int32_t>(endian::read32le(p)));
        break;
      default:
        host.values.push_back(static_cast<int64_t>(endian::read64le(p)));
        break;
      }
    }
    return host;
  }
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    host.values.assign(tensor.float_data().begin(), tensor.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE:
    host.values.assign(tensor.double_data().begin(),
                       tensor.double_data().end());
    break;
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::INT32:
    // 8-bit values are stored one per int32 as well.
    host.values.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    break;
  default:
    for (int64_t v : tensor.int64_data())
      host.values.push_back(static_cast<double>(v));
    break;
  }
  if (static_cast<int64_t>(host.values.size()) != count) {
    error.set(what + " has " + std::to_string(host.values.size()) +
              " values, its shape " + shapeText(host.shape) + " needs " +
              std::to_string(count));
    return std::nullopt;
  }
  return host;
}
