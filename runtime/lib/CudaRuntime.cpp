//===- CudaRuntime.cpp - mgpu* over the CUDA driver API, loaded at run time
//===//
//
// The driver is opened with dlopen on first use and its entry points are
// looked up by name, so this library needs no CUDA headers to build and no
// GPU to load. The few driver types are declared here with their ABI.
//
//===----------------------------------------------------------------------===//

#include "se/Runtime/CudaRuntime.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
constexpr CUresult kSuccess = 0;
constexpr CUresult kDeinitialized = 4;

/// Names of the driver's common errors, for when the driver cannot name
/// them itself (it is not loaded).
const char *errorName(CUresult result) {
  switch (result) {
  case 0:
    return "CUDA_SUCCESS";
  case 1:
    return "CUDA_ERROR_INVALID_VALUE";
  case 2:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case 3:
    return "CUDA_ERROR_NOT_INITIALIZED";
  case 4:
    return "CUDA_ERROR_DEINITIALIZED";
  case 100:
    return "CUDA_ERROR_NO_DEVICE";
  case 101:
    return "CUDA_ERROR_INVALID_DEVICE";
  case 200:
    return "CUDA_ERROR_INVALID_IMAGE";
  case 201:
    return "CUDA_ERROR_INVALID_CONTEXT";
  case 209:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case 218:
    return "CUDA_ERROR_INVALID_PTX";
  case 222:
    return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
  case 300:
    return "CUDA_ERROR_INVALID_SOURCE";
  case 400:
    return "CUDA_ERROR_INVALID_HANDLE";
  case 500:
    return "CUDA_ERROR_NOT_FOUND";
  case 700:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case 701:
    return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  case 702:
    return "CUDA_ERROR_LAUNCH_TIMEOUT";
  case 719:
    return "CUDA_ERROR_LAUNCH_FAILED";
  case 999:
    return "CUDA_ERROR_UNKNOWN";
  default:
    return "CUDA_ERROR_UNRECOGNIZED";
  }
}

/// The driver's entry points and the state of its one context.
struct Driver {
#define SE_DRIVER_FUNCTIONS(X)                                                 \
  X(cuInit, CUresult (*)(unsigned))                                            \
  X(cuGetErrorName, CUresult (*)(CUresult, const char **))                     \
  X(cuDeviceGetCount, CUresult (*)(int *))                                     \
  X(cuDeviceGet, CUresult (*)(CUdevice *, int))                                \
  X(cuDeviceGetName, CUresult (*)(char *, int, CUdevice))                      \
  X(cuDevicePrimaryCtxRetain, CUresult (*)(CUcontext *, CUdevice))             \
  X(cuCtxSetCurrent, CUresult (*)(CUcontext))                                  \
  X(cuModuleLoadData, CUresult (*)(CUmodule *, const void *))                  \
  X(cuModuleUnload, CUresult (*)(CUmodule))                                    \
  X(cuModuleGetFunction, CUresult (*)(CUfunction *, CUmodule, const char *))   \
  X(cuLaunchKernel,                                                            \
    CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, \
                 unsigned, unsigned, CUstream, void **, void **))              \
  X(cuStreamCreate, CUresult (*)(CUstream *, unsigned))                        \
  X(cuStreamSynchronize, CUresult (*)(CUstream))                               \
  X(cuStreamDestroy_v2, CUresult (*)(CUstream))                                \
  X(cuStreamWaitEvent, CUresult (*)(CUstream, CUevent, unsigned))              \
  X(cuMemAlloc_v2, CUresult (*)(CUdeviceptr *, size_t))                        \
  X(cuMemFree_v2, CUresult (*)(CUdeviceptr))                                   \
  X(cuMemcpy, CUresult (*)(CUdeviceptr, CUdeviceptr, size_t))                  \
  X(cuMemcpyAsync, CUresult (*)(CUdeviceptr, CUdeviceptr, size_t, CUstream))   \
  X(cuMemsetD32Async, CUresult (*)(CUdeviceptr, unsigned, size_t, CUstream))   \
  X(cuMemsetD16Async,                                                          \
    CUresult (*)(CUdeviceptr, unsigned short, size_t, CUstream))               \
  X(cuMemHostRegister_v2, CUresult (*)(void *, size_t, unsigned))              \
  X(cuEventCreate, CUresult (*)(CUevent *, unsigned))                          \
  X(cuEventDestroy_v2, CUresult (*)(CUevent))                                  \
  X(cuEventRecord, CUresult (*)(CUevent, CUstream))                            \
  X(cuEventSynchronize, CUresult (*)(CUevent))                                 \
  X(cuEventElapsedTime, CUresult (*)(float *, CUevent, CUevent))
#define SE_DECLARE(name, type)                                                 \
  using name##_t = type;                                                       \
  name##_t name = nullptr;
  SE_DRIVER_FUNCTIONS(SE_DECLARE)
#undef SE_DECLARE

  bool usable = false;
  std::string status;
  CUcontext context = nullptr;
};

/// cuGetErrorName once the driver is loaded (read by se_cuda_describe,
/// which the driver's own initialization calls).
std::atomic<CUresult (*)(CUresult, const char **)> getErrorName{nullptr};

std::mutex &errorMutex() {
  static std::mutex mutex;
  return mutex;
}
std::string &lastError() {
  static std::string error;
  return error;
}

Driver &driver() {
  static Driver d = [] {
    Driver d;
    const char *path = std::getenv("SE_CUDA_DRIVER");
    if (!path || !*path)
      path = "libcuda.so.1";
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      d.status = std::string("no CUDA device: cannot load ") + path;
      return d;
    }
#define SE_LOOKUP(name, type)                                                  \
  d.name = reinterpret_cast<Driver::name##_t>(dlsym(library, #name));          \
  if (!d.name) {                                                               \
    d.status = "no CUDA device: the driver lacks " #name;                      \
    return d;                                                                  \
  }
    SE_DRIVER_FUNCTIONS(SE_LOOKUP)
#undef SE_LOOKUP
    getErrorName = d.cuGetErrorName;
    int count = 0;
    CUdevice device = 0;
    CUresult result = d.cuInit(0);
    if (result == kSuccess)
      result = d.cuDeviceGetCount(&count);
    if (result != kSuccess || count == 0) {
      d.status = std::string("no CUDA device: ") +
                 (result != kSuccess ? se_cuda_describe(result, "cuInit")
                                     : "the driver reports none");
      return d;
    }
    char name[256] = {0};
    if ((result = d.cuDeviceGet(&device, 0)) != kSuccess ||
        (result = d.cuDevicePrimaryCtxRetain(&d.context, device)) != kSuccess) {
      d.status = std::string("no CUDA device: ") +
                 se_cuda_describe(result, "cuDevicePrimaryCtxRetain");
      return d;
    }
    d.cuDeviceGetName(name, sizeof(name) - 1, device);
    d.status = name;
    d.usable = true;
    return d;
  }();
  return d;
}

/// Records the first failure; true when `result` is a success.
bool check(CUresult result, const char *call) {
  if (result == kSuccess)
    return true;
  std::lock_guard<std::mutex> lock(errorMutex());
  if (lastError().empty()) {
    lastError() = se_cuda_describe(result, call);
    std::fprintf(stderr, "se-runtime: %s\n", lastError().c_str());
  }
  return false;
}

/// The driver with the context current on this thread, or null after
/// recording why not.
Driver *ready(const char *call) {
  Driver &d = driver();
  if (!d.usable) {
    std::lock_guard<std::mutex> lock(errorMutex());
    if (lastError().empty())
      lastError() = std::string(call) + " failed: " + d.status;
    return nullptr;
  }
  if (!check(d.cuCtxSetCurrent(d.context), "cuCtxSetCurrent"))
    return nullptr;
  return &d;
}

/// Runs one driver call `call` with the context current, recording its
/// failure.
template <typename Call> void run(const char *call, Call &&body) {
  if (Driver *d = ready(call))
    check(body(*d), call);
}

/// With SE_CUDA_PROFILE set, every launch is timed with events (and waited
/// for, so kernels no longer overlap the host) and a table of the time per
/// kernel is printed to stderr at exit.
class Profiler {
public:
  static Profiler *get() {
    static Profiler *profiler =
        std::getenv("SE_CUDA_PROFILE") ? new Profiler() : nullptr;
    return profiler;
  }

  void name(CUfunction function, const char *name) {
    std::lock_guard<std::mutex> lock(mutex);
    names[function] = name;
  }

  /// Runs `launch` between two events on `stream` and records the time.
  void time(CUfunction function, CUstream stream, Driver &d,
            const std::function<CUresult()> &launch) {
    CUevent start = nullptr, end = nullptr;
    if (d.cuEventCreate(&start, 0) != kSuccess ||
        d.cuEventCreate(&end, 0) != kSuccess) {
      check(launch(), "cuLaunchKernel");
      return;
    }
    d.cuEventRecord(start, stream);
    check(launch(), "cuLaunchKernel");
    d.cuEventRecord(end, stream);
    float ms = 0;
    if (d.cuEventSynchronize(end) == kSuccess)
      d.cuEventElapsedTime(&ms, start, end);
    d.cuEventDestroy_v2(start);
    d.cuEventDestroy_v2(end);
    std::lock_guard<std::mutex> lock(mutex);
    Entry &entry = entries[names.count(function) ? names[function] : "?"];
    entry.launches += 1;
    entry.milliseconds += ms;
  }


  static void print() {
    Profiler *profiler = get();
    if (!profiler)
      return;
    std::vector<std::pair<std::string, Entry>> rows(profiler->entries.begin(),
                                                    profiler->entries.end());
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
      return a.second.milliseconds > b.second.milliseconds;
    });
    double total = 0;
    for (const auto &row : rows)
      total += row.second.milliseconds;
    std::fprintf(stderr, "se-runtime profile: %.3f ms in %zu kernels\n", total,
                 rows.size());
    std::fprintf(stderr, "%-32s %9s %12s %10s %6s\n", "kernel", "launches",
                 "total ms", "mean us", "%");
    for (const auto &[name, entry] : rows)
      std::fprintf(stderr, "%-32s %9ld %12.3f %10.1f %6.2f\n", name.c_str(),
                   entry.launches, entry.milliseconds,
                   1e3 * entry.milliseconds / entry.launches,
                   100.0 * entry.milliseconds / (total > 0 ? total : 1));
  }

private:
  Profiler() { std::atexit(print); }

  struct Entry {
    long launches = 0;
    double milliseconds = 0;
  };
  std::mutex mutex;
  std::map<CUfunction, std::string> names;
  std::map<std::string, Entry> entries;
};

} // namespace

extern "C" {

int se_cuda_available(void) { return driver().usable ? 1 : 0; }

const char *se_cuda_status(void) { return driver().status.c_str(); }

const char *se_cuda_last_error(void) {
  std::lock_guard<std::mutex> lock(errorMutex());
  return lastError().empty() ? nullptr : lastError().c_str();
}

void se_cuda_clear_error(void) {
  std::lock_guard<std::mutex> lock(errorMutex());
  lastError().clear();
}

const char *se_cuda_describe(int result, const char *call) {
  thread_local std::string message;
  const char *name = nullptr;
  auto lookupName = getErrorName.load();
  if (lookupName && lookupName(result, &name) != kSuccess)
    name = nullptr;
  message = std::string(call) +
            " failed: " + (name ? name : errorName(result)) + " (" +
            std::to_string(result) + ")";
  return message.c_str();
}

// The functions MLIR's gpu-to-llvm lowering calls.

CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  CUmodule module = nullptr;
  run("cuModuleLoadData",
      [&](Driver &d) { return d.cuModuleLoadData(&module, data); });
  return module;
}

CUmodule mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  return mgpuModuleLoad(data, 0);
}

void mgpuModuleUnload(CUmodule module) {
  // Compiled code unloads its modules from a global destructor, which may
  // run after the driver has shut down at exit: nothing is left to free.
  Driver &d = driver();
  if (!module || !d.usable || d.cuCtxSetCurrent(d.context) == kDeinitialized)
    return;
  check(d.cuModuleUnload(module), "cuModuleUnload");
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  CUfunction function = nullptr;
  run("cuModuleGetFunction", [&](Driver &d) {
    return d.cuModuleGetFunction(&function, module, name);
  });
  if (Profiler *profiler = Profiler::get(); profiler && function)
    profiler->name(function, name);
  return function;
}

void mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, CUstream stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  auto launch = [&](Driver &d) {
    return d.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                            blockZ, smem, stream, params, extra);
  };
  if (Profiler *profiler = Profiler::get()) {
    if (Driver *d = ready("cuLaunchKernel"))
      profiler->time(function, stream, *d, [&] { return launch(*d); });
    return;
  }
  run("cuLaunchKernel", launch);
}

CUstream mgpuStreamCreate() {
  CUstream stream = nullptr;
  run("cuStreamCreate", [&](Driver &d) {
    return d.cuStreamCreate(&stream, /*CU_STREAM_NON_BLOCKING=*/1);
  });
  return stream;
}

void mgpuStreamDestroy(CUstream stream) {
  run("cuStreamDestroy",
      [&](Driver &d) { return d.cuStreamDestroy_v2(stream); });
}

void mgpuStreamSynchronize(CUstream stream) {
  run("cuStreamSynchronize",
      [&](Driver &d) { return d.cuStreamSynchronize(stream); });
}

void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  run("cuStreamWaitEvent",
      [&](Driver &d) { return d.cuStreamWaitEvent(stream, event, 0); });
}

CUevent mgpuEventCreate() {
  CUevent event = nullptr;
  run("cuEventCreate", [&](Driver &d) {
    return d.cuEventCreate(&event, /*CU_EVENT_DISABLE_TIMING=*/2);
  });
  return event;
}

void mgpuEventDestroy(CUevent event) {
  run("cuEventDestroy", [&](Driver &d) { return d.cuEventDestroy_v2(event); });
}

void mgpuEventSynchronize(CUevent event) {
  run("cuEventSynchronize",
      [&](Driver &d) { return d.cuEventSynchronize(event); });
}

void mgpuEventRecord(CUevent event, CUstream stream) {
  run("cuEventRecord",
      [&](Driver &d) { return d.cuEventRecord(event, stream); });
}

void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/, bool /*hostShared*/) {
  CUdeviceptr pointer = 0;
  if (bytes == 0)
    return nullptr;
  run("cuMemAlloc",
      [&](Driver &d) { return d.cuMemAlloc_v2(&pointer, bytes); });
  return reinterpret_cast<void *>(pointer);
}

void mgpuMemFree(void *pointer, CUstream /*stream*/) {
  if (!pointer)
    return;
  run("cuMemFree", [&](Driver &d) {
    return d.cuMemFree_v2(reinterpret_cast<CUdeviceptr>(pointer));
  });
}

void mgpuMemcpy(void *destination, void *source, size_t bytes,
                CUstream stream) {
  run("cuMemcpyAsync", [&](Driver &d) {
    return d.cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(destination),
                           reinterpret_cast<CUdeviceptr>(source), bytes,
                           stream);
  });
}

void mgpuMemset32(void *destination, unsigned int value, size_t count,
                  CUstream stream) {
  run("cuMemsetD32Async", [&](Driver &d) {
    return d.cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(destination), value,
                              count, stream);
  });
}

void mgpuMemset16(void *destination, unsigned short value, size_t count,
                  CUstream stream) {
  run("cuMemsetD16Async", [&](Driver &d) {
    return d.cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(destination), value,
                              count, stream);
  });
}

void mgpuMemHostRegister(void *pointer, uint64_t bytes) {
  run("cuMemHostRegister", [&](Driver &d) {
    return d.cuMemHostRegister_v2(pointer, bytes, /*PORTABLE=*/1);
  });
}

/// A ranked memref descriptor: allocated, aligned, offset, sizes, strides.
struct MemRefDescriptor {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

void mgpuMemHostRegisterMemRef(int64_t rank, MemRefDescriptor *descriptor,
                               int64_t elementBytes) {
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= descriptor->sizesAndStrides[i];
  mgpuMemHostRegister(descriptor->aligned + descriptor->offset * elementBytes,
                      count * elementBytes);
}

void mgpuSetDefaultDevice(int32_t device) {
  // One device per process: the first; others are not supported yet.
  if (device != 0) {
    std::lock_guard<std::mutex> lock(errorMutex());
    if (lastError().empty())
      lastError() = "mgpuSetDefaultDevice failed: only device 0 is supported";
  }
}

// Device memory of compiled models' contexts.

void *se_cuda_malloc(uint64_t bytes) {
  return mgpuMemAlloc(bytes, nullptr, false);
}

void se_cuda_free(void *pointer) { mgpuMemFree(pointer, nullptr); }

int se_cuda_memcpy(void *destination, const void *source, uint64_t bytes) {
  bool copied = false;
  if (Driver *d = ready("cuMemcpy"))
    copied = check(d->cuMemcpy(reinterpret_cast<CUdeviceptr>(destination),
                               reinterpret_cast<CUdeviceptr>(source), bytes),
                   "cuMemcpy");
  return copied ? 0 : -1;
}

} // extern "C"
