/* 2D Navier–Stokes: buoyancy. PhiFlow's (smoke * (0, b)).at(velocity) resamples the
 * cell-centred force onto the faces: zero on the x-faces, b times the mean of the two cells
 * sharing a y-face. Wall faces are not stored (they stay zero). */
#include "solvers/ns2d_impl.h"

/* v(i,j) += scale * b * (s(i,j-1) + s(i,j)) / 2 on the owned interior y-faces. */
int lie_ns2d_buoyancy(lie_ns2d ns, Vec s, double scale) {
  PetscScalar **sl, **v;
  const double f = 0.5 * scale * ns->b;
  if (f == 0.0) return LIE_OK;
  LIE_PETSC(DMGlobalToLocalBegin(ns->da, s, INSERT_VALUES, ns->ls));
  LIE_PETSC(DMGlobalToLocalEnd(ns->da, s, INSERT_VALUES, ns->ls));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->ls, &sl));
  LIE_PETSC(DMDAVecGetArray(ns->da, ns->v, &v));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++)
      if (!lie_ns2d_is_wall(ns, LIE_NS2D_FACE_Y, i, j)) v[j][i] += f * (sl[j - 1][i] + sl[j][i]);
  LIE_PETSC(DMDAVecRestoreArray(ns->da, ns->v, &v));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->ls, &sl));
  return LIE_OK;
}
