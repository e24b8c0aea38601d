/* Links a model compiled as `-o free.o` (C API prefix `free`) with a
 * program that also calls the C library's free(). */
#include "free.h"

#include <stdio.h>

int main(void) {
  static float input[FREE_INPUT_0_ELEMENTS], output[FREE_OUTPUT_0_ELEMENTS];
  free_context *context;
  int status = free_create(&context);
  if (status == SE_OK) {
    const float *inputs[] = {input};
    float *outputs[] = {output};
    status = free_run(context, inputs, outputs);
    free_destroy(context);
  }
  void *block = malloc(64);
  free(block);
  printf("free_run: %s\n", se_status_string(status));
  return status;
}
