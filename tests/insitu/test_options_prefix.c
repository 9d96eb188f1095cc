/* PETSc manners (issue 14): a solver with an options prefix reads only -<prefix>name, so a
 * host's own -nx / -ts_type cannot reach it (and the reverse). */
#include "lie_test.h"

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_solver1d s, plain;
  int nx, nt, nsave, start, nw;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-nx", "512"));       /* the host's */
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_nx", "64")); /* liereg's */
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_burgers_T", "5"));
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_CALL(lie_solver1d_create(ctx, LIE_PDE_BURGERS, &s));
  LIE_TEST_CALL(lie_solver1d_set_options_prefix(s, "liereg_"));
  LIE_TEST_CALL(lie_solver1d_set_from_options(s));
  LIE_TEST_CALL(lie_solver1d_setup(s));
  LIE_TEST_CALL(lie_solver1d_get_sizes(s, &nx, &nt, &nsave, &start, &nw));
  printf("prefixed solver: nx %d\n", nx);
  LIE_TEST_TRUE(nx == 64, "prefix liereg_: reads -liereg_nx 64, not the host's -nx 512");
  LIE_TEST_CALL(lie_solver1d_create(ctx, LIE_PDE_BURGERS, &plain));
  LIE_TEST_CALL(lie_solver1d_set_from_options(plain));
  LIE_TEST_CALL(lie_solver1d_setup(plain));
  LIE_TEST_CALL(lie_solver1d_get_sizes(plain, &nx, &nt, &nsave, &start, &nw));
  LIE_TEST_TRUE(nx == 512, "no prefix: reads -nx 512 (the CLI's behaviour is unchanged)");
  LIE_TEST_TRUE(lie_solver1d_set_options_prefix(s, "-bad_") == LIE_ERR_ARG, "a prefix with a leading '-' is refused");
  lie_error_clear();
  /* Navier-Stokes: -liereg_ns_nx and the projection KSP's -liereg_ns_ksp_rtol */
  lie_ns2d ns;
  lie_ns2d_opts np;
  PetscCall(PetscOptionsSetValue(NULL, "-ns_nx", "64"));
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_ns_nx", "16"));
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_ns_ny", "16"));
  PetscCall(PetscOptionsSetValue(NULL, "-liereg_ns_ksp_rtol", "1e-3"));
  LIE_TEST_CALL(lie_ns2d_create(ctx, &ns));
  LIE_TEST_CALL(lie_ns2d_set_options_prefix(ns, "liereg_"));
  LIE_TEST_CALL(lie_ns2d_set_from_options(ns));
  LIE_TEST_CALL(lie_ns2d_get_opts(ns, &np));
  LIE_TEST_TRUE(np.nx == 16 && np.ny == 16, "NS prefix liereg_: -liereg_ns_nx 16, not the host's -ns_nx 64");
  PetscBool used; /* PetscOptionsUsed takes the name without its '-' */
  PetscCall(PetscOptionsUsed(NULL, "liereg_ns_ksp_rtol", &used));
  LIE_TEST_TRUE(used, "NS prefix liereg_: the projection KSP reads -liereg_ns_ksp_rtol");
  LIE_TEST_CALL(lie_ns2d_destroy(&ns));
  lie_error_clear();
  LIE_TEST_CALL(lie_solver1d_destroy(&s));
  LIE_TEST_CALL(lie_solver1d_destroy(&plain));
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
