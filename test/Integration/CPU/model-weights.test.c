// Driver of model-weights.test: create() with good and bad weights files.
#ifndef EMBEDDED
#include "small.h"
#endif

#include <stdio.h>

static void printLogits(small_context *context) {
  static float input[SMALL_INPUT_0_ELEMENTS];
  static float logits[SMALL_OUTPUT_0_ELEMENTS];
  for (int i = 0; i < SMALL_INPUT_0_ELEMENTS; ++i)
    input[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
  const float *inputs[] = {input};
  float *outputs[] = {logits};
  if (small_run(context, inputs, outputs) != SE_OK)
    return;
  printf("logits");
  for (int i = 0; i < SMALL_OUTPUT_0_ELEMENTS; ++i)
    printf(" %a", logits[i]);
  printf("\n");
}

int main(int argc, char **argv) {
  small_context *context = NULL;
#ifdef EMBEDDED
  (void)argc;
  (void)argv;
  if (small_create(&context) != SE_OK)
    return 1;
  printLogits(context);
  small_destroy(context);
#else
  const char *names[] = {"good", "missing", "flipped", "truncated", "other"};
  for (int i = 1; i < argc && i <= 5; ++i) {
    int status = small_create(&context, argv[i]);
    printf("%s: %d (%s)\n", names[i - 1], status, se_status_string(status));
    if (status == SE_OK) {
      printLogits(context);
      small_destroy(context);
    } else if (context) {
      printf("context not cleared\n");
    }
  }
  printf("null path: %d\n", small_create(&context, NULL));
  printf("set_num_threads(0): %d\n", small_set_num_threads(0));
  printf("set_num_threads(1): %d\n", small_set_num_threads(1));
#endif
  return 0;
}
