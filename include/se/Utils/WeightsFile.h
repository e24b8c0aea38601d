//===- WeightsFile.h - reading and writing se-mlir weights files -*- C++
//-*-===//
//
// The format is documented in docs/weights-format.md and
// runtime/include/se/Runtime/Weights.h, which compiled models use to load
// external weights. Weights files carry named f32 tensors: the zoo reads
// its weights from them (--weights-file) and se-compile writes the packed
// constants of a model compiled with --weights=external into one.
//
//===----------------------------------------------------------------------===//

#ifndef SE_UTILS_WEIGHTSFILE_H
#define SE_UTILS_WEIGHTSFILE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::se {

struct WeightsEntry {
  std::string name;
  SmallVector<int64_t> shape;
  /// Byte offset in the data section (64-byte aligned) and size.
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

/// The table of a weights file: where each tensor lies in the data.
class WeightsLayout {
public:
  /// Appends an f32 tensor at the next aligned offset; returns its offset.
  uint64_t add(StringRef name, ArrayRef<int64_t> shape);

  ArrayRef<WeightsEntry> entries() const { return tensors; }
  uint64_t dataBytes() const { return size; }
  const WeightsEntry *find(StringRef name) const;

  /// The table as stored in the file.
  std::string serializeTable() const;
  /// Identifies the layout (FNV-1a of the table; never 0).
  uint64_t hash() const;

private:
  friend class WeightsFile;
  SmallVector<WeightsEntry> tensors;
  uint64_t size = 0;
};

/// Tensors and their data, laid out as in a weights file.
struct WeightsBlob {
  WeightsLayout layout;
  std::vector<char> data;

  /// Appends an f32 tensor; returns its offset in the data.
  uint64_t append(StringRef name, ArrayRef<int64_t> shape,
                  ArrayRef<float> values);
};

/// Writes a weights file with `layout`'s table and `data` (dataBytes()
/// long). With `bindToLayout`, the header records the layout's hash, which
/// a model compiled with --weights=external checks at create.
void writeWeightsFile(const WeightsLayout &layout, ArrayRef<char> data,
                      bool bindToLayout, llvm::raw_ostream &os);

/// A weights file read into memory and checked (header, table, checksum).
class WeightsFile {
public:
  /// Reads `path`; on failure `error` says what is wrong with the file.
  static std::unique_ptr<WeightsFile> read(StringRef path, std::string &error);

  const WeightsLayout &layout() const { return table; }
  /// The f32 values of `entry`.
  ArrayRef<float> values(const WeightsEntry &entry) const;

private:
  WeightsLayout table;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  uint64_t dataOffset = 0;
};

} // namespace mlir::se

#endif // SE_UTILS_WEIGHTSFILE_H
