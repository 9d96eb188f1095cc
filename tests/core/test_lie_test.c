/* Self-test of the test helpers (issue 11, item 10): a comparison fed NaN must fail.
 * fmax drops NaN (fmax(0, NaN) = 0), so a max difference accumulated with it scores an
 * all-NaN result as 0 and passes; lie_test_max / lie_test_allmax must propagate it. */
#include "lie_test.h"

/* Runs one assertion macro on a copy of the failure counter: 1 if it counted a failure. */
#define COUNTS_FAILURE(stmt)                                                                                           \
  ({                                                                                                                   \
    int before_ = lie_test_failures;                                                                                   \
    stmt;                                                                                                              \
    int failed_ = lie_test_failures > before_;                                                                         \
    lie_test_failures = before_;                                                                                       \
    failed_;                                                                                                           \
  })

static double max_abs_diff(const double *a, const double *b, int n) {
  double m = 0;
  for (int i = 0; i < n; i++)
    m = lie_test_max(m, fabs(a[i] - b[i]));
  return m;
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  double got[4] = {1, NAN, 3, 4}, want[4] = {1, 2, 3, 4}, allnan[4] = {NAN, NAN, NAN, NAN};

  LIE_TEST_TRUE(fmax(0.0, NAN) == 0.0, "control: fmax drops NaN (why the helper exists)");
  LIE_TEST_TRUE(isnan(lie_test_max(0.0, NAN)) && isnan(lie_test_max(NAN, 5.0)), "lie_test_max propagates NaN");
  LIE_TEST_TRUE(isnan(lie_test_maxf(0.0f, NAN)) && isnan(lie_test_maxf(NAN, 5.0f)), "lie_test_maxf propagates NaN");
  LIE_TEST_TRUE(lie_test_max(2.0, 3.0) == 3.0 && lie_test_max(3.0, -1.0) == 3.0, "lie_test_max of numbers");
  LIE_TEST_TRUE(isnan(max_abs_diff(got, want, 4)), "a NaN in the middle survives later finite values");
  LIE_TEST_TRUE(COUNTS_FAILURE(LIE_TEST_LE(max_abs_diff(allnan, want, 4), 1e-12, "(expected to fail)")),
                "LIE_TEST_LE fails on an all-NaN result");
  LIE_TEST_TRUE(COUNTS_FAILURE(LIE_TEST_NEAR(NAN, 1.0, 1e-3, "(expected to fail)")), "LIE_TEST_NEAR fails on NaN");
  LIE_TEST_TRUE(COUNTS_FAILURE(LIE_TEST_LE(INFINITY, 1.0, "(expected to fail)")), "LIE_TEST_LE fails on Inf");
  /* Only the last rank holds NaN: every rank must see it. */
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  double v = rank == size - 1 ? NAN : (double)rank;
  LIE_TEST_TRUE(isnan(lie_test_allmax(v, PETSC_COMM_WORLD)), "lie_test_allmax propagates one rank's NaN");
  LIE_TEST_TRUE(lie_test_allmax((double)rank, PETSC_COMM_WORLD) == size - 1, "lie_test_allmax of numbers");
  return lie_test_finish();
}
