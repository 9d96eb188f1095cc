/* Helpers shared by the ns2d tests: build a solver from parameters, set face fields from
 * a function, compare with one. */
#ifndef NS2D_TEST_UTIL_H
#define NS2D_TEST_UTIL_H
#include "lie_test.h"

static inline lie_ns2d ns2d_test_make(lie_ctx ctx, const lie_ns2d_opts *p) {
  lie_ns2d ns;
  LIE_TEST_CALL(lie_ns2d_create(ctx, &ns));
  LIE_TEST_CALL(lie_ns2d_set_opts(ns, p));
  LIE_TEST_CALL(lie_ns2d_setup(ns));
  return ns;
}

typedef double (*ns2d_fn)(double x, double y, void *arg);

/* f(i,j) = fn(position of point (i,j) at offset (ox, oy) cells). */
static inline void ns2d_test_set(lie_ns2d ns, Vec f, double ox, double oy, ns2d_fn fn, void *arg) {
  DM da;
  lie_ns2d_opts p;
  PetscScalar **a;
  PetscInt xs, ys, xm, ym;
  lie_ns2d_get_opts(ns, &p);
  lie_ns2d_get_fields(ns, &da, NULL, NULL, NULL, NULL);
  DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL);
  DMDAVecGetArray(da, f, &a);
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++)
      a[j][i] = fn((i + ox) * p.Lx / p.nx, (j + oy) * p.Ly / p.ny, arg);
  DMDAVecRestoreArray(da, f, &a);
}

/* Sum over the owned points of (f - fn)^2 and fn^2, reduced over the group. */
static inline void ns2d_test_err(lie_ns2d ns, Vec f, double ox, double oy, ns2d_fn fn, void *arg, double *e2,
                                 double *n2) {
  DM da;
  lie_ns2d_opts p;
  const PetscScalar **a;
  PetscInt xs, ys, xm, ym;
  MPI_Comm g;
  double s[2] = {0, 0};
  lie_ns2d_get_opts(ns, &p);
  lie_ns2d_get_fields(ns, &da, NULL, NULL, NULL, NULL);
  lie_ns2d_get_group(ns, &g, NULL, NULL);
  DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL);
  DMDAVecGetArrayRead(da, f, &a);
  for (PetscInt j = ys; j < ys + ym; j++)
    for (PetscInt i = xs; i < xs + xm; i++) {
      double w = fn((i + ox) * p.Lx / p.nx, (j + oy) * p.Ly / p.ny, arg);
      s[0] += (a[j][i] - w) * (a[j][i] - w);
      s[1] += w * w;
    }
  DMDAVecRestoreArrayRead(da, f, &a);
  MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, g);
  *e2 += s[0];
  *n2 += s[1];
}
#endif
