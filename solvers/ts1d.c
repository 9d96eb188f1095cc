/* The 1D right-hand sides as a PETSc TS problem, so any PETSc integrator (-ts_type, with
 * -ts_adapt_* step control) can be used instead of the exponential integrators.
 *
 * The state is the vector of point values of the same dealiased trigonometric polynomial
 * the exponential integrators evolve, so both solve the same semi-discrete system and agree
 * to the integrators' tolerances. The equation is split as
 *   implicit part (IFunction):  u_t - L u           (stiff linear: k^4, i k^3, nu k^2)
 *   explicit part (RHSFunction): N(u) = -(u^2/2)_x  (non-stiff)
 * for IMEX types (default arkimex). The linear systems (a - L) x = b are diagonal in Fourier
 * space: the Jacobian is a MATSHELL and the preconditioner a PCSHELL that inverts it exactly
 * with two FFTs (KSP preonly, SNES ksponly: the implicit part is linear). With
 * -solver1d_ts_imex 0 the whole right-hand side is explicit (for -ts_type rk etc.). */
#include <petscts.h>
#include <string.h>

#include "solvers/solver1d_impl.h"

typedef struct {
  lie_pde1d p;
  double complex *Lk, *v, *w;
  double shift;
  int imex;
  const char *prefix; /* options prefix of the TS ("" or NULL = none) */
} ts1d_ctx;

/* physical values x (n) -> coefficients c->v (kept modes only) */
static PetscErrorCode to_modes(ts1d_ctx *c, Vec X) {
  const PetscScalar *x;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(X, &x));
  lie_spec1d_forward(c->p.sp, x, c->v);
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

static PetscErrorCode from_modes(ts1d_ctx *c, const double complex *w, Vec Y) {
  PetscScalar *y;
  PetscFunctionBeginUser;
  PetscCall(VecGetArray(Y, &y));
  lie_spec1d_backward(c->p.sp, w, y);
  PetscCall(VecRestoreArray(Y, &y));
  PetscFunctionReturn(0);
}

static PetscErrorCode rhs_function(TS ts, PetscReal t, Vec U, Vec F, void *ctx) {
  ts1d_ctx *c = ctx;
  const int nk = c->p.sp->nk;
  PetscFunctionBeginUser;
  PetscCall(to_modes(c, U));
  lie_pde1d_nonlinear(&c->p, c->v, c->w);
  if (!c->imex)
    for (int j = 0; j <= c->p.sp->kcut; j++)
      c->w[j] += c->Lk[j] * c->v[j];
  for (int j = c->p.sp->kcut + 1; j < nk; j++)
    c->w[j] = 0;
  PetscCall(from_modes(c, c->w, F));
  PetscFunctionReturn(0);
}

/* F = U_t - L U */
static PetscErrorCode i_function(TS ts, PetscReal t, Vec U, Vec Udot, Vec F, void *ctx) {
  ts1d_ctx *c = ctx;
  PetscFunctionBeginUser;
  PetscCall(to_modes(c, U));
  for (int j = 0; j < c->p.sp->nk; j++)
    c->w[j] = j <= c->p.sp->kcut ? -c->Lk[j] * c->v[j] : 0;
  PetscCall(from_modes(c, c->w, F));
  PetscCall(VecAXPY(F, 1.0, Udot));
  PetscFunctionReturn(0);
}

/* dF/dU + a dF/dUdot = a I - L: only the shift a is stored, the matrix is a shell. */
static PetscErrorCode i_jacobian(TS ts, PetscReal t, Vec U, Vec Udot, PetscReal a, Mat J, Mat P, void *ctx) {
  ts1d_ctx *c = ctx;
  PetscFunctionBeginUser;
  c->shift = a;
  PetscFunctionReturn(0);
}

/* Y = (a I - L) X, or its inverse, mode by mode (the modes above the cut are zero): the
 * operator is diagonal in Fourier space. */
static PetscErrorCode shifted_apply(ts1d_ctx *c, Vec X, Vec Y, int inverse) {
  PetscFunctionBeginUser;
  PetscCall(to_modes(c, X));
  for (int j = 0; j < c->p.sp->nk; j++)
    c->w[j] = j > c->p.sp->kcut ? 0 : inverse ? c->v[j] / (c->shift - c->Lk[j]) : (c->shift - c->Lk[j]) * c->v[j];
  PetscCall(from_modes(c, c->w, Y));
  PetscFunctionReturn(0);
}

static PetscErrorCode jac_mult(Mat J, Vec X, Vec Y) {
  ts1d_ctx *c;
  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(J, &c));
  PetscCall(shifted_apply(c, X, Y, 0));
  PetscFunctionReturn(0);
}

/* Exact inverse of a I - L (a > 0 and Re L <= k^2 - k^4 <= 1/4 keep it invertible). */
static PetscErrorCode pc_apply(PC pc, Vec X, Vec Y) {
  ts1d_ctx *c;
  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &c));
  PetscCall(shifted_apply(c, X, Y, 1));
  PetscFunctionReturn(0);
}

static PetscErrorCode ts1d_configure(TS ts, ts1d_ctx *c, Mat J, double tol) {
  SNES snes;
  KSP ksp;
  PC pc;
  PetscFunctionBeginUser;
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetType(ts, TSARKIMEX));
  PetscCall(TSSetRHSFunction(ts, NULL, rhs_function, c));
  if (c->imex) {
    PetscCall(TSSetIFunction(ts, NULL, i_function, c));
    PetscCall(TSSetIJacobian(ts, J, J, i_jacobian, c));
  }
  PetscCall(TSSetTolerances(ts, tol, NULL, tol, NULL));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(ts, 100000000));
  PetscCall(TSSetTimeStep(ts, 1e-3));
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESSetType(snes, SNESKSPONLY));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, c));
  PetscCall(PCShellSetApply(pc, pc_apply));
  PetscCall(TSSetOptionsPrefix(ts, c->prefix && c->prefix[0] ? c->prefix : NULL));
  PetscCall(TSSetFromOptions(ts));
  PetscFunctionReturn(0);
}

static PetscErrorCode ts1d_run(ts1d_ctx *c, lie_spec1d *out_sp, const double complex *v0, int ntimes,
                               const double *times, int first_out, double tol, double *u, int *ok) {
  const int n = c->p.sp->n, nx = out_sp->n;
  TS ts;
  Vec U;
  Mat J;
  PetscScalar *x;
  TSConvergedReason reason;
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &U));
  PetscCall(MatCreateShell(PETSC_COMM_SELF, n, n, n, n, c, &J));
  PetscCall(MatShellSetOperation(J, MATOP_MULT, (void (*)(void))jac_mult));
  PetscCall(VecGetArray(U, &x));
  lie_spec1d_backward(c->p.sp, v0, x);
  PetscCall(VecRestoreArray(U, &x));
  PetscCall(TSCreate(PETSC_COMM_SELF, &ts));
  PetscCall(ts1d_configure(ts, c, J, tol));
  PetscCall(TSSetTime(ts, 0.0));
  *ok = 1;
  for (int i = 0; i < ntimes && *ok; i++) {
    if (times[i] > 0) {
      PetscCall(TSSetMaxTime(ts, times[i]));
      PetscCall(TSSolve(ts, U));
      PetscCall(TSGetConvergedReason(ts, &reason));
      if (reason < 0) *ok = 0;
    }
    if (i < first_out) continue;
    PetscCall(to_modes(c, U));
    if (lie_spec1d_eval(c->p.sp, c->v, out_sp, u + (size_t)(i - first_out) * nx)) *ok = 0;
  }
  if (*ok) *ok = lie_all_finite(u, (size_t)(ntimes - first_out) * nx);
  PetscCall(TSDestroy(&ts));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&U));
  PetscFunctionReturn(0);
}

/* Create and destroy a TS once so that -help lists the TS options and the CLI's
 * unknown-option check sees them as used. */
static PetscErrorCode ts1d_options(MPI_Comm comm, const char *prefix) {
  TS ts;
  PetscBool imex = PETSC_TRUE;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, prefix, "1D solver PETSc TS path", "solvers");
  PetscCall(PetscOptionsBool("-solver1d_ts_imex", "Treat the linear part implicitly (IMEX split)", "lie_solver1d", imex,
                             &imex, NULL));
  PetscOptionsEnd();
  PetscCall(TSCreate(PETSC_COMM_SELF, &ts));
  PetscCall(TSSetType(ts, TSARKIMEX));
  PetscCall(TSSetOptionsPrefix(ts, prefix));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSDestroy(&ts));
  PetscFunctionReturn(0);
}

int lie_ts1d_set_from_options(lie_ctx ctx, lie_pde pde, const char *prefix) {
  LIE_PETSC(ts1d_options(lie_ctx_comm(ctx), prefix && prefix[0] ? prefix : NULL));
  return LIE_OK;
}

int lie_ts1d_solve(lie_ctx ctx, lie_pde pde, const lie_traj1d *p, int dealias, int nx, int n, int ntimes,
                   const double *times, int first_out, double tol, double *u, int *ok, const char *prefix) {
  lie_spec1d *sp = NULL, *out_sp = NULL;
  ts1d_ctx c = {.p = {.pde = pde, .nu = p->nu}, .prefix = prefix};
  PetscBool imex = PETSC_TRUE;
  int err = LIE_OK;
  LIE_PETSC(PetscOptionsGetBool(NULL, prefix && prefix[0] ? prefix : NULL, "-solver1d_ts_imex", &imex, NULL));
  c.imex = imex == PETSC_TRUE;
  LIE_CALL(lie_spec1d_create(n, dealias, &sp));
  LIE_CALL_GOTO(lie_spec1d_create(nx, 0, &out_sp));
  c.Lk = fftw_alloc_complex((size_t)sp->nk);
  c.v = fftw_alloc_complex((size_t)sp->nk);
  c.w = fftw_alloc_complex((size_t)sp->nk);
  LIE_CHECK_GOTO(c.Lk && c.v && c.w, LIE_ERR_MEM, "out of memory");
  lie_spec1d_set_length(sp, p->L);
  c.p.sp = sp;
  lie_pde1d_linear(&c.p, c.Lk);
  lie_ic1d_coeffs(p, sp, c.w);
  LIE_PETSC_GOTO(ts1d_run(&c, out_sp, c.w, ntimes, times, first_out, tol, u, ok));
  if (!*ok) {
    for (size_t i = 0; i < (size_t)(ntimes - first_out) * nx; i++)
      u[i] = NAN;
    lie_log_warn(ctx, "solver1d: PETSc TS failed on %s (seed %llu)", lie_pde_name(pde), (unsigned long long)p->seed);
  }
done:
  if (c.Lk) fftw_free(c.Lk);
  if (c.v) fftw_free(c.v);
  if (c.w) fftw_free(c.w);
  lie_spec1d_destroy(&sp);
  lie_spec1d_destroy(&out_sp);
  return err;
}
