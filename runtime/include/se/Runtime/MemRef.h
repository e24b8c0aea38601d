/*===- MemRef.h - C ABI of functions compiled by se-compile ------*- C -*-===*\
|*                                                                            *|
|* Every public function of a compiled module is exported twice:             *|
|*   <name>               the MLIR calling convention (descriptors unpacked), *|
|*   _mlir_ciface_<name>  the C interface documented here.                    *|
|*                                                                            *|
|* The C interface passes each memref argument as a pointer to a descriptor:  *|
|*   allocated  pointer returned by the allocator (may equal aligned)         *|
|*   aligned    pointer to the first element's block                          *|
|*   offset     element offset of the first element from `aligned`           *|
|*   sizes      extent of each dimension                                      *|
|*   strides    element stride of each dimension (row-major: last is 1)       *|
|*                                                                            *|
|* Results are out-parameters: se-compile rewrites a function returning a     *|
|* tensor into one that takes the output buffer as its last argument, so     *|
|*   func.func @se(%x, %w1, %w2) -> tensor<...>                               *|
|* is called as                                                               *|
|*   void _mlir_ciface_se(SEMemRef4D *x, SEMemRef2D *w1, SEMemRef2D *w2,     *|
|*                        SEMemRef4D *out);                                   *|
|* The caller owns every buffer; compiled code never allocates large         *|
|* buffers per call and never frees the caller's memory. Tensors are f32,    *|
|* densely packed in row-major order of their shape (NCHW or NHWC as the     *|
|* function says).                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SE_RUNTIME_MEMREF_H
#define SE_RUNTIME_MEMREF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SE_DEFINE_MEMREF(RANK)                                                 \
  typedef struct SEMemRef##RANK##D {                                           \
    float *allocated;                                                          \
    float *aligned;                                                            \
    int64_t offset;                                                            \
    int64_t sizes[RANK];                                                       \
    int64_t strides[RANK];                                                     \
  } SEMemRef##RANK##D;

SE_DEFINE_MEMREF(1)
SE_DEFINE_MEMREF(2)
SE_DEFINE_MEMREF(3)
SE_DEFINE_MEMREF(4)

#undef SE_DEFINE_MEMREF

/* The workspace of a compiled model (memref<?xi8>): see the generated
 * header of the model, which allocates it in <model>_create(). */
typedef struct SEByteMemRef1D {
  int8_t *allocated;
  int8_t *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} SEByteMemRef1D;

/* A workspace of `bytes` bytes for a compiled model: 64-byte aligned and
 * zeroed (its pages touched now, not during a run); NULL when out of
 * memory. Released with free(). */
static inline int8_t *se_workspace_alloc(int64_t bytes) {
  int8_t *workspace =
      (int8_t *)aligned_alloc(64, (size_t)((bytes + 63) / 64 * 64));
  if (workspace)
    memset(workspace, 0, (size_t)bytes);
  return workspace;
}

/* A descriptor of any rank up to 4: for rank R, `sizes_and_strides` holds
 * the R sizes, then the R strides, which is the layout of SEMemRef<R>D.
 * Lets tools pass tensors whose rank they learn at run time. */
typedef struct SEMemRefAnyRank {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes_and_strides[8];
} SEMemRefAnyRank;

/* A descriptor of a dense row-major buffer of `rank` (1 to 4) dimensions. */
static inline SEMemRefAnyRank se_memref_dense(float *data,
                                              const int64_t *shape,
                                              int rank) {
  SEMemRefAnyRank desc = {data, data, 0, {0}};
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    desc.sizes_and_strides[i] = shape[i];
    desc.sizes_and_strides[rank + i] = stride;
    stride *= shape[i];
  }
  return desc;
}

/* Fills a descriptor for a dense row-major buffer `data` of the given shape. */
#define SE_MEMREF_INIT(desc, data, ...)                                        \
  do {                                                                         \
    const int64_t se_shape_[] = {__VA_ARGS__};                                 \
    const int se_rank_ = (int)(sizeof(se_shape_) / sizeof(se_shape_[0]));     \
    int64_t se_stride_ = 1;                                                    \
    (desc).allocated = (data);                                                 \
    (desc).aligned = (data);                                                   \
    (desc).offset = 0;                                                         \
    for (int se_i_ = se_rank_ - 1; se_i_ >= 0; --se_i_) {                      \
      (desc).sizes[se_i_] = se_shape_[se_i_];                                  \
      (desc).strides[se_i_] = se_stride_;                                      \
      se_stride_ *= se_shape_[se_i_];                                          \
    }                                                                          \
  } while (0)

#ifdef __cplusplus
}
#endif

#endif /* SE_RUNTIME_MEMREF_H */
