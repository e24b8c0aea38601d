//===- WeightsFile.cpp - reading and writing se-mlir weights files --------===//

#include "se/Utils/WeightsFile.h"

#include "se/Runtime/Weights.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::se;

static uint64_t alignTo64(uint64_t value) {
  return (value + SE_WEIGHTS_ALIGNMENT - 1) / SE_WEIGHTS_ALIGNMENT *
         SE_WEIGHTS_ALIGNMENT;
}

uint64_t WeightsLayout::add(StringRef name, ArrayRef<int64_t> shape) {
  uint64_t elements = 1;
  for (int64_t d : shape)
    elements *= d;
  WeightsEntry entry{name.str(), SmallVector<int64_t>(shape), alignTo64(size),
                     elements * sizeof(float)};
  size = entry.offset + entry.bytes;
  tensors.push_back(std::move(entry));
  return tensors.back().offset;
}

uint64_t WeightsBlob::append(StringRef name, ArrayRef<int64_t> shape,
                             ArrayRef<float> values) {
  uint64_t offset = layout.add(name, shape);
  assert(layout.entries().back().bytes == values.size() * sizeof(float) &&
         "values do not fit the shape");
  data.resize(offset, 0);
  auto *bytes = reinterpret_cast<const char *>(values.data());
  data.insert(data.end(), bytes, bytes + values.size() * sizeof(float));
  return offset;
}

const WeightsEntry *WeightsLayout::find(StringRef name) const {
  for (const WeightsEntry &entry : tensors)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

template <typename T> static void append(std::string &out, T value) {
  char bytes[sizeof(T)];
  llvm::support::endian::write<T, llvm::endianness::little>(bytes, value);
  out.append(bytes, sizeof(T));
}

std::string WeightsLayout::serializeTable() const {
  std::string table;
  for (const WeightsEntry &entry : tensors) {
    append<uint32_t>(table, entry.name.size());
    table += entry.name;
    append<uint32_t>(table, SE_WEIGHTS_DTYPE_F32);
    append<uint32_t>(table, entry.shape.size());
    for (int64_t d : entry.shape)
      append<int64_t>(table, d);
    append<uint64_t>(table, entry.offset);
    append<uint64_t>(table, entry.bytes);
  }
  return table;
}

uint64_t WeightsLayout::hash() const {
  std::string table = serializeTable();
  uint64_t value = se_weights_fnv1a(table.data(), table.size(), 0);
  return value ? value : 1;
}

void mlir::se::writeWeightsFile(const WeightsLayout &layout,
                                ArrayRef<char> data, bool bindToLayout,
                                llvm::raw_ostream &os) {
  assert(data.size() == layout.dataBytes() && "data does not fit the layout");
  std::string table = layout.serializeTable();
  std::string header;
  header.append(SE_WEIGHTS_MAGIC, 8);
  append<uint32_t>(header, SE_WEIGHTS_VERSION);
  append<uint32_t>(header, layout.entries().size());
  uint64_t tableOffset = sizeof(SEWeightsHeader);
  uint64_t dataOffset = alignTo64(tableOffset + table.size());
  append<uint64_t>(header, tableOffset);
  append<uint64_t>(header, dataOffset);
  append<uint64_t>(header, data.size());
  append<uint64_t>(header, 0); // The checksum, filled in below.
  append<uint64_t>(header, bindToLayout ? layout.hash() : 0);
  append<uint64_t>(header, 0);
  std::string prefix = header + table;
  prefix.resize(dataOffset, '\0');
  uint64_t checksum = se_weights_checksum(prefix.data(), prefix.size(),
                                          data.data(), data.size());
  llvm::support::endian::write<uint64_t, llvm::endianness::little>(
      prefix.data() + SE_WEIGHTS_CHECKSUM_OFFSET, checksum);
  os << prefix;
  os.write(data.data(), data.size());
}

namespace {
/// Reads little-endian fields from the table, failing past its end.
struct TableReader {
  StringRef bytes;
  size_t position = 0;

  template <typename T> bool read(T &value) {
    if (bytes.size() - position < sizeof(T))
      return false;
    value = llvm::support::endian::read<T, llvm::endianness::little>(
        bytes.data() + position);
    position += sizeof(T);
    return true;
  }
  bool read(std::string &text, uint32_t size) {
    if (bytes.size() - position < size)
      return false;
    text = bytes.substr(position, size).str();
    position += size;
    return true;
  }
};
} // namespace

std::unique_ptr<WeightsFile> WeightsFile::read(StringRef path,
                                               std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false,
      /*IsVolatile=*/false, llvm::Align(SE_WEIGHTS_ALIGNMENT));
  if (!buffer) {
    error = "cannot read weights file '" + path.str() +
            "': " + buffer.getError().message();
    return nullptr;
  }
  StringRef bytes = (*buffer)->getBuffer();
  auto corrupt = [&](const Twine &why) {
    error = ("weights file '" + path + "' is not valid: " + why).str();
    return nullptr;
  };
  if (bytes.size() < sizeof(SEWeightsHeader))
    return corrupt("shorter than its header");
  SEWeightsHeader header;
  memcpy(&header, bytes.data(), sizeof(header));
  if (memcmp(header.magic, SE_WEIGHTS_MAGIC, 8) != 0)
    return corrupt("no SEWEIGHT magic");
  if (header.version < 1 || header.version > SE_WEIGHTS_VERSION)
    return corrupt("version " + Twine(header.version) + ", expected 1 to " +
                   Twine(SE_WEIGHTS_VERSION));
  if (se_weights_check_header(&header, bytes.size()) != SE_OK)
    return corrupt("truncated, or its table or data lie outside the file");
  StringRef data = bytes.substr(header.data_offset, header.data_bytes);
  // Version 1 checksummed the data only.
  uint64_t checksum =
      header.version == 1
          ? se_weights_fnv1a(data.data(), data.size(), 0)
          : se_weights_checksum(bytes.data(), header.data_offset, data.data(),
                                data.size());
  if (checksum != header.data_checksum)
    return corrupt("the checksum does not match");

  auto file = std::unique_ptr<WeightsFile>(new WeightsFile());
  TableReader table{bytes.slice(header.table_offset, header.data_offset)};
  for (uint32_t i = 0; i < header.num_tensors; ++i) {
    WeightsEntry entry;
    uint32_t nameBytes, dtype, rank;
    if (!table.read(nameBytes) || !table.read(entry.name, nameBytes) ||
        !table.read(dtype) || !table.read(rank))
      return corrupt("the table is truncated at tensor " + Twine(i));
    if (dtype != SE_WEIGHTS_DTYPE_F32)
      return corrupt("tensor '" + entry.name + "' has dtype " + Twine(dtype) +
                     "; only 1 (f32) is supported");
    if (rank > 8)
      return corrupt("tensor '" + entry.name + "' has rank " + Twine(rank));
    uint64_t elements = 1;
    for (uint32_t d = 0; d < rank; ++d) {
      int64_t extent;
      if (!table.read(extent))
        return corrupt("the table is truncated at tensor '" + entry.name + "'");
      if (extent < 0 || extent > (int64_t(1) << 32))
        return corrupt("tensor '" + entry.name + "' has extent " +
                       Twine(extent));
      entry.shape.push_back(extent);
      elements *= extent;
    }
    if (!table.read(entry.offset) || !table.read(entry.bytes))
      return corrupt("the table is truncated at tensor '" + entry.name + "'");
    if (entry.bytes != elements * sizeof(float) ||
        entry.offset % SE_WEIGHTS_ALIGNMENT != 0 ||
        entry.offset > header.data_bytes ||
        entry.bytes > header.data_bytes - entry.offset)
      return corrupt("tensor '" + entry.name +
                     "' does not fit its shape or the data");
    if (file->table.find(entry.name))
      return corrupt("tensor '" + entry.name + "' appears twice");
    file->table.size = std::max(file->table.size, entry.offset + entry.bytes);
    file->table.tensors.push_back(std::move(entry));
  }
  // Each tensor has bytes of its own.
  SmallVector<const WeightsEntry *> byOffset;
  for (const WeightsEntry &entry : file->table.tensors)
    byOffset.push_back(&entry);
  std::stable_sort(byOffset.begin(), byOffset.end(),
                   [](const WeightsEntry *a, const WeightsEntry *b) {
                     return a->offset < b->offset;
                   });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i]->offset < byOffset[i - 1]->offset + byOffset[i - 1]->bytes)
      return corrupt("tensors '" + byOffset[i - 1]->name + "' and '" +
                     byOffset[i]->name + "' overlap in the data");
  file->buffer = std::move(*buffer);
  file->dataOffset = header.data_offset;
  return file;
}

ArrayRef<float> WeightsFile::values(const WeightsEntry &entry) const {
  const char *start = buffer->getBufferStart() + dataOffset + entry.offset;
  return ArrayRef<float>(reinterpret_cast<const float *>(start),
                         entry.bytes / sizeof(float));
}
