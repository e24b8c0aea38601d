/*===- Threads.h - thread counts of compiled models --------------*- C -*-===*\
|*                                                                            *|
|* A model compiled by se-compile without --threads runs its parallel loops *|
|* on OpenMP's default team size (OMP_NUM_THREADS, else the CPUs the process *|
|* may run on), one compiled with --threads=N on N threads; SE_NUM_THREADS,   *|
|* se-run --threads and the generated <name>_set_num_threads() change the    *|
|* count at run time, up to SE_MAX_THREADS. --threads=1 builds serial code.  *|
|*                                                                            *|
|* Header-only C: the generated header of every compiled model carries a     *|
|* copy, and se-run and the compiler include it.                              *|
\*===----------------------------------------------------------------------===*/

#ifndef SE_RUNTIME_THREADS_H
#define SE_RUNTIME_THREADS_H

#include <errno.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most threads a model runs on (compile time and run time). */
#define SE_MAX_THREADS 1024

/* The thread count that `text` (e.g. getenv("SE_NUM_THREADS")) asks for:
 * a decimal integer from 1 to SE_MAX_THREADS; 0 for anything else (no text,
 * not a number, out of range). */
static inline int se_parse_thread_count(const char *text) {
  char *end;
  long value;
  if (!text || !*text)
    return 0;
  errno = 0;
  value = strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || value < 1 || value > SE_MAX_THREADS)
    return 0;
  return (int)value;
}

#ifdef __cplusplus
}
#endif

#endif /* SE_RUNTIME_THREADS_H */
