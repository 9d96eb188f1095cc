/* The default pressure solver is the exact FFT/DCT preconditioner, and it gives the multigrid
 * solution to the solve tolerance: box (DCT-II) and periodic (DFT), on a non-square grid with
 * dx != dy (the transforms are separable, so they stay exact there). One group over all ranks
 * (the FFT path then gathers the right-hand side). Also checks that CG needs at most two
 * iterations per solve with it, i.e. that the preconditioner really is the inverse. */
#include "ns2d_test_util.h"

enum { NX = 48, NY = 32, STEPS = 10 };

/* Smoke, u and v after STEPS steps of trajectory `seed`, gathered on every rank. */
static void run(lie_ctx ctx, lie_ns2d_bc bc, lie_ns2d_pc pc, double *out, double *its_per_solve) {
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  p.nx = NX, p.ny = NY, p.Lx = 24.0, p.Ly = 32.0; /* dx = 0.5, dy = 1 */
  p.nsteps = STEPS, p.nskip = 0, p.ranks_per_traj = 0;
  p.bc = bc;
  p.pressure_pc = pc;
  lie_ns2d ns = ns2d_test_make(ctx, &p);
  double b;
  LIE_TEST_CALL(lie_ns2d_init(ns, 77, &b));
  lie_ns2d_reset_stats(ns);
  for (int k = 0; k < STEPS; k++) {
    int ok;
    LIE_TEST_CALL(lie_ns2d_step(ns, &ok));
    LIE_TEST_TRUE(ok, "step converged");
  }
  Vec u, v, s;
  lie_ns2d_get_fields(ns, NULL, &u, &v, &s, NULL);
  LIE_TEST_CALL(lie_ns2d_gather_xy(ns, s, out));
  LIE_TEST_CALL(lie_ns2d_gather_xy(ns, u, out + NX * NY));
  LIE_TEST_CALL(lie_ns2d_gather_xy(ns, v, out + 2 * NX * NY));
  lie_ns2d_stats st;
  LIE_TEST_CALL(lie_ns2d_get_stats(ns, &st));
  *its_per_solve = st.ksp_solves ? (double)st.ksp_its / st.ksp_solves : NAN;
  lie_ns2d_destroy(&ns);
}

static void compare(lie_ctx ctx, lie_ns2d_bc bc) {
  const char *bn = bc == LIE_NS2D_BC_BOX ? "box" : "periodic";
  double *a = malloc(sizeof(double) * 3 * NX * NY), *m = malloc(sizeof(double) * 3 * NX * NY);
  double its_fft, its_mg, diff = 0, scale = 0;
  char what[160];
  run(ctx, bc, LIE_NS2D_PC_FFT, a, &its_fft);
  run(ctx, bc, LIE_NS2D_PC_MG, m, &its_mg);
  for (int k = 0; k < 3 * NX * NY; k++) {
    diff = lie_test_max(diff, fabs(a[k] - m[k]));
    scale = lie_test_max(scale, fabs(m[k]));
  }
  snprintf(what, sizeof what, "%s %dx%d, %d ranks: max |fft - mg| of s, u, v relative to max |field|", bn, NX, NY,
           lie_ctx_size(ctx));
  LIE_TEST_LE(diff / scale, 1e-9, what);
  LIE_TEST_LE(1e-3, scale, "the fields are not trivially zero (the comparison can fail)");
  snprintf(what, sizeof what, "%s: CG iterations per solve with the FFT preconditioner (mg: %.1f)", bn, its_mg);
  LIE_TEST_LE(its_fft, 2.0, what);
  free(a);
  free(m);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  LIE_TEST_TRUE(p.pressure_pc == LIE_NS2D_PC_FFT, "default pressure preconditioner is fft");
  compare(ctx, LIE_NS2D_BC_BOX);
  compare(ctx, LIE_NS2D_BC_PERIODIC);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
