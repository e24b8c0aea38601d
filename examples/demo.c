/*===- demo.c - run the compiled SE block against a plain C reference -----===*\
|*                                                                            *|
|* Links with the object se-compile made from se_block.mlir, feeds it seeded  *|
|* random data, and prints an output checksum, the largest error against the *|
|* loops below and the median time of the compiled block.                     *|
\*===----------------------------------------------------------------------===*/

#include "se/Runtime/MemRef.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { C = 256, H = 56, W = 56, HIDDEN = 16, HW = H * W, RUNS = 51 };

void _mlir_ciface_se_block(SEMemRef4D *u, SEMemRef2D *w1, SEMemRef2D *w2,
                           SEMemRef4D *identity, SEMemRef4D *out);

static unsigned long long state = 0x5EED5EEDULL;
static float uniform(float scale) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return scale * ((float)(state >> 40) / (float)(1ULL << 24) * 2.0f - 1.0f);
}

static void reference(const float *u, const float *w1, const float *w2,
                      const float *identity, float *out) {
  double z[C], hidden[HIDDEN];
  for (int c = 0; c < C; ++c) {
    double sum = 0.0;
    for (int s = 0; s < HW; ++s)
      sum += u[c * HW + s];
    z[c] = sum / HW;
  }
  for (int j = 0; j < HIDDEN; ++j) {
    double acc = 0.0;
    for (int c = 0; c < C; ++c)
      acc += w1[j * C + c] * z[c];
    hidden[j] = acc > 0.0 ? acc : 0.0;
  }
  for (int c = 0; c < C; ++c) {
    double acc = 0.0;
    for (int j = 0; j < HIDDEN; ++j)
      acc += w2[c * HIDDEN + j] * hidden[j];
    double gate = 1.0 / (1.0 + exp(-acc));
    for (int s = 0; s < HW; ++s) {
      double y = identity[c * HW + s] + gate * u[c * HW + s];
      out[c * HW + s] = (float)(y > 0.0 ? y : 0.0);
    }
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  float *u = malloc(sizeof(float) * C * HW);
  float *identity = malloc(sizeof(float) * C * HW);
  float *out = malloc(sizeof(float) * C * HW);
  float *expected = malloc(sizeof(float) * C * HW);
  float *w1 = malloc(sizeof(float) * HIDDEN * C);
  float *w2 = malloc(sizeof(float) * C * HIDDEN);
  for (int i = 0; i < C * HW; ++i) {
    u[i] = uniform(1.0f);
    identity[i] = uniform(1.0f);
  }
  for (int i = 0; i < HIDDEN * C; ++i) {
    w1[i] = uniform(0.125f);
    w2[i] = uniform(0.5f);
  }

  SEMemRef4D uRef, identityRef, outRef;
  SEMemRef2D w1Ref, w2Ref;
  SE_MEMREF_INIT(uRef, u, 1, C, H, W);
  SE_MEMREF_INIT(identityRef, identity, 1, C, H, W);
  SE_MEMREF_INIT(outRef, out, 1, C, H, W);
  SE_MEMREF_INIT(w1Ref, w1, HIDDEN, C);
  SE_MEMREF_INIT(w2Ref, w2, C, HIDDEN);

  double times[RUNS];
  for (int run = 0; run < RUNS; ++run) {
    double start = now();
    _mlir_ciface_se_block(&uRef, &w1Ref, &w2Ref, &identityRef, &outRef);
    times[run] = now() - start;
  }
  qsort(times, RUNS, sizeof(double), compareDoubles);

  reference(u, w1, w2, identity, expected);
  double checksum = 0.0, maxError = 0.0;
  for (int i = 0; i < C * HW; ++i) {
    checksum += out[i];
    double err = fabs((double)out[i] - expected[i]) / (1.0 + fabs(expected[i]));
    if (!(err <= maxError))
      maxError = err;
  }
  printf("SE block 1x%dx%dx%d (r = 16) + residual + ReLU, NCHW\n", C, H, W);
  printf("checksum        %.6f\n", checksum);
  printf("max error       %.3g (scaled: |y - ref| / (1 + |ref|), limit 1e-5)\n",
         maxError);
  printf("median time     %.3f ms over %d runs\n", times[RUNS / 2] * 1e3, RUNS);
  int ok = maxError <= 1e-5;
  printf("%s\n", ok ? "PASS" : "FAIL");
  free(u), free(identity), free(out), free(expected), free(w1), free(w2);
  return ok ? 0 : 1;
}
