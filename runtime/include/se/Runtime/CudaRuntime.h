/*===- CudaRuntime.h - the GPU runtime of compiled models --------*- C -*-===*\
|*                                                                            *|
|* libse_cuda_runtime.so provides the mgpu* functions that MLIR's lowered    *|
|* GPU host code calls (module load, kernel launch, streams, memory,         *|
|* events), written over the CUDA driver API. The driver (libcuda.so.1) is   *|
|* loaded at run time, so programs link and start on machines without a     *|
|* GPU; there every call fails cleanly and se_cuda_status() says            *|
|* "no CUDA device: ...". A failing driver call is recorded as one message   *|
|* naming the call and the CUDA error, e.g.                                  *|
|*   cuModuleLoadData failed: CUDA_ERROR_NO_BINARY_FOR_GPU (209)              *|
|* (the first since the last se_cuda_clear_error()).                         *|
|*                                                                            *|
|* SE_CUDA_DRIVER names another driver library (tests use a missing one).    *|
\*===----------------------------------------------------------------------===*/

#ifndef SE_RUNTIME_CUDARUNTIME_H
#define SE_RUNTIME_CUDARUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when a CUDA device can be used (the driver loads and initializes, and
 * reports at least one device), else 0. */
int se_cuda_available(void);

/* Why no device is usable ("no CUDA device: ..."), or the device's name. */
const char *se_cuda_status(void);

/* The first failed driver call since the last clear, or NULL. */
const char *se_cuda_last_error(void);
void se_cuda_clear_error(void);

/* The message for `result` returned by driver call `call`, as recorded. */
const char *se_cuda_describe(int result, const char *call);

/* Device memory for compiled models' contexts: NULL (error recorded) on
 * failure or for 0 bytes. */
void *se_cuda_malloc(uint64_t bytes);
void se_cuda_free(void *pointer);

/* Copies `bytes` between host and device memory in either direction and
 * waits for the copy; 0 on success, -1 (error recorded) on failure. */
int se_cuda_memcpy(void *destination, const void *source, uint64_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* SE_RUNTIME_CUDARUNTIME_H */
