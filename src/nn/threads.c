/* Thread count per rank: OpenMP threads, which oneDNN (OpenMP runtime) also uses. */
#define _GNU_SOURCE
#include "liereg/nn.h"

#include <sched.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int lie_nn_cores_available(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  int n = CPU_COUNT(&set);
  return n > 0 ? n : 1;
}

/* OpenBLAS (Debian's pthreads build) keeps its worker threads spinning for a while after
 * each call; in a training step they compete with the OpenMP threads (oneDNN) for the same
 * cores right after the small BLAS calls of the loss (VICReg's covariance), measured 7 % of
 * the CPU time of a 1D step. So BLAS runs on the calling thread. Weak: any other BLAS. */
extern void openblas_set_num_threads(int) __attribute__((weak));

int lie_nn_threads_enter(int n) {
  int saved = 1;
#ifdef _OPENMP
  saved = omp_get_max_threads();
#endif
  lie_nn_set_threads(n);
  return saved;
}

int lie_nn_set_threads(int n) {
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  if (n <= 0) n = lie_nn_cores_available();
  LIE_CHECK(n <= 1024, LIE_ERR_USAGE, "-threads %d is too many", n);
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  return LIE_OK;
}
