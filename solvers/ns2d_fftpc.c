/* 2D Navier–Stokes: an exact preconditioner for the pressure CG. On a uniform grid the
 * Neumann (box) Laplacian is diagonalised by the DCT-II and the periodic one by the DFT, so
 * z = A^+ r costs two FFTs: CG then converges in one or two iterations. Every rank of the
 * group gathers r and solves on the whole grid (redundantly, so the result is the same bits
 * whatever the decomposition); at 128^2 this is cheaper than one multigrid V-cycle. */
#include "solvers/ns2d_impl.h"

#include <stdlib.h>

static int fft_apply(lie_ns2d ns, Vec r, Vec z) {
  int nx = ns->par.nx, ny = ns->par.ny, periodic = ns->par.bc == LIE_NS2D_BC_PERIODIC;
  double ax = 1 / (ns->dx * ns->dx), ay = 1 / (ns->dy * ns->dy);
  PetscScalar **o;
  LIE_CALL(lie_ns2d_gather(ns, r, ns->fp));
  fftw_execute(ns->pc_fwd);
  if (periodic) {
    int nxc = nx / 2 + 1;
    double *c = (double *)ns->fc, scale = 1.0 / ((double)nx * ny);
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nxc; i++) {
        double lam = ax * (2 - 2 * cos(2 * M_PI * i / nx)) + ay * (2 - 2 * cos(2 * M_PI * j / ny));
        double f = (i || j) ? scale / lam : 0.0; /* the constant is the null space */
        c[2 * ((size_t)j * nxc + i)] *= f;
        c[2 * ((size_t)j * nxc + i) + 1] *= f;
      }
  } else {
    double scale = 1.0 / (4.0 * nx * ny); /* REDFT10 then REDFT01: 2n per dimension */
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++) {
        double lam = ax * (2 - 2 * cos(M_PI * i / nx)) + ay * (2 - 2 * cos(M_PI * j / ny));
        ns->fq[(size_t)j * nx + i] *= (i || j) ? scale / lam : 0.0;
      }
  }
  fftw_execute(ns->pc_bwd);
  LIE_PETSC(DMDAVecGetArray(ns->da, z, &o));
  for (PetscInt j = ns->ys; j < ns->ys + ns->ym; j++)
    for (PetscInt i = ns->xs; i < ns->xs + ns->xm; i++)
      o[j][i] = ns->fp[(size_t)j * nx + i];
  LIE_PETSC(DMDAVecRestoreArray(ns->da, z, &o));
  return LIE_OK;
}

static PetscErrorCode pc_apply(PC pc, Vec r, Vec z) {
  lie_ns2d ns;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &ns));
  int e = fft_apply(ns, r, z);
  PetscCheck(!e, PETSC_COMM_SELF, PETSC_ERR_LIB, "ns2d FFT preconditioner: %s", lie_error_message());
  PetscFunctionReturn(0);
}

int lie_ns2d_fftpc_setup(lie_ns2d ns, PC pc) {
  int nx = ns->par.nx, ny = ns->par.ny;
  size_t n = (size_t)nx * ny;
  ns->fp = fftw_malloc(sizeof(double) * n);
  ns->fq = fftw_malloc(sizeof(double) * n);
  ns->fc = fftw_malloc(sizeof(fftw_complex) * (size_t)ny * (nx / 2 + 1));
  LIE_CHECK(ns->fp && ns->fq && ns->fc, LIE_ERR_MEM, "out of memory for the FFT preconditioner");
  if (ns->par.bc == LIE_NS2D_BC_PERIODIC) {
    ns->pc_fwd = fftw_plan_dft_r2c_2d(ny, nx, ns->fp, ns->fc, FFTW_ESTIMATE);
    ns->pc_bwd = fftw_plan_dft_c2r_2d(ny, nx, ns->fc, ns->fp, FFTW_ESTIMATE);
  } else {
    ns->pc_fwd = fftw_plan_r2r_2d(ny, nx, ns->fp, ns->fq, FFTW_REDFT10, FFTW_REDFT10, FFTW_ESTIMATE);
    ns->pc_bwd = fftw_plan_r2r_2d(ny, nx, ns->fq, ns->fp, FFTW_REDFT01, FFTW_REDFT01, FFTW_ESTIMATE);
  }
  LIE_CHECK(ns->pc_fwd && ns->pc_bwd, LIE_ERR_FFTW, "FFTW plans for the %d x %d pressure preconditioner failed", nx,
            ny);
  LIE_PETSC(PCSetType(pc, PCSHELL));
  LIE_PETSC(PCShellSetContext(pc, ns));
  LIE_PETSC(PCShellSetApply(pc, pc_apply));
  LIE_PETSC(PCShellSetName(pc, "liereg ns2d exact FFT/DCT Poisson solve"));
  return LIE_OK;
}

int lie_ns2d_fftpc_destroy(lie_ns2d ns) {
  if (ns->pc_fwd) fftw_destroy_plan(ns->pc_fwd);
  if (ns->pc_bwd) fftw_destroy_plan(ns->pc_bwd);
  if (ns->fp) fftw_free(ns->fp);
  if (ns->fq) fftw_free(ns->fq);
  if (ns->fc) fftw_free(ns->fc);
  ns->pc_fwd = ns->pc_bwd = NULL;
  ns->fp = ns->fq = NULL;
  ns->fc = NULL;
  return LIE_OK;
}
