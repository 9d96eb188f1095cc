/* 2D Navier–Stokes: discrete MAC operators — the Laplacian matrices (pressure and implicit
 * diffusion), the divergence, and diagnostics built on them. */
#include "solvers/ns2d_impl.h"

#include <stdlib.h>

/* A = shift I - coef L on the points of `loc`, with the boundary treatment PhiFlow uses:
 *  - cells (pressure): homogeneous Neumann in the box (missing neighbours drop out), so
 *    the constant is the null space;
 *  - faces (velocity components): zero extrapolation (ghost values 0), wall faces are
 *    identity rows held at zero and their columns are dropped, which keeps A symmetric. */
int lie_ns2d_assemble(lie_ns2d ns, Mat A, lie_ns2d_loc loc, double shift, double coef) {
  int nx = ns->par.nx, ny = ns->par.ny, periodic = ns->par.bc == LIE_NS2D_BC_PERIODIC;
  const int di[4] = {-1, 1, 0, 0}, dj[4] = {0, 0, -1, 1};
  const double h2[4] = {ns->dx * ns->dx, ns->dx * ns->dx, ns->dy * ns->dy, ns->dy * ns->dy};
  LIE_PETSC(MatZeroEntries(A));
  for (PetscInt j = ns->ys; j < ns->ys + ns->ym; j++)
    for (PetscInt i = ns->xs; i < ns->xs + ns->xm; i++) {
      MatStencil row = {.i = i, .j = j}, col[5];
      PetscScalar val[5];
      int nc = 1;
      col[0] = row;
      val[0] = shift;
      if (lie_ns2d_is_wall(ns, loc, (int)i, (int)j)) {
        val[0] = 1.0;
        LIE_PETSC(MatSetValuesStencil(A, 1, &row, 1, col, val, INSERT_VALUES));
        continue;
      }
      for (int d = 0; d < 4; d++) {
        int in = (int)i + di[d], jn = (int)j + dj[d];
        int inside = periodic || (in >= 0 && in < nx && jn >= 0 && jn < ny);
        if (!inside && loc == LIE_NS2D_CELL) continue; /* Neumann: no flux through the wall */
        val[0] += coef / h2[d];
        if (!inside || lie_ns2d_is_wall(ns, loc, in, jn)) continue; /* neighbour is a known zero */
        col[nc].i = in;
        col[nc].j = jn;
        val[nc] = -coef / h2[d];
        nc++;
      }
      LIE_PETSC(MatSetValuesStencil(A, 1, &row, nc, col, val, INSERT_VALUES));
    }
  LIE_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  LIE_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return LIE_OK;
}

/* Value of a face field from a ghosted local array, 0 outside the box (closed walls). */
static inline double face_at(lie_ns2d ns, PetscScalar **a, int i, int j) {
  if (ns->par.bc != LIE_NS2D_BC_PERIODIC && (i < 0 || i >= ns->par.nx || j < 0 || j >= ns->par.ny)) return 0.0;
  return a[j][i];
}

/* div(i,j) = (u(i+1,j) - u(i,j))/dx + (v(i,j+1) - v(i,j))/dy on the owned cells. */
int lie_ns2d_divergence_vec(lie_ns2d ns, Vec div) {
  PetscScalar **u, **v, **d;
  LIE_PETSC(DMGlobalToLocalBegin(ns->da, ns->u, INSERT_VALUES, ns->lu));
  LIE_PETSC(DMGlobalToLocalEnd(ns->da, ns->u, INSERT_VALUES, ns->lu));
  LIE_PETSC(DMGlobalToLocalBegin(ns->da, ns->v, INSERT_VALUES, ns->lv));
  LIE_PETSC(DMGlobalToLocalEnd(ns->da, ns->v, INSERT_VALUES, ns->lv));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->lu, &u));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->lv, &v));
  LIE_PETSC(DMDAVecGetArray(ns->da, div, &d));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++)
      d[j][i] = (face_at(ns, u, i + 1, j) - u[j][i]) / ns->dx + (face_at(ns, v, i, j + 1) - v[j][i]) / ns->dy;
  LIE_PETSC(DMDAVecRestoreArray(ns->da, div, &d));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->lv, &v));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->lu, &u));
  return LIE_OK;
}

int lie_ns2d_divergence(lie_ns2d ns, double *maxdiv, double *maxvel) {
  PetscReal nd, nu, nv;
  LIE_CALL(lie_ns2d_divergence_vec(ns, ns->w1));
  LIE_PETSC(VecNorm(ns->w1, NORM_INFINITY, &nd));
  LIE_PETSC(VecNorm(ns->u, NORM_INFINITY, &nu));
  LIE_PETSC(VecNorm(ns->v, NORM_INFINITY, &nv));
  if (maxdiv) *maxdiv = nd;
  if (maxvel) *maxvel = nu > nv ? nu : nv;
  return LIE_OK;
}

int lie_ns2d_line_flux(lie_ns2d ns, double *fx, double *fy) {
  int nx = ns->par.nx, ny = ns->par.ny;
  double *sx, *sy;
  const PetscScalar **u, **v;
  LIE_ALLOC(sx, nx + ny);
  sy = sx + nx;
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->u, &u));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->v, &v));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++) {
      sx[i] += u[j][i] * ns->dy;
      sy[j] += v[j][i] * ns->dx;
    }
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->v, &v));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->u, &u));
  int e = MPI_Allreduce(MPI_IN_PLACE, sx, nx + ny, MPI_DOUBLE, MPI_SUM, ns->gcomm);
  if (e != MPI_SUCCESS) free(sx);
  LIE_MPI(e);
  *fx = *fy = 0;
  for (int i = 0; i < nx; i++)
    *fx = fmax(*fx, fabs(sx[i]));
  for (int j = 0; j < ny; j++)
    *fy = fmax(*fy, fabs(sy[j]));
  free(sx);
  return LIE_OK;
}
