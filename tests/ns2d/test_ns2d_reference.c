/* Cross-check against an independent NumPy implementation of PDEArena's PhiFlow step
 * (tests/ns2d/make_reference.py -> ns2d_reference.txt, committed): 12 x 10 cells on a 6 x 5
 * domain (non-square, so swapped axes show), analytic smoke and velocity, b = 0.4, 3 steps,
 * box and periodic. The NumPy code samples both staggered components generically, uses
 * padded/rolled stencils and a dense least-squares pressure solve; agreement to 1e-9 checks
 * the MAC indexing, wall handling, buoyancy placement and projection of the C solver. */
#include "ns2d_test_util.h"

#include <string.h>

enum { NX = 12, NY = 10 };
static const double LX = 6.0, LY = 5.0;

static double s0(double x, double y, void *a) {
  return 1.0 + sin(2 * M_PI * x / LX) * cos(2 * M_PI * y / LY) + 0.2 * cos(4 * M_PI * x / LX);
}
static double u0(double x, double y, void *a) {
  return 0.8 * sin(2 * M_PI * x / LX) * cos(2 * M_PI * y / LY) + 0.3 * sin(2 * M_PI * y / LY);
}
static double v0(double x, double y, void *a) {
  return -0.6 * cos(2 * M_PI * x / LX) * sin(2 * M_PI * y / LY) + 0.25 * cos(2 * M_PI * x / LX);
}

/* Reads the line "<bc> <name> v0 v1 ..." into a (NX*NY values). */
static int read_ref(const char *path, const char *bc, const char *name, double *a) {
  FILE *f = fopen(path, "r");
  char tag1[32], tag2[32];
  int found = 0;
  if (!f) return 0;
  while (!found && fscanf(f, "%31s", tag1) == 1) {
    if (tag1[0] == '#') {
      int c;
      while ((c = fgetc(f)) != '\n' && c != EOF) {
      }
      continue;
    }
    if (fscanf(f, "%31s", tag2) != 1) break;
    int match = !strcmp(tag1, bc) && !strcmp(tag2, name);
    for (int k = 0; k < NX * NY; k++) {
      double x;
      if (fscanf(f, "%lf", &x) != 1) {
        fclose(f);
        return 0;
      }
      if (match) a[k] = x;
    }
    found = match;
  }
  fclose(f);
  return found;
}

static void compare(lie_ctx ctx, const char *path, lie_ns2d_bc bc, lie_ns2d_pc pc) {
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  p.nx = NX;
  p.ny = NY;
  p.Lx = LX;
  p.Ly = LY;
  p.dt = 0.5;
  p.nu = 0.05;
  p.bc = bc;
  p.pressure_pc = pc;
  p.ranks_per_traj = 0;
  lie_ns2d ns = ns2d_test_make(ctx, &p);
  Vec u, v, s;
  lie_ns2d_get_fields(ns, NULL, &u, &v, &s, NULL);
  ns2d_test_set(ns, s, 0.5, 0.5, s0, NULL);
  ns2d_test_set(ns, u, 0.0, 0.5, u0, NULL);
  ns2d_test_set(ns, v, 0.5, 0.0, v0, NULL);
  if (bc == LIE_NS2D_BC_BOX) { /* wall faces */
    DM da;
    PetscScalar **a;
    PetscInt xs, ys, xm, ym;
    lie_ns2d_get_fields(ns, &da, NULL, NULL, NULL, NULL);
    DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL);
    DMDAVecGetArray(da, u, &a);
    for (PetscInt j = ys; j < ys + ym; j++)
      if (xs == 0) a[j][0] = 0.0;
    DMDAVecRestoreArray(da, u, &a);
    DMDAVecGetArray(da, v, &a);
    for (PetscInt i = xs; i < xs + xm; i++)
      if (ys == 0) a[0][i] = 0.0;
    DMDAVecRestoreArray(da, v, &a);
  }
  lie_ns2d_set_buoyancy(ns, 0.4);
  for (int k = 0; k < 3; k++) {
    int ok;
    LIE_TEST_CALL(lie_ns2d_step(ns, &ok));
  }
  const char *bcn = bc == LIE_NS2D_BC_BOX ? "box" : "periodic", *names[3] = {"s", "u", "v"},
             *pcn[] = {"mg", "amg", "fft"};
  Vec f[3] = {s, u, v};
  double got[NX * NY], want[NX * NY];
  for (int k = 0; k < 3; k++) {
    char what[128];
    LIE_TEST_CALL(lie_ns2d_gather_xy(ns, f[k], got));
    snprintf(what, sizeof what, "reference file has %s/%s", bcn, names[k]);
    int have = read_ref(path, bcn, names[k], want);
    LIE_TEST_TRUE(have, what);
    double m = 0, scale = 0;
    for (int q = 0; have && q < NX * NY; q++) {
      m = lie_test_max(m, fabs(got[q] - want[q]));
      scale = lie_test_max(scale, fabs(want[q]));
    }
    snprintf(what, sizeof what, "%s (%s pc): max |%s - NumPy PhiFlow reference| after 3 steps (scale %.2f)", bcn,
             pcn[pc], names[k], scale);
    LIE_TEST_LE(m, 1e-9, what);
  }
  lie_ns2d_destroy(&ns);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_TRUE(argc > 1, "reference file given");
  if (argc > 1) {
    compare(ctx, argv[1], LIE_NS2D_BC_BOX, LIE_NS2D_PC_MG);
    compare(ctx, argv[1], LIE_NS2D_BC_PERIODIC, LIE_NS2D_PC_MG);
    compare(ctx, argv[1], LIE_NS2D_BC_BOX, LIE_NS2D_PC_FFT);
  }
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
