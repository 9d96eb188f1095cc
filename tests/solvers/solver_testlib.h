/* Shared by the 1D solver tests. */
#ifndef SOLVER_TESTLIB_H
#define SOLVER_TESTLIB_H
#include "lie_test.h"

/* A solver configured from the options database, set up; the test fails on error. */
static inline lie_solver1d make(lie_ctx ctx, lie_pde pde) {
  lie_solver1d s;
  LIE_TEST_CALL(lie_solver1d_create(ctx, pde, &s));
  LIE_TEST_CALL(lie_solver1d_set_from_options(s));
  LIE_TEST_CALL(lie_solver1d_setup(s));
  return s;
}
#endif
