/* lie_solver1d: the public 1D solver object. Options, the choice of internal grid and
 * time step for a requested accuracy, a Richardson check of the time error, and retries
 * on blow-up.
 *
 * Accuracy control (see docs/NUMERICS.md): every trajectory is integrated twice, with s
 * and with rho*s steps per stored time interval. For a method of order 4 the difference
 * of the two runs estimates the error of the finer one, e2 = |U2 - U1| / (rho^4 - 1); the
 * returned frames are the Richardson-extrapolated U2 + (U2 - U1) / (rho^4 - 1). If the
 * estimate exceeds the target, the step is reduced and the pair repeated. The spatial grid
 * is accepted when the top third of the kept Fourier modes carries less than the target. */
#include "liereg/options.h"
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/solver1d_impl.h"

#define LIE_SOLVER1D_MAX_GRIDS 8

typedef struct {
  int n, dealias;
  long used; /* solver's clock at the last get_grid, for evicting the least recently used */
  lie_spec1d *sp;
  lie_etd4 *e;
  lie_etdab *ab;
  double complex *Lk, *v;
} grid1d;

struct lie_solver1d_s {
  lie_ctx ctx;
  lie_pde pde;
  char prefix[64]; /* options prefix ("" = none): -<prefix>nx, -<prefix>ts_type, ... */
  int nx, nt, save_n, save_start;
  double accuracy;
  lie_phys1d phys;
  int method; /* METHOD_* */
  int order;  /* ETD-AB order */
  int dealias;
  int n_internal, steps, max_retries, max_refine, verbose_stats;
  double step_factor; /* multiplies the calibrated first step */
  int is_setup;
  lie_spec1d *out_sp;
  grid1d grids[LIE_SOLVER1D_MAX_GRIDS];
  long grid_clock;
  double *U1, *U2, *times;
  size_t ucap; /* frames U1, U2 can hold */
  lie_solver1d_stats stats;
};

static void grid_free(grid1d *g);

enum { METHOD_ETDAB = 0, METHOD_ETDRK4 = 1, METHOD_TS = 2 };
static const char *const method_names[] = {"etdab", "etdrk4", "ts"};

int lie_solver1d_create(lie_ctx ctx, lie_pde pde, lie_solver1d *out) {
  lie_solver1d s;
  *out = NULL;
  LIE_CHECK(pde == LIE_PDE_KS || pde == LIE_PDE_KDV || pde == LIE_PDE_BURGERS, LIE_ERR_ARG,
            "lie_solver1d handles ks, kdv and burgers, not '%s'", lie_pde_name(pde));
  LIE_ALLOC(s, 1);
  s->ctx = ctx;
  s->pde = pde;
  s->nx = 256;
  s->nt = pde == LIE_PDE_KS ? 500 : pde == LIE_PDE_KDV ? 250 : 180;
  s->save_n = 140;
  s->save_start = -1; /* = nt - save_n */
  s->accuracy = 1e-8;
  lie_phys1d_default(pde, &s->phys);
  s->max_retries = 3;
  s->order = 5;
  /* ETD-AB5 has no stability interval on the imaginary axis: fine for KS, whose mid modes
   * are damped, but not for the dispersive / advective modes of KdV and Burgers. */
  s->method = pde == LIE_PDE_KS ? METHOD_ETDAB : METHOD_ETDRK4;
  /* KS is resolved far below rounding by its grid: aliasing is negligible and dealiasing
   * would only throw away a third of the modes. KdV and Burgers run near resolution. */
  s->dealias = pde != LIE_PDE_KS;
  s->max_refine = 4;
  s->step_factor = 1.0;
  *out = s;
  return LIE_OK;
}

static PetscErrorCode solver1d_options(lie_solver1d s) {
  const char *p = lie_pde_name(s->pde);
  char opt[64];
  PetscInt method = s->method;
  PetscFunctionBeginUser;
  PetscOptionsBegin(lie_ctx_comm(s->ctx), s->prefix[0] ? s->prefix : NULL, "1D PDE solver options", "solvers");
  PetscCall(
      LIE_OPTIONS_RANGE_INT("-nx", "Stored grid points in x", "lie_solver1d", s->nx, &s->nx, NULL, 4, LIE_MAX_GRID));
  PetscCall(LIE_OPTIONS_RANGE_INT("-nt", "Time points t = linspace(0, T, nt)", "lie_solver1d", s->nt, &s->nt, NULL, 2,
                                  LIE_MAX_GRID));
  PetscCall(LIE_OPTIONS_RANGE_INT("-save_n", "Number of stored time points", "lie_solver1d", s->save_n, &s->save_n,
                                  NULL, 1, LIE_MAX_GRID));
  PetscCall(LIE_OPTIONS_INT("-save_start", "First stored time index (-1: nt - save_n, LPSDA)", "lie_solver1d",
                            s->save_start, &s->save_start, NULL));
  PetscCall(LIE_OPTIONS_REAL("-accuracy", "Target relative L2 error of the stored frames", "lie_solver1d", s->accuracy,
                             &s->accuracy, NULL));
  PetscCall(LIE_OPTIONS_ELIST("-solver1d_method", "Time integrator", "lie_solver1d", method_names, 3,
                              method_names[s->method], &method, NULL));
  s->method = (int)method;
  PetscCall(LIE_OPTIONS_INT("-solver1d_order", "Order of the ETD Adams-Bashforth method", "lie_solver1d", s->order,
                            &s->order, NULL));
  PetscBool dealias = s->dealias ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(
      PetscOptionsBool("-solver1d_dealias", "2/3-rule dealiasing of u u_x", "lie_solver1d", dealias, &dealias, NULL));
  s->dealias = dealias == PETSC_TRUE;
  PetscCall(LIE_OPTIONS_INT("-solver1d_n", "Internal grid points (0: chosen from the accuracy)", "lie_solver1d",
                            s->n_internal, &s->n_internal, NULL));
  PetscCall(LIE_OPTIONS_INT("-solver1d_steps",
                            "Steps per stored time interval of the coarser Richardson run (0: from the accuracy)",
                            "lie_solver1d", s->steps, &s->steps, NULL));
  PetscCall(LIE_OPTIONS_REAL("-solver1d_step_factor", "Scale of the first step guess", "lie_solver1d", s->step_factor,
                             &s->step_factor, NULL));
  PetscCall(LIE_OPTIONS_INT("-solver1d_max_retries", "Retries with smaller steps after a blow-up", "lie_solver1d",
                            s->max_retries, &s->max_retries, NULL));
  snprintf(opt, sizeof opt, "-%s_L", p);
  PetscCall(LIE_OPTIONS_REAL(opt, "Domain length (mean)", "lie_solver1d", s->phys.L, &s->phys.L, NULL));
  snprintf(opt, sizeof opt, "-%s_T", p);
  PetscCall(LIE_OPTIONS_REAL(opt, "Final time (mean)", "lie_solver1d", s->phys.T, &s->phys.T, NULL));
  snprintf(opt, sizeof opt, "-%s_jitter", p);
  PetscCall(LIE_OPTIONS_REAL(opt, "Relative uniform jitter of L and T", "lie_solver1d", s->phys.jitter, &s->phys.jitter,
                             NULL));
  snprintf(opt, sizeof opt, "-%s_nwaves", p);
  PetscCall(LIE_OPTIONS_INT(opt, "Sine waves in the initial condition", "lie_solver1d", s->phys.nwaves, &s->phys.nwaves,
                            NULL));
  snprintf(opt, sizeof opt, "-%s_lmin", p);
  PetscCall(LIE_OPTIONS_INT(opt, "Smallest wave number l", "lie_solver1d", s->phys.lmin, &s->phys.lmin, NULL));
  snprintf(opt, sizeof opt, "-%s_lmax", p);
  PetscCall(LIE_OPTIONS_INT(opt, "Wave numbers l < lmax (exclusive, as numpy randint)", "lie_solver1d", s->phys.lmax,
                            &s->phys.lmax, NULL));
  if (s->pde == LIE_PDE_BURGERS) {
    PetscCall(LIE_OPTIONS_REAL("-burgers_nu_min", "Smallest viscosity (log-uniform)", "lie_solver1d", s->phys.nu_min,
                               &s->phys.nu_min, NULL));
    PetscCall(LIE_OPTIONS_REAL("-burgers_nu_max", "Largest viscosity (log-uniform)", "lie_solver1d", s->phys.nu_max,
                               &s->phys.nu_max, NULL));
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

int lie_solver1d_set_options_prefix(lie_solver1d s, const char *prefix) {
  LIE_CHECK(s, LIE_ERR_ARG, "NULL solver");
  LIE_CHECK(!prefix || (strlen(prefix) < sizeof s->prefix && prefix[0] != '-'), LIE_ERR_ARG,
            "options prefix '%s': at most %zu characters, without the leading '-'", prefix, sizeof s->prefix - 1);
  snprintf(s->prefix, sizeof s->prefix, "%s", prefix ? prefix : "");
  return LIE_OK;
}

int lie_solver1d_set_from_options(lie_solver1d s) {
  LIE_PETSC(solver1d_options(s));
  if (s->method == METHOD_TS) LIE_CALL(lie_ts1d_set_from_options(s->ctx, s->pde, s->prefix));
  return LIE_OK;
}

int lie_solver1d_setup(lie_solver1d s) {
  const char *p = lie_pde_name(s->pde);
  LIE_CHECK(s->nx >= 8 && s->nx % 2 == 0, LIE_ERR_USAGE, "-nx %d: must be even and >= 8", s->nx);
  LIE_CHECK(s->nt >= 2, LIE_ERR_USAGE, "-nt %d: must be >= 2", s->nt);
  if (s->save_start < 0) s->save_start = s->nt - s->save_n;
  LIE_CHECK(s->save_n >= 1 && s->save_n <= s->nt, LIE_ERR_USAGE, "-save_n %d: must be in [1, nt=%d]", s->save_n, s->nt);
  LIE_CHECK(s->save_start >= 0 && s->save_start + s->save_n <= s->nt, LIE_ERR_USAGE,
            "-save_start %d: need 0 <= save_start and save_start + save_n (%d) <= nt (%d)", s->save_start, s->save_n,
            s->nt);
  LIE_CHECK(s->accuracy > 0 && s->accuracy < 1, LIE_ERR_USAGE, "-accuracy %g: must be in (0, 1)", s->accuracy);
  LIE_CHECK(s->phys.L > 0 && s->phys.T > 0, LIE_ERR_USAGE, "-%s_L %g / -%s_T %g: must be positive", p, s->phys.L, p,
            s->phys.T);
  LIE_CHECK(s->phys.jitter >= 0 && s->phys.jitter < 1, LIE_ERR_USAGE, "-%s_jitter %g: must be in [0, 1)", p,
            s->phys.jitter);
  LIE_CHECK(s->phys.nwaves >= 1 && s->phys.nwaves <= LIE_IC_MAX_WAVES, LIE_ERR_USAGE,
            "-%s_nwaves %d: must be in [1, %d]", p, s->phys.nwaves, LIE_IC_MAX_WAVES);
  LIE_CHECK(s->phys.lmin >= 1 && s->phys.lmax > s->phys.lmin && s->phys.lmax <= s->nx / 8, LIE_ERR_USAGE,
            "-%s_lmin %d -%s_lmax %d: need 1 <= lmin < lmax <= nx/8", p, s->phys.lmin, p, s->phys.lmax);
  if (s->pde == LIE_PDE_BURGERS)
    LIE_CHECK(s->phys.nu_min > 0 && s->phys.nu_max >= s->phys.nu_min, LIE_ERR_USAGE,
              "-burgers_nu_min %g -burgers_nu_max %g: need 0 < nu_min <= nu_max", s->phys.nu_min, s->phys.nu_max);
  LIE_CHECK(s->n_internal == 0 ||
                (s->n_internal % s->nx == 0 || (s->nx % s->n_internal == 0 && s->n_internal % 2 == 0)),
            LIE_ERR_USAGE, "-solver1d_n %d: must be a multiple or an even divisor of nx = %d", s->n_internal, s->nx);
  LIE_CHECK(s->order >= 1 && s->order <= LIE_ETDAB_MAX_ORDER, LIE_ERR_USAGE, "-solver1d_order %d: must be in [1, %d]",
            s->order, LIE_ETDAB_MAX_ORDER);
  LIE_CHECK(s->steps >= 0, LIE_ERR_USAGE, "-solver1d_steps %d: must be >= 0", s->steps);
  /* two Richardson runs, the output and the writer's buffer hold save_n x nx each; the internal
   * grid may be finer (x2-x4): 8 copies is a safe estimate */
  char what[96];
  snprintf(what, sizeof what, "a trajectory of -save_n %d x -nx %d", s->save_n, s->nx);
  LIE_CALL(lie_check_memory(8.0 * 8.0 * s->save_n * (double)s->nx, what));
  LIE_CALL(lie_spec1d_create(s->nx, 0, &s->out_sp));
  LIE_ALLOC(s->U1, (size_t)s->save_n * s->nx);
  LIE_ALLOC(s->U2, (size_t)s->save_n * s->nx);
  s->ucap = (size_t)s->save_n;
  LIE_ALLOC(s->times, s->nt);
  s->is_setup = 1;
  return LIE_OK;
}

int lie_solver1d_destroy(lie_solver1d *sp) {
  if (!sp || !*sp) return LIE_OK;
  lie_solver1d s = *sp;
  for (int i = 0; i < LIE_SOLVER1D_MAX_GRIDS; i++)
    grid_free(&s->grids[i]);
  lie_spec1d_destroy(&s->out_sp);
  free(s->U1);
  free(s->U2);
  free(s->times);
  LIE_FREE(*sp);
  return LIE_OK;
}

int lie_solver1d_get_sizes(lie_solver1d s, int *nx, int *nt_total, int *nt_saved, int *save_start, int *nwaves) {
  LIE_CHECK(s->is_setup, LIE_ERR_STATE, "lie_solver1d_get_sizes called before lie_solver1d_setup");
  if (nx) *nx = s->nx;
  if (nt_total) *nt_total = s->nt;
  if (nt_saved) *nt_saved = s->save_n;
  if (save_start) *save_start = s->save_start;
  if (nwaves) *nwaves = s->phys.nwaves;
  return LIE_OK;
}

lie_pde lie_solver1d_pde(lie_solver1d s) { return s->pde; }

int lie_solver1d_get_stats(lie_solver1d s, lie_solver1d_stats *st) {
  *st = s->stats;
  return LIE_OK;
}

int lie_solver1d_set_accuracy(lie_solver1d s, double accuracy) {
  LIE_CHECK(accuracy > 0 && accuracy < 1, LIE_ERR_ARG, "accuracy %g must be in (0, 1)", accuracy);
  s->accuracy = accuracy;
  return LIE_OK;
}

int lie_solver1d_set_method(lie_solver1d s, int n_internal, int steps) {
  s->n_internal = n_internal;
  s->steps = steps;
  return LIE_OK;
}

int lie_solver1d_set_integrator(lie_solver1d s, const char *name, int order) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, method_names[i])) {
      s->method = i;
      if (order > 0) s->order = order;
      LIE_CHECK(s->order <= LIE_ETDAB_MAX_ORDER, LIE_ERR_ARG, "ETD-AB order %d above %d", s->order,
                LIE_ETDAB_MAX_ORDER);
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_ARG, "unknown 1D integrator '%s' (etdab, etdrk4, ts)", name);
}

int lie_solver1d_sample(lie_solver1d s, uint64_t seed, lie_traj1d *p) {
  lie_ic1d_sample(&s->phys, s->pde, seed, p);
  return LIE_OK;
}

static void grid_free(grid1d *g) {
  lie_spec1d_destroy(&g->sp);
  lie_etd4_destroy(&g->e);
  lie_etdab_destroy(&g->ab);
  if (g->Lk) fftw_free(g->Lk);
  if (g->v) fftw_free(g->v);
  memset(g, 0, sizeof *g);
}

static int grid_init(lie_solver1d s, int n, grid1d *g) {
  LIE_CALL(lie_spec1d_create(n, s->dealias, &g->sp));
  LIE_CALL(lie_etd4_create(g->sp->nk, &g->e));
  LIE_CALL(lie_etdab_create(g->sp->nk, s->order, &g->ab));
  g->dealias = s->dealias;
  g->Lk = fftw_alloc_complex((size_t)g->sp->nk);
  g->v = fftw_alloc_complex((size_t)g->sp->nk);
  LIE_CHECK(g->Lk && g->v, LIE_ERR_MEM, "out of memory for a grid of %d points", n);
  g->n = n;
  return LIE_OK;
}

/* Workspace for internal grid size n (FFTW plans are made once per size and reused). Burgers
 * picks the grid from nu and max|u| per trajectory, so a long run can ask for more sizes than
 * the cache holds: the least recently used one is then replaced (a grid is only held within
 * one call, so it is never the one in use). */
static grid1d *free_or_oldest(lie_solver1d s) {
  grid1d *v = &s->grids[0];
  for (int i = 0; i < LIE_SOLVER1D_MAX_GRIDS; i++) {
    if (!s->grids[i].n) return &s->grids[i];
    if (s->grids[i].used < v->used) v = &s->grids[i];
  }
  return v;
}

static int get_grid(lie_solver1d s, int n, grid1d **out) {
  s->grid_clock++;
  for (int i = 0; i < LIE_SOLVER1D_MAX_GRIDS; i++) {
    grid1d *g = &s->grids[i];
    if (g->n == n && g->dealias == s->dealias && (!g->ab || g->ab->q == s->order)) {
      g->used = s->grid_clock;
      *out = g;
      return LIE_OK;
    }
  }
  grid1d *g = free_or_oldest(s);
  grid_free(g);
  LIE_CALL(grid_init(s, n, g));
  g->used = s->grid_clock;
  *out = g;
  return LIE_OK;
}

/* numpy.linspace(0, T, nt): i * step, last point exactly T. */
static void linspace(double T, int nt, double *t) {
  const double step = T / (nt - 1);
  for (int i = 0; i < nt; i++)
    t[i] = i * step;
  t[nt - 1] = T;
}

/* max |u0| on the grid, floored by the size the solution reaches anyway. */
static double amplitude_bound(lie_pde pde, grid1d *g) {
  double a = 0;
  memcpy(g->sp->y, g->v, sizeof(double complex) * (size_t)g->sp->nk);
  fftw_execute(g->sp->c2r);
  for (int m = 0; m < g->sp->n; m++)
    a = fmax(a, fabs(g->sp->x[m]));
  if (pde == LIE_PDE_KS && a < 3.5) a = 3.5; /* KS saturates at |u| ~ 3 whatever the IC */
  return a > 0.5 ? a : 0.5;
}

/* Internal grid: KS is resolved to ~1e-11 by the stored 256 points at L ~ 64; KdV's
 * solitons need a finer grid; Burgers' fronts have width ~ 2 nu / max|u|, whose spectrum
 * decays like exp(-pi k w / 2). The resolution check doubles the grid when needed. */
/* Internal grid sizes nx * {1, 2, 3, 4, 6, 8, 12, ...}: multiples of the stored grid (exact
 * subsampling) with FFT-friendly factors, finer-grained than powers of two. */
static int next_grid(int n, int nx) {
  if (n < nx) return nx;
  const int m = n / nx;
  if (m < 2) return 2 * nx;
  return (m & (m - 1)) == 0 ? n / 2 * 3 : n / 3 * 4;
}

static int initial_grid(lie_solver1d s, double L, double nu, double umax) {
  int n = s->nx;
  if (s->n_internal) return s->n_internal;
  if (s->pde == LIE_PDE_KDV) n = 2 * s->nx;
  /* KS at L ~ 64 on 128 points misses ~1e-8 (measured): 1.8 points per unit length are
   * enough for loose targets, 3.5 for the default (L <= 70.4 fits 256); fewer blow up
   * (e.g. -nx 64 at L = 64). */
  if (s->pde == LIE_PDE_KS) {
    const double want = (s->accuracy >= 1e-6 ? 1.8 : 3.5) * L;
    if (s->accuracy >= 1e-6 && s->nx % 4 == 0 && s->nx / 2 >= want) n = s->nx / 2;
    while (n < want && n < 64 * s->nx)
      n = next_grid(n, s->nx);
  }
  if (s->pde == LIE_PDE_BURGERS) {
    const double w = 2 * nu / umax;
    const double kneed = 2 * log(1 / s->accuracy) / (M_PI * w);
    const double nneed = 3 * kneed * L / (2 * M_PI);
    while (n < nneed && n < 64 * s->nx)
      n = next_grid(n, s->nx);
  }
  return n;
}

/* Steps per stored interval of the coarse run of the Richardson pair, from the accuracy
 * (order p: h ~ C tol^(1/p), C measured per PDE, docs/NUMERICS.md) and the explicit
 * stability of the nonlinear term (h |u| kmax < ~1.5, relaxed where diffusion damps). */
static int initial_steps(lie_solver1d s, int ab, double dt, double L, double nu, int n, double umax) {
  const double C4[3] = {0.3, 1.7, 0.85}, C5[3] = {0.7, 1.7, 0.85};
  const int q = ab ? s->order : 4;
  double h = s->step_factor * (ab ? C5[s->pde] : C4[s->pde]) * pow(s->accuracy, 1.0 / q);
  const int kc = s->dealias ? (n - 1) / 3 : n / 2 - 1;
  const double kmax = 2 * M_PI * kc / L;
  double hstab = 1.5 / (umax * kmax);
  /* ETDRK4 damps the stiff diffusive modes exactly: Burgers steps are limited by the
   * modes with nu k^2 h < 1 only (measured: stable at 4 nu / max|u|^2) */
  if (s->pde == LIE_PDE_BURGERS) hstab = fmax(hstab, 4 * nu / (umax * umax));
  if (h > hstab) h = hstab;
  int steps = (int)ceil(dt / h);
  return steps < 1 ? 1 : steps;
}

typedef struct {
  double L, nu;
  const lie_traj1d *traj; /* initial condition from parameters, or ... */
  const double *u0;       /* ... from n0 point values */
  int n0;
  int ntimes, first_out;
  const double *times;
  int min_n;   /* smallest internal grid that keeps every mode of the initial data */
  int uniform; /* times[i] = i dt: the multistep method may be used */
} run_spec;

/* Initial coefficients on grid g: exact for sine waves; for point data, the trigonometric
 * interpolant (Nyquist mode split between +-n0/2 so it stays real). */
static void initial_coeffs(const run_spec *r, grid1d *g, lie_spec1d *src) {
  if (r->traj) {
    lie_ic1d_coeffs(r->traj, g->sp, g->v);
    return;
  }
  const int n0 = r->n0, nk0 = n0 / 2 + 1;
  memcpy(src->x, r->u0, sizeof(double) * (size_t)n0);
  fftw_execute(src->r2c);
  memset(g->v, 0, sizeof(double complex) * (size_t)g->sp->nk);
  for (int j = 0; j < nk0 && j <= g->sp->kcut; j++)
    g->v[j] = src->y[j] / n0 * (j == n0 / 2 ? 0.5 : 1.0);
}

/* One run with `steps` steps per interval of length dt on grid n. Returns steps taken
 * (< 0 on blow-up); U receives the stored frames. */
static int use_ab(lie_solver1d s, const run_spec *r) { return s->method == METHOD_ETDAB && r->uniform; }

static int run_once(lie_solver1d s, const run_spec *r, lie_spec1d *src, int n, int steps, double dt, double *U,
                    long *nsteps, double *tail) {
  grid1d *g;
  LIE_CALL(get_grid(s, n, &g));
  lie_spec1d_set_length(g->sp, r->L);
  lie_pde1d p = {.pde = s->pde, .nu = r->nu, .sp = g->sp};
  lie_pde1d_linear(&p, g->Lk);
  g->e->h = -1; /* L or nu changed: coefficients must be recomputed */
  g->ab->h = -1;
  initial_coeffs(r, g, src);
  if (use_ab(s, r))
    *nsteps =
        lie_integrate1d_ab(&p, g->ab, g->e, g->v, g->Lk, dt, steps, 8, r->ntimes, r->first_out, s->out_sp, U, tail);
  else
    *nsteps = lie_integrate1d(&p, g->e, g->v, g->Lk, dt / steps, r->ntimes, r->times, r->first_out, s->out_sp, U, tail);
  LIE_CHECK(*nsteps != -2, LIE_ERR_INTERNAL, "evaluation on the output grid failed");
  return LIE_OK;
}

static double rel_diff(const double *a, const double *b, size_t n) {
  double d = 0, nb = 0;
  for (size_t i = 0; i < n; i++) {
    d += (a[i] - b[i]) * (a[i] - b[i]);
    nb += b[i] * b[i];
  }
  return nb > 0 ? sqrt(d / nb) : sqrt(d);
}

/* The accuracy loop shared by solve and solve_from: choose grid and step, run the
 * Richardson pair, refine until the estimate meets the target. U: nframes x nx. */
static int solve_core(lie_solver1d s, const run_spec *r, lie_spec1d *src, double *U, int *ok) {
  const size_t nout = (size_t)(r->ntimes - r->first_out) * s->nx;
  double dtmin = r->times[0];
  for (int i = 1; i < r->ntimes; i++)
    if (r->times[i] - r->times[i - 1] < dtmin || dtmin <= 0) dtmin = r->times[i] - r->times[i - 1];
  if (dtmin <= 0) dtmin = r->times[r->ntimes - 1];
  /* amplitude from the exact initial coefficients on a temporary grid */
  int n = s->nx;
  grid1d *g;
  LIE_CALL(get_grid(s, s->n_internal ? s->n_internal : 2 * s->nx, &g));
  initial_coeffs(r, g, src);
  const double umax = amplitude_bound(s->pde, g);
  n = initial_grid(s, r->L, r->nu, umax);
  while (n < r->min_n)
    n *= 2;
  int steps = s->steps ? s->steps : initial_steps(s, use_ab(s, r), dtmin, r->L, r->nu, n, umax);
  const double tol = s->accuracy;
  double tail = 0, est = -1;
  long n1 = 0, n2 = 0;
  int retries = 0, refine = 0;
  *ok = 0;
  memset(&s->stats, 0, sizeof s->stats);
  for (;;) {
    /* coarse run: also decides the grid */
    LIE_CALL(run_once(s, r, src, n, steps, dtmin, s->U1, &n1, &tail));
    if (n1 < 0) goto blowup;
    if (!s->n_internal && tail > 10 * tol && n < 64 * s->nx) {
      n = next_grid(n, s->nx);
      continue;
    }
    int steps2 = 2 * steps;
    LIE_CALL(run_once(s, r, src, n, steps2, dtmin, s->U2, &n2, &tail));
    if (n2 < 0) goto blowup;
    s->stats.steps += n1 + n2;
    /* Richardson with order p and step ratio 2: err(U2) ~ |U2 - U1| / (2^p - 1). ETDRK4
     * (Cox-Matthews) drops to order 3 on stiff KS-like problems (tests/solvers order test;
     * Hochbruck & Ostermann 2005): its estimate assumes order 3 (conservative) while the
     * extrapolation assumes 4, which still halves the error if the order is 3. */
    const double rf = use_ab(s, r) ? ldexp(1.0, s->order) - 1 : 15;
    const double ef = use_ab(s, r) ? rf : 7;
    est = rel_diff(s->U2, s->U1, nout) / ef;
    /* safety 0.5: on the most chaotic KS trajectories the estimate was optimistic by up to
     * 2x against independent references (docs/NUMERICS.md) */
    if (est <= 0.5 * tol || s->steps || refine >= s->max_refine) {
      for (size_t i = 0; i < nout; i++)
        U[i] = s->U2[i] + (s->U2[i] - s->U1[i]) / rf;
      if (est > tol)
        lie_log_warn(s->ctx, "solver1d: error estimate %.2e above the target %.2e after %d refinements", est, tol,
                     refine);
      *ok = lie_all_finite(U, nout);
      break;
    }
    refine++;
    steps = (int)ceil(steps2 * fmax(1.2, pow(4 * est / tol, 1.0 / (use_ab(s, r) ? s->order : 4))) / 2);
    continue;
  blowup:
    if (++retries > s->max_retries) {
      lie_log_warn(s->ctx, "solver1d: %s blew up (NaN/Inf) even with %d steps per interval; marking it failed",
                   lie_pde_name(s->pde), 2 * steps);
      break;
    }
    steps *= 2;
  }
  s->stats.n_internal = n;
  s->stats.steps_per_interval = 2 * steps;
  s->stats.error_estimate = est;
  s->stats.tail = tail;
  s->stats.retries = retries;
  if (!*ok)
    for (size_t i = 0; i < nout; i++)
      U[i] = NAN;
  return LIE_OK;
}

int lie_solver1d_cost(lie_solver1d s, const lie_traj1d *p, double *cost) {
  LIE_CHECK(s->is_setup, LIE_ERR_STATE, "lie_solver1d_cost called before lie_solver1d_setup");
  run_spec r = {.L = p->L, .nu = p->nu, .traj = p, .uniform = 1};
  grid1d *g;
  LIE_CALL(get_grid(s, s->n_internal ? s->n_internal : 2 * s->nx, &g));
  initial_coeffs(&r, g, NULL);
  const double umax = amplitude_bound(s->pde, g);
  const int n = initial_grid(s, p->L, p->nu, umax);
  const double dt = p->T / (s->nt - 1);
  const int steps = s->steps ? s->steps : initial_steps(s, use_ab(s, &r), dt, p->L, p->nu, n, umax);
  /* coarse + fine run (1 + 2) x steps per interval x intervals, each step ~ n log2 n */
  *cost = 3.0 * steps * (s->save_start + s->save_n - 1) * n * log2((double)n);
  return LIE_OK;
}

int lie_solver1d_solve(lie_solver1d s, const lie_traj1d *p, double *u, double *t, double *x, int *ok) {
  LIE_CHECK(s->is_setup, LIE_ERR_STATE, "lie_solver1d_solve called before lie_solver1d_setup");
  LIE_CHECK(p->L > 0 && p->T > 0 && p->nwaves >= 1 && p->nwaves <= LIE_IC_MAX_WAVES, LIE_ERR_ARG,
            "invalid trajectory parameters (L=%g T=%g nwaves=%d)", p->L, p->T, p->nwaves);
  LIE_CHECK(s->pde != LIE_PDE_BURGERS || p->nu > 0, LIE_ERR_ARG, "Burgers needs nu > 0 (got %g)", p->nu);
  PetscLogEventBegin(lie_events.solve, 0, 0, 0, 0);
  linspace(p->T, s->nt, s->times);
  if (t)
    for (int i = 0; i < s->save_n; i++)
      t[i] = s->times[s->save_start + i];
  if (x)
    for (int j = 0; j < s->nx; j++)
      x[j] = j * p->L / s->nx;
  run_spec r = {.L = p->L,
                .nu = p->nu,
                .traj = p,
                .ntimes = s->save_start + s->save_n,
                .first_out = s->save_start,
                .times = s->times,
                .uniform = 1};
  int err;
  if (s->method == METHOD_TS) {
    /* same internal grid as the exponential integrators would start from */
    grid1d *g;
    LIE_CALL(get_grid(s, s->n_internal ? s->n_internal : 2 * s->nx, &g));
    initial_coeffs(&r, g, NULL);
    const int n = initial_grid(s, p->L, p->nu, amplitude_bound(s->pde, g));
    err = lie_ts1d_solve(s->ctx, s->pde, p, s->dealias, s->nx, n, r.ntimes, r.times, r.first_out, 0.1 * s->accuracy, u,
                         ok, s->prefix);
    s->stats.n_internal = n;
  } else
    err = solve_core(s, &r, NULL, u, ok);
  PetscLogEventEnd(lie_events.solve, 0, 0, 0, 0);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_solver1d_solve_from(lie_solver1d s, double L, double nu, const double *u0, int n, int ntimes,
                            const double *times, double *u) {
  LIE_CHECK(s->is_setup, LIE_ERR_STATE, "lie_solver1d_solve_from called before lie_solver1d_setup");
  LIE_CHECK(n == s->nx, LIE_ERR_ARG, "solve_from: %d points given, the solver was set up for nx = %d", n, s->nx);
  LIE_CHECK(L > 0 && ntimes >= 1, LIE_ERR_ARG, "solve_from: need L > 0 and ntimes >= 1");
  for (int i = 0; i < ntimes; i++)
    LIE_CHECK(times[i] >= 0 && (i == 0 || times[i] > times[i - 1]), LIE_ERR_ARG,
              "solve_from: times must be >= 0 and increasing (times[%d] = %g)", i, times[i]);
  LIE_CHECK(s->pde != LIE_PDE_BURGERS || nu > 0, LIE_ERR_ARG, "Burgers needs nu > 0 (got %g)", nu);
  LIE_CHECK(s->method != METHOD_TS, LIE_ERR_NOTSUP,
            "solve_from uses the exponential integrator (-solver1d_method etdrk4)");
  /* point data carries modes up to n/2: the internal grid must keep them all (2n, 2/3 rule) */
  int ok;
  run_spec r = {.L = L, .nu = nu, .u0 = u0, .n0 = n, .ntimes = ntimes, .first_out = 0, .times = times, .min_n = 2 * n};
  if ((size_t)ntimes > s->ucap) {
    double *tmp1 = realloc(s->U1, sizeof(double) * (size_t)ntimes * s->nx);
    LIE_CHECK(tmp1, LIE_ERR_MEM, "out of memory");
    s->U1 = tmp1;
    double *tmp2 = realloc(s->U2, sizeof(double) * (size_t)ntimes * s->nx);
    LIE_CHECK(tmp2, LIE_ERR_MEM, "out of memory");
    s->U2 = tmp2;
    s->ucap = (size_t)ntimes;
  }
  PetscLogEventBegin(lie_events.solve, 0, 0, 0, 0);
  int err = solve_core(s, &r, s->out_sp, u, &ok);
  PetscLogEventEnd(lie_events.solve, 0, 0, 0, 0);
  LIE_CALL(err);
  LIE_CHECK(ok, LIE_ERR_NUMERIC, "solve_from: the %s solution blew up (NaN/Inf)", lie_pde_name(s->pde));
  return LIE_OK;
}
