/* 2D Navier–Stokes: pressure projection. Solve -lap p = -div v* with PETSc KSP (CG
 * preconditioned by the exact FFT/DCT inverse by default, options prefix -ns_) and subtract grad p on the faces.
 * The Neumann (box) or periodic Laplacian is singular; its null space is the constant,
 * attached to the matrix so CG works in the complement. */
#include "solvers/ns2d_impl.h"

int lie_ns2d_project_setup(lie_ns2d ns) {
  PC pc;
  LIE_PETSC(DMCreateMatrix(ns->da, &ns->A));
  LIE_CALL(lie_ns2d_assemble(ns, ns->A, LIE_NS2D_CELL, 0.0, 1.0));
  LIE_PETSC(MatNullSpaceCreate(ns->gcomm, PETSC_TRUE, 0, NULL, &ns->nullsp));
  LIE_PETSC(MatSetNullSpace(ns->A, ns->nullsp));
  LIE_PETSC(MatSetTransposeNullSpace(ns->A, ns->nullsp));
  LIE_PETSC(MatSetOption(ns->A, MAT_SYMMETRIC, PETSC_TRUE));
  LIE_PETSC(KSPCreate(ns->gcomm, &ns->ksp));
  char prefix[96];
  snprintf(prefix, sizeof prefix, "%sns_", ns->prefix); /* -<prefix>ns_ksp_type */
  LIE_PETSC(KSPSetOptionsPrefix(ns->ksp, prefix));
  LIE_PETSC(KSPSetOperators(ns->ksp, ns->A, ns->A));
  LIE_PETSC(KSPSetType(ns->ksp, KSPCG));
  LIE_PETSC(KSPGetPC(ns->ksp, &pc));
  /* Algebraic multigrid: in the box hypre's BoomerAMG when PETSc has it (8 CG iterations to
   * 1e-12 at 128^2 against 18 for GAMG, 2.5x less time per solve), else PETSc's GAMG;
   * periodic always GAMG (BoomerAMG is an indefinite preconditioner for the singular
   * periodic Laplacian: CG stops with KSP_DIVERGED_INDEFINITE_PC). A cell-centred grid of
   * 128 cells does not coarsen with DMDA's vertex-centred PCMG. */
  int done = 0;
  if (ns->par.pressure_pc == LIE_NS2D_PC_FFT) {
    LIE_CALL(lie_ns2d_fftpc_setup(ns, pc));
    done = 1;
  } else if (ns->par.pressure_pc == LIE_NS2D_PC_MG) {
    LIE_CALL(lie_ns2d_mg_setup(ns, pc, &done));
  }
  if (!done) {
    LIE_PETSC(PCSetType(pc, PCGAMG));
#if defined(PETSC_HAVE_HYPRE)
    if (ns->par.bc == LIE_NS2D_BC_BOX) {
      LIE_PETSC(PCSetType(pc, PCHYPRE));
      LIE_PETSC(PCHYPRESetType(pc, "boomeramg"));
    }
#endif
  }
  /* The divergence left behind is exactly the residual, so the tolerance is on the
   * true (unpreconditioned) residual: ||div v|| <= rtol ||div v*|| + atol. The tight default
   * also makes results independent of the decomposition (different GAMG hierarchies). */
  LIE_PETSC(KSPSetNormType(ns->ksp, KSP_NORM_UNPRECONDITIONED));
  LIE_PETSC(KSPSetTolerances(ns->ksp, 1e-12, 1e-13, PETSC_DEFAULT, 500));
  /* The previous step's pressure is an excellent first guess. */
  LIE_PETSC(KSPSetInitialGuessNonzero(ns->ksp, PETSC_TRUE));
  LIE_PETSC(KSPSetFromOptions(ns->ksp));
  LIE_PETSC(KSPSetUp(ns->ksp));
  return LIE_OK;
}

/* v -= grad p on the owned non-wall faces. */
int lie_ns2d_subtract_gradient(lie_ns2d ns, Vec pg) {
  PetscScalar **p, **u, **v;
  LIE_PETSC(DMGlobalToLocalBegin(ns->da, pg, INSERT_VALUES, ns->lp));
  LIE_PETSC(DMGlobalToLocalEnd(ns->da, pg, INSERT_VALUES, ns->lp));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, ns->lp, &p));
  LIE_PETSC(DMDAVecGetArray(ns->da, ns->u, &u));
  LIE_PETSC(DMDAVecGetArray(ns->da, ns->v, &v));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++) {
      if (!lie_ns2d_is_wall(ns, LIE_NS2D_FACE_X, i, j)) u[j][i] -= (p[j][i] - p[j][i - 1]) / ns->dx;
      if (!lie_ns2d_is_wall(ns, LIE_NS2D_FACE_Y, i, j)) v[j][i] -= (p[j][i] - p[j - 1][i]) / ns->dy;
    }
  LIE_PETSC(DMDAVecRestoreArray(ns->da, ns->v, &v));
  LIE_PETSC(DMDAVecRestoreArray(ns->da, ns->u, &u));
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, ns->lp, &p));
  return LIE_OK;
}

int lie_ns2d_project(lie_ns2d ns, int *ok) {
  KSPConvergedReason reason;
  PetscInt its;
  Vec rhs = ns->w1;
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_project before setup");
  LIE_CALL(lie_ns2d_divergence_vec(ns, rhs));
  LIE_PETSC(VecScale(rhs, -1.0));
  /* Compatibility: the discrete divergence sums to zero up to rounding; remove that. */
  LIE_PETSC(MatNullSpaceRemove(ns->nullsp, rhs));
  /* Incremental: the old pressure gradient was already subtracted, solve for the change. */
  Vec target = ns->par.incremental ? ns->dp : ns->pres;
  LIE_PETSC(KSPSolve(ns->ksp, rhs, target));
  LIE_PETSC(KSPGetConvergedReason(ns->ksp, &reason));
  LIE_PETSC(KSPGetIterationNumber(ns->ksp, &its));
  ns->st.ksp_solves++;
  ns->st.ksp_its += its;
  *ok = reason > 0;
  if (!*ok)
    lie_log_warn(ns->ctx, "ns2d: pressure solve did not converge (reason %d after %d iterations)", (int)reason,
                 (int)its);
  LIE_CALL(lie_ns2d_subtract_gradient(ns, target));
  if (ns->par.incremental) LIE_PETSC(VecAXPY(ns->pres, 1.0, ns->dp));
  return LIE_OK;
}

int lie_ns2d_pressure_init(lie_ns2d ns) {
  int ok, inc = ns->par.incremental;
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_pressure_init before setup");
  LIE_PETSC(VecCopy(ns->u, ns->w2));
  LIE_PETSC(VecCopy(ns->v, ns->w3));
  LIE_PETSC(VecSet(ns->u, 0.0));
  LIE_PETSC(VecSet(ns->v, 0.0));
  LIE_CALL(lie_ns2d_buoyancy(ns, ns->s, ns->par.dt));
  ns->par.incremental = 0;
  int e = lie_ns2d_project(ns, &ok);
  ns->par.incremental = inc;
  LIE_CALL(e);
  LIE_CHECK(ok, LIE_ERR_NUMERIC, "ns2d: initial pressure solve did not converge");
  LIE_PETSC(VecCopy(ns->w2, ns->u));
  LIE_PETSC(VecCopy(ns->w3, ns->v));
  return LIE_OK;
}
