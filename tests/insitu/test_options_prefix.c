/* PETSc manners (issue 14): a solver with an options prefix reads only -<prefix>name, so a
 * host's own -nx / -ts_type cannot reach it (and the reverse). */
#include "lie_test.h"

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_solver1d s, plain;
  int nx, nt, ns, start, nw;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-nx", "512"));       /* the host's */
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_nx", "64")); /* liereg's */
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_burgers_T", "5"));
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_CALL(lie_solver1d_create(ctx, LIE_PDE_BURGERS, &s));
  LIE_TEST_CALL(lie_solver1d_set_options_prefix(s, "liereg_"));
  LIE_TEST_CALL(lie_solver1d_set_from_options(s));
  LIE_TEST_CALL(lie_solver1d_setup(s));
  LIE_TEST_CALL(lie_solver1d_get_sizes(s, &nx, &nt, &ns, &start, &nw));
  printf("prefixed solver: nx %d\n", nx);
  LIE_TEST_TRUE(nx == 64, "prefix liereg_: reads -liereg_nx 64, not the host's -nx 512");
  LIE_TEST_CALL(lie_solver1d_create(ctx, LIE_PDE_BURGERS, &plain));
  LIE_TEST_CALL(lie_solver1d_set_from_options(plain));
  LIE_TEST_CALL(lie_solver1d_setup(plain));
  LIE_TEST_CALL(lie_solver1d_get_sizes(plain, &nx, &nt, &ns, &start, &nw));
  LIE_TEST_TRUE(nx == 512, "no prefix: reads -nx 512 (the CLI's behaviour is unchanged)");
  LIE_TEST_TRUE(lie_solver1d_set_options_prefix(s, "-bad_") == LIE_ERR_ARG, "a prefix with a leading '-' is refused");
  lie_error_clear();
  LIE_TEST_CALL(lie_solver1d_destroy(&s));
  LIE_TEST_CALL(lie_solver1d_destroy(&plain));
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
