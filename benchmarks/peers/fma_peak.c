/* The machine's f32 FMA peak on one thread: 24 independent chains of
 * vector FMAs (enough to cover the latency of two FMA pipes), the widest
 * vectors the compiler targets (-march=native). Prints the best GFLOP/s of
 * 8 repetitions of ~0.1 s. */
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif
typedef float vec __attribute__((vector_size(LANES * 4)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  vec acc[24], x, y;
  for (int i = 0; i < 24; ++i)
    for (int l = 0; l < LANES; ++l)
      acc[i][l] = i * 0.001f;
  for (int l = 0; l < LANES; ++l) {
    x[l] = 0.9999f;
    y[l] = 1e-5f;
  }
  long iterations = 100000000L / LANES;
  double best = 0.0;
  for (int rep = 0; rep < 8; ++rep) {
    double start = now();
    for (long k = 0; k < iterations; ++k) {
      for (int i = 0; i < 24; ++i)
        acc[i] = acc[i] * x + y;
      __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]));
    }
    double gflops = iterations * 24.0 * LANES * 2 / (now() - start) / 1e9;
    best = gflops > best ? gflops : best;
  }
  float sum = 0;
  for (int i = 0; i < 24; ++i)
    sum += acc[i][0];
  printf("%.1f\n", best + 0 * sum);
  return 0;
}
