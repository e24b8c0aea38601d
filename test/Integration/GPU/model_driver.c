/*===- model_driver.c - run one compiled model, check it, time it --------===*\
|*                                                                            *|
|* Built against a model's generated header: cc -DMODEL=name -include        *|
|* name.h model_driver.c name.o ... (add -lse_cuda_runtime for --target=cuda)*|
|* Feeds the seeded input of examples/model_demo.c, writes the outputs to a  *|
|* file, compares them with a reference file when given, and times runs.     *|
|*                                                                            *|
|*   driver [--weights FILE] [--input IN] [--write OUT]                       *|
|*          [--check REF --tolerance T] [--runs N]                            *|
|*                                                                            *|
|* --input reads the input (raw little-endian f32) instead of seeding it.    *|
|*                                                                            *|
|* The check passes when max |out - ref| <= T * (1 + max |ref|). Timing: the *|
|* median of N runs; with CUDA code both run() (host tensors, copies        *|
|* included) and run_device() (device tensors) are timed.                   *|
\*===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define API(suffix) CAT(MODEL, suffix)

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int64_t elements(int rank, const int64_t *dims) {
  int64_t count = 1;
  for (int i = 0; i < rank; ++i)
    count *= dims[i];
  return count;
}

static int fail(const char *what, int status) {
  fprintf(stderr, "error: %s: %s\n", what, se_status_string(status));
#ifdef SE_RUNTIME_CUDARUNTIME_H
  fprintf(stderr, "  device: %s\n", se_cuda_status());
  if (se_cuda_last_error())
    fprintf(stderr, "  CUDA: %s\n", se_cuda_last_error());
#endif
  return 1;
}

typedef int (*RunFn)(API(_context) *, const float *const *, float *const *);

/* Median milliseconds of `runs` calls of `run`. */
static double timeRuns(RunFn run, API(_context) * context,
                       const float *const *inputs, float *const *outputs,
                       int runs) {
  double *times = malloc(sizeof(double) * runs);
  for (int i = 0; i < runs; ++i) {
    double start = now();
    run(context, inputs, outputs);
    times[i] = now() - start;
  }
  qsort(times, runs, sizeof(double), compareDoubles);
  double median = times[runs / 2] * 1e3;
  free(times);
  return median;
}

int main(int argc, char **argv) {
  const char *weights = NULL, *writePath = NULL, *checkPath = NULL,
             *inputPath = NULL;
  double tolerance = 1e-4;
  int runs = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--weights"))
      weights = argv[i + 1];
    else if (!strcmp(argv[i], "--input"))
      inputPath = argv[i + 1];
    else if (!strcmp(argv[i], "--write"))
      writePath = argv[i + 1];
    else if (!strcmp(argv[i], "--check"))
      checkPath = argv[i + 1];
    else if (!strcmp(argv[i], "--tolerance"))
      tolerance = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--runs"))
      runs = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "error: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  (void)weights;

  int64_t dims[4];
  int64_t inputElements = elements(API(_input_shape)(0, dims), dims);
  int64_t outputElements = elements(API(_output_shape)(0, dims), dims);
  float *input = malloc(sizeof(float) * inputElements);
  float *output = malloc(sizeof(float) * outputElements);
  if (inputPath) {
    FILE *file = fopen(inputPath, "rb");
    if (!file || fread(input, sizeof(float), inputElements, file) !=
                     (size_t)inputElements) {
      fprintf(stderr, "error: cannot read %d floats from %s\n",
              (int)inputElements, inputPath);
      return 1;
    }
    fclose(file);
  } else {
    unsigned long long state = 0x5EED5EEDULL;
    for (int64_t i = 0; i < inputElements; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      input[i] = (float)(state >> 40) / (float)(1ULL << 24) * 2.0f - 1.0f;
    }
  }

  API(_context) * context;
#ifdef MODEL_EXTERNAL_WEIGHTS
  int status = API(_create)(&context, weights);
#else
  int status = API(_create)(&context);
#endif
  if (status != SE_OK)
    return fail("create", status);
  const float *inputs[1] = {input};
  float *outputs[1] = {output};
  if ((status = API(_run)(context, inputs, outputs)) != SE_OK)
    return fail("run", status);

  double sum = 0.0;
  for (int64_t i = 0; i < outputElements; ++i)
    sum += output[i];
  printf("outputs %lld, checksum %.6f\n", (long long)outputElements, sum);

  if (writePath) {
    FILE *file = fopen(writePath, "wb");
    if (!file || fwrite(output, sizeof(float), outputElements, file) !=
                     (size_t)outputElements) {
      fprintf(stderr, "error: cannot write %s\n", writePath);
      return 1;
    }
    fclose(file);
  }

  int result = 0;
  if (checkPath) {
    float *want = malloc(sizeof(float) * outputElements);
    FILE *file = fopen(checkPath, "rb");
    if (!file || fread(want, sizeof(float), outputElements, file) !=
                     (size_t)outputElements) {
      fprintf(stderr, "error: cannot read %d floats from %s\n",
              (int)outputElements, checkPath);
      return 1;
    }
    fclose(file);
    double maxError = 0.0, maxWant = 0.0;
    int finite = 1;
    for (int64_t i = 0; i < outputElements; ++i) {
      finite &= isfinite(output[i]);
      maxError = fmax(maxError, fabs((double)output[i] - want[i]));
      maxWant = fmax(maxWant, fabs((double)want[i]));
    }
    double bound = tolerance * (1.0 + maxWant);
    int pass = finite && maxError <= bound;
    printf("check: max |out - ref| %.3g, max |ref| %.3g, bound %.3g: %s\n",
           maxError, maxWant, bound, pass ? "PASS" : "FAIL");
    result = pass ? 0 : 1;
    free(want);
  }

  if (runs > 0) {
    for (int i = 0; i < 3; ++i)
      API(_run)(context, inputs, outputs);
    printf("run: median %.3f ms over %d runs\n",
           timeRuns(API(_run), context, inputs, outputs, runs), runs);
#ifdef SE_RUNTIME_CUDARUNTIME_H
    const float *deviceInputs[1] = {context->device_tensors[0]};
    float *deviceOutputs[1] = {context->device_tensors[1]};
    printf("run_device: median %.3f ms over %d runs\n",
           timeRuns(API(_run_device), context, deviceInputs, deviceOutputs,
                    runs),
           runs);
#endif
  }
  API(_destroy)(context);
  free(input);
  free(output);
  return result;
}
