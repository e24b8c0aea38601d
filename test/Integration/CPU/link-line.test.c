/* Runs the model `par` (link-line.test) once; with an argument, first asks
 * par_set_num_threads() for that many threads. */
#include "par.h"

#include <stdio.h>

int main(int argc, char **argv) {
  static float input[PAR_INPUT_0_ELEMENTS], output[PAR_OUTPUT_0_ELEMENTS];
  const float *inputs[] = {input};
  float *outputs[] = {output};
  par_context *context;
  int status;
  if (argc > 1) {
    int threads = atoi(argv[1]);
    status = par_set_num_threads(threads);
    printf("set_num_threads(%d): %s\n", threads, se_status_string(status));
    if (status != SE_OK)
      return 0;
  }
  status = par_create(&context);
  if (status == SE_OK) {
    status = par_run(context, inputs, outputs);
    par_destroy(context);
  }
  printf("threads %d, run: %s\n", par_num_threads, se_status_string(status));
  return status;
}
