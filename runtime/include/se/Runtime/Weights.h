/*===- Weights.h - status codes and the se-mlir weights file -----*- C -*-===*\
|*                                                                            *|
|* A weights file (docs/weights-format.md) is little-endian:                  *|
|*   header, 64 bytes (SEWeightsHeader below)                                 *|
|*   table at table_offset: per tensor                                        *|
|*     u32 name_bytes, name (UTF-8, no terminator),                           *|
|*     u32 dtype (1 = f32), u32 rank, i64 dims[rank],                         *|
|*     u64 offset (from data_offset, 64-byte aligned), u64 bytes              *|
|*   data at data_offset (64-byte aligned), data_bytes long                   *|
|* data_checksum is FNV-1a 64 over the file up to the end of the data,        *|
|* with the checksum field read as zero (version 1 files: over the data       *|
|* only); layout_hash identifies the layout a compiled model expects (0 in    *|
|* files that are not bound to one).                                          *|
|*                                                                            *|
|* Header-only C: the generated header of every compiled model carries a     *|
|* copy, and se-run and the compiler include it.                              *|
\*===----------------------------------------------------------------------===*/

#ifndef SE_RUNTIME_WEIGHTS_H
#define SE_RUNTIME_WEIGHTS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes of the generated model API. */
enum {
  SE_OK = 0,
  SE_ERROR_INVALID_ARGUMENT = 1,
  SE_ERROR_OUT_OF_MEMORY = 2,
  /* The weights file cannot be opened or read. */
  SE_ERROR_WEIGHTS_IO = 3,
  /* Not a weights file, an unknown version, truncated, or corrupt. */
  SE_ERROR_WEIGHTS_CORRUPT = 4,
  /* A valid weights file, but for another model or layout. */
  SE_ERROR_WEIGHTS_MISMATCH = 5,
  /* Code compiled for a GPU, and no usable CUDA device (se_cuda_status()). */
  SE_ERROR_NO_DEVICE = 6,
  /* A CUDA call failed (se_cuda_last_error() names it). */
  SE_ERROR_DEVICE = 7
};

static inline const char *se_status_string(int status) {
  switch (status) {
  case SE_OK:
    return "success";
  case SE_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case SE_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case SE_ERROR_WEIGHTS_IO:
    return "cannot read the weights file";
  case SE_ERROR_WEIGHTS_CORRUPT:
    return "the weights file is truncated or corrupt";
  case SE_ERROR_WEIGHTS_MISMATCH:
    return "the weights file belongs to another model";
  case SE_ERROR_NO_DEVICE:
    return "no usable CUDA device";
  case SE_ERROR_DEVICE:
    return "a CUDA call failed";
  default:
    return "unknown status";
  }
}

#define SE_WEIGHTS_MAGIC "SEWEIGHT"
#define SE_WEIGHTS_VERSION 2u
/* Where data_checksum lies in the header. */
#define SE_WEIGHTS_CHECKSUM_OFFSET 40u
#define SE_WEIGHTS_ALIGNMENT 64u
#define SE_WEIGHTS_DTYPE_F32 1u

typedef struct SEWeightsHeader {
  char magic[8];
  uint32_t version;
  uint32_t num_tensors;
  uint64_t table_offset;
  uint64_t data_offset;
  uint64_t data_bytes;
  uint64_t data_checksum;
  uint64_t layout_hash;
  uint64_t reserved;
} SEWeightsHeader;

/* FNV-1a 64; pass 0 as `hash` to start a new one. */
static inline uint64_t se_weights_fnv1a(const void *bytes, size_t size,
                                        uint64_t hash) {
  const unsigned char *p = (const unsigned char *)bytes;
  size_t i;
  if (hash == 0)
    hash = 14695981039346656037ull;
  for (i = 0; i < size; ++i)
    hash = (hash ^ p[i]) * 1099511628211ull;
  return hash;
}

/* The checksum of a version 2 file: FNV-1a 64 of its first data_offset
 * bytes (`prefix`: header, table, padding), with the checksum field read as
 * zero, continued over the data. */
static inline uint64_t se_weights_checksum(const void *prefix,
                                           size_t prefix_bytes,
                                           const void *data,
                                           size_t data_bytes) {
  static const unsigned char zero[8] = {0};
  const unsigned char *p = (const unsigned char *)prefix;
  uint64_t hash = se_weights_fnv1a(p, SE_WEIGHTS_CHECKSUM_OFFSET, 0);
  hash = se_weights_fnv1a(zero, 8, hash);
  hash = se_weights_fnv1a(p + SE_WEIGHTS_CHECKSUM_OFFSET + 8,
                          prefix_bytes - SE_WEIGHTS_CHECKSUM_OFFSET - 8, hash);
  return se_weights_fnv1a(data, data_bytes, hash);
}

/* Checks a header read from a file of `file_bytes` bytes: magic, a known
 * version, and that the table and data lie inside the file. */
static inline int se_weights_check_header(const SEWeightsHeader *header,
                                          uint64_t file_bytes) {
  if (memcmp(header->magic, SE_WEIGHTS_MAGIC, 8) != 0 || header->version < 1 ||
      header->version > SE_WEIGHTS_VERSION ||
      header->data_offset % SE_WEIGHTS_ALIGNMENT != 0 ||
      header->table_offset < sizeof(SEWeightsHeader) ||
      header->table_offset > header->data_offset ||
      header->data_offset > file_bytes ||
      header->data_bytes > file_bytes - header->data_offset)
    return SE_ERROR_WEIGHTS_CORRUPT;
  return SE_OK;
}

/* Loads the data of the weights file at `path` into a new 64-byte aligned
 * buffer (*data, to release with free()) after checking that it is intact
 * and has the layout a compiled model expects: `layout_hash` and
 * `data_bytes`. */
static inline int se_weights_load(const char *path, uint64_t layout_hash,
                                  uint64_t data_bytes, void **data) {
  SEWeightsHeader header;
  FILE *file;
  long file_bytes;
  void *buffer;
  void *prefix;
  int status;
  if (!path || !data)
    return SE_ERROR_INVALID_ARGUMENT;
  *data = NULL;
  file = fopen(path, "rb");
  if (!file)
    return SE_ERROR_WEIGHTS_IO;
  if (fseek(file, 0, SEEK_END) != 0 || (file_bytes = ftell(file)) < 0 ||
      fseek(file, 0, SEEK_SET) != 0) {
    fclose(file);
    return SE_ERROR_WEIGHTS_IO;
  }
  if (fread(&header, sizeof(header), 1, file) != 1) {
    fclose(file);
    return SE_ERROR_WEIGHTS_CORRUPT;
  }
  status = se_weights_check_header(&header, (uint64_t)file_bytes);
  /* Files bound to a compiled model are written by the same se-compile. */
  if (status == SE_OK && header.version != SE_WEIGHTS_VERSION)
    status = SE_ERROR_WEIGHTS_CORRUPT;
  if (status == SE_OK && (header.layout_hash != layout_hash ||
                          header.data_bytes != data_bytes))
    status = SE_ERROR_WEIGHTS_MISMATCH;
  if (status != SE_OK) {
    fclose(file);
    return status;
  }
  buffer = aligned_alloc(SE_WEIGHTS_ALIGNMENT,
                         (size_t)((data_bytes + SE_WEIGHTS_ALIGNMENT - 1) /
                                  SE_WEIGHTS_ALIGNMENT * SE_WEIGHTS_ALIGNMENT) +
                             SE_WEIGHTS_ALIGNMENT * (data_bytes == 0));
  if (!buffer) {
    fclose(file);
    return SE_ERROR_OUT_OF_MEMORY;
  }
  /* The checksum covers the header and the table too: read them again. */
  prefix = malloc((size_t)header.data_offset);
  if (!prefix) {
    fclose(file);
    free(buffer);
    return SE_ERROR_OUT_OF_MEMORY;
  }
  if (fseek(file, 0, SEEK_SET) != 0 ||
      fread(prefix, 1, (size_t)header.data_offset, file) !=
          (size_t)header.data_offset ||
      fread(buffer, 1, (size_t)data_bytes, file) != (size_t)data_bytes) {
    fclose(file);
    free(prefix);
    free(buffer);
    return SE_ERROR_WEIGHTS_IO;
  }
  fclose(file);
  status = se_weights_checksum(prefix, (size_t)header.data_offset, buffer,
                               (size_t)data_bytes) == header.data_checksum
               ? SE_OK
               : SE_ERROR_WEIGHTS_CORRUPT;
  free(prefix);
  if (status != SE_OK) {
    free(buffer);
    return status;
  }
  *data = buffer;
  return SE_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* SE_RUNTIME_WEIGHTS_H */
