//===- CudaRuntimeTest.cpp - the GPU runtime without a GPU ----------------===//
//
// libse_cuda_runtime loads the CUDA driver at run time. With no driver (here
// forced with SE_CUDA_DRIVER, so the test means the same on GPU machines)
// every call fails cleanly: a null handle, and one message naming the call.
//
//===----------------------------------------------------------------------===//

#include "se/Runtime/CudaRuntime.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" {
void *mgpuStreamCreate();
void *mgpuMemAlloc(uint64_t bytes, void *stream, bool hostShared);
void *mgpuModuleLoad(void *data, size_t size);
void mgpuLaunchKernel(void *function, intptr_t, intptr_t, intptr_t, intptr_t,
                      intptr_t, intptr_t, int32_t, void *, void **, void **,
                      size_t);
}

namespace {

class CudaRuntimeNoDevice : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    // Before the runtime's first call, which loads the driver once.
    setenv("SE_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  }
  void SetUp() override { se_cuda_clear_error(); }
};

TEST_F(CudaRuntimeNoDevice, ReportsNoDevice) {
  EXPECT_EQ(se_cuda_available(), 0);
  EXPECT_STREQ(se_cuda_status(),
               "no CUDA device: cannot load /nonexistent/libcuda.so.1");
  EXPECT_EQ(se_cuda_last_error(), nullptr);
}

TEST_F(CudaRuntimeNoDevice, CallsFailCleanly) {
  EXPECT_EQ(mgpuStreamCreate(), nullptr);
  ASSERT_NE(se_cuda_last_error(), nullptr);
  EXPECT_STREQ(se_cuda_last_error(),
               "cuStreamCreate failed: no CUDA device: cannot load "
               "/nonexistent/libcuda.so.1");
  // The first failure is kept until cleared.
  EXPECT_EQ(mgpuMemAlloc(1024, nullptr, false), nullptr);
  EXPECT_EQ(std::string(se_cuda_last_error()).rfind("cuStreamCreate", 0), 0u);
  se_cuda_clear_error();
  EXPECT_EQ(mgpuModuleLoad(nullptr, 0), nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(std::string(se_cuda_last_error()).rfind("cuModuleLoadData", 0), 0u);
}

TEST_F(CudaRuntimeNoDevice, ContextMemoryFailsCleanly) {
  // What the generated create() and run() call.
  EXPECT_EQ(se_cuda_malloc(1 << 20), nullptr);
  ASSERT_NE(se_cuda_last_error(), nullptr);
  EXPECT_EQ(std::string(se_cuda_last_error()).rfind("cuMemAlloc failed: ", 0),
            0u);
  se_cuda_clear_error();
  float host[4] = {1, 2, 3, 4};
  EXPECT_EQ(se_cuda_memcpy(host, host + 2, sizeof(float)), -1);
  EXPECT_EQ(std::string(se_cuda_last_error()).rfind("cuMemcpy failed: ", 0),
            0u);
  EXPECT_EQ(host[0], 1.0f);
  // Freeing null (what destroy() does after a failed create()) is no error.
  se_cuda_clear_error();
  se_cuda_free(nullptr);
  EXPECT_EQ(se_cuda_last_error(), nullptr);
}

TEST(CudaRuntimeErrors, NamesTheCallAndTheError) {
  EXPECT_STREQ(se_cuda_describe(209, "cuModuleLoadData"),
               "cuModuleLoadData failed: CUDA_ERROR_NO_BINARY_FOR_GPU (209)");
  EXPECT_STREQ(se_cuda_describe(2, "cuMemAlloc"),
               "cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2)");
  EXPECT_STREQ(se_cuda_describe(12345, "cuLaunchKernel"),
               "cuLaunchKernel failed: CUDA_ERROR_UNRECOGNIZED (12345)");
}

} // namespace
