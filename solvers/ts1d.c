/* The 1D right-hand sides as a PETSc TS problem (placeholder until the TS path lands). */
#include "solvers/solver1d_impl.h"

int lie_ts1d_set_from_options(lie_ctx ctx, lie_pde pde) { return LIE_OK; }

int lie_ts1d_solve(lie_ctx ctx, lie_pde pde, const lie_traj1d *p, int nx, int n, int ntimes, const double *times,
                   int first_out, double *u, int *ok) {
  LIE_ERROR(LIE_ERR_NOTSUP, "-solver1d_method ts is not implemented yet");
}
