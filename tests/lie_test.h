/* Minimal assertion helpers for liereg tests: every check prints what it compared, and
 * any failure makes the test exit non-zero. */
#ifndef LIE_TEST_H
#define LIE_TEST_H
#include "liereg/liereg.h"
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>

static int lie_test_failures = 0;

/* max(m, v) that propagates NaN: accumulate max differences with it, never with fmax (which
 * drops NaN, so an all-NaN result would score 0 and pass). Once NaN, always NaN, and every
 * `<=` comparison of it fails. */
static inline double lie_test_max(double m, double v) { return (m != m || v != v) ? NAN : (v > m ? v : m); }
static inline float lie_test_maxf(float m, float v) { return (m != m || v != v) ? NAN : (v > m ? v : m); }

/* Max over the ranks of comm that propagates NaN (MPI_MAX's result with NaN operands is
 * unspecified; Open MPI's drops them). */
static inline double lie_test_allmax(double v, MPI_Comm comm) {
  double r[2] = {v != v ? -INFINITY : v, v != v ? 1.0 : 0.0};
  MPI_Allreduce(MPI_IN_PLACE, r, 2, MPI_DOUBLE, MPI_MAX, comm);
  return r[1] > 0 ? NAN : r[0];
}

/* |got - want| <= tol */
#define LIE_TEST_NEAR(got, want, tol, what)                                                                            \
  do {                                                                                                                 \
    double g_ = (got), w_ = (want), t_ = (tol);                                                                        \
    int ok_ = fabs(g_ - w_) <= t_;                                                                                     \
    printf("%s %s: got %.6e want %.6e (tol %.1e)\n", ok_ ? "ok  " : "FAIL", (what), g_, w_, t_);                       \
    if (!ok_) lie_test_failures++;                                                                                     \
  } while (0)

/* value <= bound */
#define LIE_TEST_LE(val, bound, what)                                                                                  \
  do {                                                                                                                 \
    double v_ = (val), b_ = (bound);                                                                                   \
    int ok_ = v_ <= b_;                                                                                                \
    printf("%s %s: %.6e <= %.6e\n", ok_ ? "ok  " : "FAIL", (what), v_, b_);                                            \
    if (!ok_) lie_test_failures++;                                                                                     \
  } while (0)

#define LIE_TEST_TRUE(cond, what)                                                                                      \
  do {                                                                                                                 \
    int ok_ = !!(cond);                                                                                                \
    printf("%s %s\n", ok_ ? "ok  " : "FAIL", (what));                                                                  \
    if (!ok_) lie_test_failures++;                                                                                     \
  } while (0)

/* A liereg call that must succeed inside a test's main(). */
#define LIE_TEST_CALL(x)                                                                                               \
  do {                                                                                                                 \
    int e_ = (x);                                                                                                      \
    if (e_) {                                                                                                          \
      lie_error_print(stderr, 0, 0.0, 1);                                                                              \
      printf("FAIL %s returned %d\n", #x, e_);                                                                         \
      exit(1);                                                                                                         \
    }                                                                                                                  \
  } while (0)

/* Ends a test: prints a summary, finalises PETSc, returns the exit status. Failures on
 * any rank fail the test on every rank. */
static inline int lie_test_finish(void) {
  int any = 0;
  MPI_Allreduce(&lie_test_failures, &any, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0) printf("%s: %d failure(s)\n", any ? "FAILED" : "PASSED", any);
  PetscFinalize();
  return any ? 1 : 0;
}
#endif
