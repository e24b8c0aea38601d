/* Runs a model compiled as `se-compile --profile -o profiled.o` twice and
 * prints what its profile counters say, through the C header alone. */
#include "profiled.h"

#include <stdio.h>
#include <string.h>

int main(void) {
  static float input[PROFILED_INPUT_0_ELEMENTS],
      output[PROFILED_OUTPUT_0_ELEMENTS];
  profiled_context *context;
  int status = profiled_create(&context);
  if (status != SE_OK)
    return 1;
  const float *inputs[] = {input};
  float *outputs[] = {output};
  for (int run = 0; run < 2 && status == SE_OK; ++run)
    status = profiled_run(context, inputs, outputs);
  profiled_destroy(context);

  int layers = 0, timed = 0;
  for (const char *line = profiled_profile_layers; *line;
       line = strchr(line, '\n') + 1, ++layers)
    ;
  for (int layer = 0; layer < layers; ++layer)
    timed += profiled_profile_ns[layer] > 0;
  printf("runs=%lld layers=%d timed=%d\n",
         (long long)profiled_profile_ns[layers], layers, timed);
  return status;
}
