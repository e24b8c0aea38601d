// Driver of model-batch.test: runs `any`, compiled for any batch, on 1 to 7
// images at once and compares each image with run() on it alone.
#include "any.h"

#include <stdio.h>
#include <string.h>

enum { kImages = 7 };

static float input[kImages * ANY_INPUT_0_ELEMENTS];
static float alone[kImages * ANY_OUTPUT_0_ELEMENTS];
static float batched[kImages * ANY_OUTPUT_0_ELEMENTS];

int main(void) {
  for (int i = 0; i < kImages * ANY_INPUT_0_ELEMENTS; ++i)
    input[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
  any_context *context;
  if (any_create(&context) != SE_OK)
    return 1;
  int64_t slot = context->workspace_bytes;
  printf("dynamic batch: %d\n", ANY_DYNAMIC_BATCH);
  for (int i = 0; i < kImages; ++i) {
    const float *inputs[] = {input + i * ANY_INPUT_0_ELEMENTS};
    float *outputs[] = {alone + i * ANY_OUTPUT_0_ELEMENTS};
    if (any_run(context, inputs, outputs) != SE_OK)
      return 1;
  }
  const float *inputs[] = {input};
  float *outputs[] = {batched};
  for (int threads = 1; threads <= 2; ++threads) {
    any_set_num_threads(threads);
    for (int images = 1; images <= kImages; ++images) {
      memset(batched, 0xff, sizeof(batched)); // NaNs
      int status = any_run_batch(context, images, inputs, outputs);
      int same = status == SE_OK &&
                 memcmp(batched, alone,
                        images * ANY_OUTPUT_0_ELEMENTS * sizeof(float)) == 0;
      printf("threads %d images %d: %s, workspace slots %lld\n", threads,
             images, same ? "same as one by one" : "DIFFERENT",
             (long long)(context->workspace_bytes / slot));
    }
  }
  int8_t *grown = context->workspace;
  any_run_batch(context, kImages, inputs, outputs);
  printf("workspace kept: %s\n", grown == context->workspace ? "yes" : "no");
  printf("no images: %d\n", any_run_batch(context, 0, inputs, outputs) ==
                                SE_ERROR_INVALID_ARGUMENT);
  any_destroy(context);
  return 0;
}
