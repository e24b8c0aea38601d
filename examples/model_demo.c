/*===- model_demo.c - run SE-ResNet-50 and ResNet-50 through their C API --===*\
|*                                                                            *|
|* Links with the objects se-compile made from the built-in se-resnet50 and  *|
|* resnet50 (seeded weights), feeds both the same seeded 1x3x224x224 input,  *|
|* and prints each model's top-5 classes, an output checksum and the median  *|
|* latency, then the SE overhead ratio.                                       *|
\*===----------------------------------------------------------------------===*/

#include "resnet50.h"
#include "se_resnet50.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RUNS = 11, CLASSES = 1000 };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *name, const float *logits, double *times) {
  int top[5] = {-1, -1, -1, -1, -1};
  for (int k = 0; k < 5; ++k)
    for (int i = 0; i < CLASSES; ++i) {
      int taken = 0;
      for (int j = 0; j < k; ++j)
        taken |= top[j] == i;
      if (!taken && (top[k] < 0 || logits[i] > logits[top[k]]))
        top[k] = i;
    }
  double checksum = 0.0;
  for (int i = 0; i < CLASSES; ++i)
    checksum += logits[i];
  qsort(times, RUNS, sizeof(double), compareDoubles);
  printf("%s\n  top-5:", name);
  for (int k = 0; k < 5; ++k)
    printf(" %d (%.4f)", top[k], logits[top[k]]);
  printf("\n  checksum %.6f\n  median latency %.1f ms over %d runs\n", checksum,
         times[RUNS / 2] * 1e3, RUNS);
}

int main(void) {
  static float input[SE_RESNET50_INPUT_0_ELEMENTS];
  static float seLogits[CLASSES], plainLogits[CLASSES];
  unsigned long long state = 0x5EED5EEDULL;
  for (int i = 0; i < SE_RESNET50_INPUT_0_ELEMENTS; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    input[i] = (float)(state >> 40) / (float)(1ULL << 24) * 2.0f - 1.0f;
  }

  se_resnet50_context *se;
  resnet50_context *plain;
  if (se_resnet50_create(&se) != SE_OK || resnet50_create(&plain) != SE_OK) {
    fprintf(stderr, "cannot create the model contexts\n");
    return 1;
  }
  const float *inputs[] = {input};
  float *seOutputs[] = {seLogits}, *plainOutputs[] = {plainLogits};

  double seTimes[RUNS], plainTimes[RUNS];
  se_resnet50_run(se, inputs, seOutputs); /* warm-up */
  resnet50_run(plain, inputs, plainOutputs);
  for (int run = 0; run < RUNS; ++run) {
    double start = now();
    se_resnet50_run(se, inputs, seOutputs);
    seTimes[run] = now() - start;
    start = now();
    resnet50_run(plain, inputs, plainOutputs);
    plainTimes[run] = now() - start;
  }

  report("SE-ResNet-50 (1x3x224x224, seeded weights)", seLogits, seTimes);
  report("ResNet-50 (same input)", plainLogits, plainTimes);
  printf("SE overhead: %.3fx (SE-ResNet-50 / ResNet-50 median latency)\n",
         seTimes[RUNS / 2] / plainTimes[RUNS / 2]);
  se_resnet50_destroy(se);
  resnet50_destroy(plain);
  return 0;
}
