/* Helpers shared by the single-kernel benchmarks of bench/nn (bench_bwdw, bench_conv1d): a
 * oneDNN status check that exits, process CPU time, and a deterministic fill. Define
 * BENCH_NAME (the program's name, for the error line) before including. */
#ifndef LIEREG_BENCH_NN_UTIL_H
#define LIEREG_BENCH_NN_UTIL_H

#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CK(x)                                                                                                          \
  do {                                                                                                                 \
    if ((x) != dnnl_success) {                                                                                         \
      fprintf(stderr, BENCH_NAME ": %s failed\n", #x);                                                                 \
      exit(1);                                                                                                         \
    }                                                                                                                  \
  } while (0)

static inline double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* values in [-0.5, 0.5) from a linear congruential sequence: the same inputs on every run */
static inline void fill(float *a, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
  }
}

#endif
