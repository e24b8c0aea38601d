// Driver of model-api.test: exercises the generated C API of `small`.
#include "small.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/// One context per thread, run concurrently.
struct Job {
  small_context *context;
  const float *input;
  float output[SMALL_OUTPUT_0_ELEMENTS];
};

static void *runJob(void *arg) {
  struct Job *job = (struct Job *)arg;
  const float *inputs[] = {job->input};
  float *outputs[] = {job->output};
  for (int i = 0; i < 20; ++i)
    small_run(job->context, inputs, outputs);
  return NULL;
}

int main(void) {
  static float input[SMALL_INPUT_0_ELEMENTS];
  static float first[SMALL_OUTPUT_0_ELEMENTS], second[SMALL_OUTPUT_0_ELEMENTS],
      again[SMALL_OUTPUT_0_ELEMENTS];
  for (int i = 0; i < SMALL_INPUT_0_ELEMENTS; ++i)
    input[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;

  int64_t dims[4];
  int rank = small_input_shape(0, dims);
  printf("input rank %d: %lld %lld %lld %lld\n", rank, (long long)dims[0],
         (long long)dims[1], (long long)dims[2], (long long)dims[3]);
  rank = small_output_shape(0, dims);
  printf("output rank %d: %lld %lld\n", rank, (long long)dims[0],
         (long long)dims[1]);

  small_context *a, *b;
  if (small_create(&a) != SE_OK || small_create(&b) != SE_OK)
    return 1;
  printf("workspace bytes %lld\n", (long long)a->workspace_bytes);
  const float *inputs[] = {input};
  float *outFirst[] = {first}, *outSecond[] = {second}, *outAgain[] = {again};
  if (small_run(a, inputs, outFirst) != SE_OK ||
      small_run(b, inputs, outSecond) != SE_OK ||
      small_run(a, inputs, outAgain) != SE_OK)
    return 1;
  int finite = 1;
  for (int i = 0; i < SMALL_OUTPUT_0_ELEMENTS; ++i)
    finite &= isfinite(first[i]);
  printf("two contexts agree: %s\n",
         finite && !memcmp(first, second, sizeof(first)) ? "yes" : "no");
  printf("rerun agrees: %s\n", !memcmp(first, again, sizeof(first)) ? "yes"
                                                                     : "no");
  struct Job jobs[2] = {{a, input, {0}}, {b, input, {0}}};
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i)
    pthread_create(&threads[i], NULL, runJob, &jobs[i]);
  for (int i = 0; i < 2; ++i)
    pthread_join(threads[i], NULL);
  printf("concurrent contexts agree: %s\n",
         !memcmp(jobs[0].output, first, sizeof(first)) &&
                 !memcmp(jobs[1].output, first, sizeof(first))
             ? "yes"
             : "no");
  printf("null inputs: %d\n", small_run(a, NULL, outFirst));
  printf("bad index: %d\n", small_output_shape(1, dims));
  small_destroy(a);
  small_destroy(b);
  return 0;
}
