/* 2D Navier–Stokes: viscous diffusion of the face velocities.
 * Explicit (PhiFlow's diffuse.explicit, one substep): v += nu dt lap v with zero ghost
 * values outside the box; stable for nu dt (1/dx^2 + 1/dy^2) <= 1/2 (0.48 at PDEArena's
 * defaults, so a warning is printed above the limit).
 * Implicit option: (I - nu dt lap) v_new = v with KSP (options prefix -ns_diff_), same
 * stencil and boundary treatment, unconditionally stable. */
#include "solvers/ns2d_impl.h"

static int make_ksp(lie_ns2d ns, Mat H, KSP *ksp) {
  PC pc;
  LIE_PETSC(KSPCreate(ns->gcomm, ksp));
  char prefix[96];
  snprintf(prefix, sizeof prefix, "%sns_diff_", ns->prefix); /* -<prefix>ns_diff_ksp_type */
  LIE_PETSC(KSPSetOptionsPrefix(*ksp, prefix));
  LIE_PETSC(KSPSetOperators(*ksp, H, H));
  LIE_PETSC(KSPSetType(*ksp, KSPCG));
  LIE_PETSC(KSPGetPC(*ksp, &pc));
  LIE_PETSC(PCSetType(pc, PCJACOBI)); /* diagonally dominant: Jacobi-CG converges fast */
  LIE_PETSC(KSPSetNormType(*ksp, KSP_NORM_UNPRECONDITIONED));
  LIE_PETSC(KSPSetTolerances(*ksp, 1e-12, 1e-14, PETSC_DEFAULT, 1000));
  LIE_PETSC(KSPSetInitialGuessNonzero(*ksp, PETSC_TRUE));
  LIE_PETSC(KSPSetFromOptions(*ksp));
  LIE_PETSC(KSPSetUp(*ksp));
  return LIE_OK;
}

int lie_ns2d_diffuse_setup(lie_ns2d ns) {
  double c = ns->par.nu * ns->par.dt;
  if (ns->par.diffuse == LIE_NS2D_DIFFUSE_EXPLICIT && c * (1 / (ns->dx * ns->dx) + 1 / (ns->dy * ns->dy)) > 0.5)
    lie_log_warn(ns->ctx,
                 "ns2d: explicit diffusion is unstable: nu dt (1/dx^2 + 1/dy^2) = %g > 1/2; use -ns_diffuse implicit",
                 c * (1 / (ns->dx * ns->dx) + 1 / (ns->dy * ns->dy)));
  if (ns->par.diffuse != LIE_NS2D_DIFFUSE_IMPLICIT) return LIE_OK;
  LIE_PETSC(DMCreateMatrix(ns->da, &ns->Hu));
  LIE_PETSC(DMCreateMatrix(ns->da, &ns->Hv));
  LIE_CALL(lie_ns2d_assemble(ns, ns->Hu, LIE_NS2D_FACE_X, 1.0, c));
  LIE_CALL(lie_ns2d_assemble(ns, ns->Hv, LIE_NS2D_FACE_Y, 1.0, c));
  LIE_CALL(make_ksp(ns, ns->Hu, &ns->kspu));
  LIE_CALL(make_ksp(ns, ns->Hv, &ns->kspv));
  return LIE_OK;
}

static inline double at(lie_ns2d ns, PetscScalar **a, int i, int j) {
  if (ns->par.bc != LIE_NS2D_BC_PERIODIC && (i < 0 || i >= ns->par.nx || j < 0 || j >= ns->par.ny)) return 0.0;
  return a[j][i];
}

/* f += c lap f on the owned non-wall points of `loc`; `lf` is f's ghosted copy. */
static int explicit_one(lie_ns2d ns, Vec f, Vec lf, lie_ns2d_loc loc, double c) {
  PetscScalar **a, **o;
  const double cx = c / (ns->dx * ns->dx), cy = c / (ns->dy * ns->dy);
  LIE_PETSC(DMGlobalToLocalBegin(ns->da, f, INSERT_VALUES, lf));
  LIE_PETSC(DMGlobalToLocalEnd(ns->da, f, INSERT_VALUES, lf));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, lf, &a));
  LIE_PETSC(DMDAVecGetArray(ns->da, f, &o));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++) {
      if (lie_ns2d_is_wall(ns, loc, i, j)) continue;
      double a0 = a[j][i];
      o[j][i] = a0 + cx * (at(ns, a, i - 1, j) - 2 * a0 + at(ns, a, i + 1, j)) +
                cy * (at(ns, a, i, j - 1) - 2 * a0 + at(ns, a, i, j + 1));
    }
  LIE_PETSC(DMDAVecRestoreArray(ns->da, f, &o));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, lf, &a));
  return LIE_OK;
}

static int implicit_one(lie_ns2d ns, KSP ksp, Vec f, int *ok) {
  KSPConvergedReason reason;
  LIE_PETSC(VecCopy(f, ns->w2));
  LIE_PETSC(KSPSolve(ksp, ns->w2, f));
  LIE_PETSC(KSPGetConvergedReason(ksp, &reason));
  if (reason <= 0) *ok = 0;
  return LIE_OK;
}

int lie_ns2d_diffuse_step(lie_ns2d ns, int *ok) {
  double c = ns->par.nu * ns->par.dt;
  *ok = 1;
  if (c == 0.0 || ns->par.diffuse == LIE_NS2D_DIFFUSE_NONE) return LIE_OK;
  if (ns->par.diffuse == LIE_NS2D_DIFFUSE_IMPLICIT) {
    LIE_CALL(implicit_one(ns, ns->kspu, ns->u, ok));
    LIE_CALL(implicit_one(ns, ns->kspv, ns->v, ok));
    return LIE_OK;
  }
  LIE_CALL(explicit_one(ns, ns->u, ns->lu, LIE_NS2D_FACE_X, c));
  LIE_CALL(explicit_one(ns, ns->v, ns->lv, LIE_NS2D_FACE_Y, c));
  return LIE_OK;
}
