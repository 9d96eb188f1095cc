/* 2D Navier–Stokes: geometric multigrid for the pressure Poisson problem on the DMDA.
 * Cell-centred hierarchy nx -> nx/2 -> ... (>= 4 cells a side) on DMDAs over the same
 * group; bilinear cell-centred prolongation (weights 9/16, 3/16, 3/16, 1/16 from the four
 * nearest coarse cells; Neumann walls reflect onto the parent cell, periodic wraps),
 * restriction = its transpose, Galerkin coarse operators (PtAP), so the null space (the
 * constant) is inherited exactly. The coarsest (singular) problem is solved by a
 * pseudo-inverse (PCSVD, redundantly on each rank). DMDA's own coarsening is vertex-centred
 * (a non-periodic 128-cell grid does not coarsen) and its Q0 interpolation is too weak
 * (31 CG iterations against 6 here), hence the explicit interpolation. */
#include "solvers/ns2d_impl.h"

#include <stdlib.h>

static inline int wrap_or_clamp(int k, int n, int periodic, int parent) {
  if (k >= 0 && k < n) return k;
  return periodic ? (k + n) % n : parent;
}

/* P: fine (daf) <- coarse (dac). Rows and columns in PETSc ordering via the DMDA AOs. */
static int interpolation(lie_ns2d ns, DM daf, DM dac, Mat *P) {
  PetscInt Mf, Nf, Mc, Nc, xs, ys, xm, ym, mf, mc;
  AO aof, aoc;
  int periodic = ns->par.bc == LIE_NS2D_BC_PERIODIC;
  Vec gf, gc;
  LIE_PETSC(DMDAGetInfo(daf, NULL, &Mf, &Nf, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  LIE_PETSC(DMDAGetInfo(dac, NULL, &Mc, &Nc, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  LIE_PETSC(DMDAGetCorners(daf, &xs, &ys, NULL, &xm, &ym, NULL));
  LIE_PETSC(DMGetGlobalVector(daf, &gf));
  LIE_PETSC(DMGetGlobalVector(dac, &gc));
  LIE_PETSC(VecGetLocalSize(gf, &mf));
  LIE_PETSC(VecGetLocalSize(gc, &mc));
  LIE_PETSC(DMRestoreGlobalVector(daf, &gf));
  LIE_PETSC(DMRestoreGlobalVector(dac, &gc));
  LIE_PETSC(DMDAGetAO(daf, &aof));
  LIE_PETSC(DMDAGetAO(dac, &aoc));
  LIE_PETSC(MatCreateAIJ(ns->gcomm, mf, mc, PETSC_DETERMINE, PETSC_DETERMINE, 4, NULL, 4, NULL, P));
  for (PetscInt fj = ys; fj < ys + ym; fj++)
    for (PetscInt fi = xs; fi < xs + xm; fi++) {
      int ic = (int)fi / 2, jc = (int)fj / 2, sx = fi % 2 ? 1 : -1, sy = fj % 2 ? 1 : -1;
      int in = wrap_or_clamp(ic + sx, (int)Mc, periodic, ic), jn = wrap_or_clamp(jc + sy, (int)Nc, periodic, jc);
      PetscInt row = fj * Mf + fi, col[4] = {jc * Mc + ic, jc * Mc + in, jn * Mc + ic, jn * Mc + in};
      PetscScalar w[4] = {9.0 / 16, 3.0 / 16, 3.0 / 16, 1.0 / 16};
      LIE_PETSC(AOApplicationToPetsc(aof, 1, &row));
      LIE_PETSC(AOApplicationToPetsc(aoc, 4, col));
      LIE_PETSC(MatSetValues(*P, 1, &row, 4, col, w, ADD_VALUES)); /* clamped neighbours add up */
    }
  LIE_PETSC(MatAssemblyBegin(*P, MAT_FINAL_ASSEMBLY));
  LIE_PETSC(MatAssemblyEnd(*P, MAT_FINAL_ASSEMBLY));
  return LIE_OK;
}

int lie_ns2d_mg_setup(lie_ns2d ns, PC pc, int *used) {
  enum { MAXL = 16 };
  int nx[MAXL], ny[MAXL], nl = 1;
  DM da[MAXL];
  DMBoundaryType bt = ns->par.bc == LIE_NS2D_BC_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  KSP kc, inner;
  PC pcc, pci;
  nx[0] = ns->par.nx;
  ny[0] = ns->par.ny;
  /* Halve while even, >= 4 cells a side, and >= 4 cells per rank (a DMDA needs a cell per
   * rank in each direction). */
  while (nl < MAXL && nx[nl - 1] % 2 == 0 && ny[nl - 1] % 2 == 0 && nx[nl - 1] / 2 >= 4 && ny[nl - 1] / 2 >= 4 &&
         (nx[nl - 1] / 2) * (ny[nl - 1] / 2) >= 4 * ns->gsize) {
    nx[nl] = nx[nl - 1] / 2;
    ny[nl] = ny[nl - 1] / 2;
    nl++;
  }
  *used = nl >= 2;
  if (!*used) return LIE_OK; /* odd sizes: the caller falls back to algebraic multigrid */
  /* da[k]: k = 0 finest (ours), k = nl-1 coarsest; PCMG numbers levels from the coarsest. */
  da[0] = ns->da;
  for (int k = 1; k < nl; k++) {
    LIE_PETSC(DMDACreate2d(ns->gcomm, bt, bt, DMDA_STENCIL_STAR, nx[k], ny[k], PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL,
                           NULL, &da[k]));
    LIE_PETSC(DMSetUp(da[k]));
  }
  LIE_PETSC(PCSetType(pc, PCMG));
  LIE_PETSC(PCMGSetLevels(pc, nl, NULL));
  LIE_PETSC(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
  for (int k = 0; k + 1 < nl; k++) {
    Mat P;
    LIE_CALL(interpolation(ns, da[k], da[k + 1], &P));
    LIE_PETSC(PCMGSetInterpolation(pc, nl - 1 - k, P));
    LIE_PETSC(MatDestroy(&P));
  }
  for (int k = 1; k < nl; k++)
    LIE_PETSC(DMDestroy(&da[k]));
  /* Smoother: symmetric SOR under Richardson (keeps the V-cycle symmetric for CG); 4-5 CG
   * iterations per solve, half of what PCMG's default Chebyshev/SOR needs here. */
  for (int l = 1; l < nl; l++) {
    KSP ks;
    PC ps;
    LIE_PETSC(PCMGGetSmoother(pc, l, &ks));
    LIE_PETSC(KSPSetType(ks, KSPRICHARDSON));
    LIE_PETSC(KSPGetPC(ks, &ps));
    LIE_PETSC(PCSetType(ps, PCSOR));
  }
  LIE_PETSC(PCMGGetCoarseSolve(pc, &kc));
  LIE_PETSC(KSPSetType(kc, KSPPREONLY));
  LIE_PETSC(KSPGetPC(kc, &pcc));
  LIE_PETSC(PCSetType(pcc, PCREDUNDANT));
  LIE_PETSC(PCRedundantGetKSP(pcc, &inner));
  LIE_PETSC(KSPGetPC(inner, &pci));
  LIE_PETSC(PCSetType(pci, PCSVD));
  return LIE_OK;
}
