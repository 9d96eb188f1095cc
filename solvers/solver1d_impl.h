/* Internal interfaces of the 1D spectral solvers (not installed).
 *
 *   spectral1d.c  FFTW grid: plans, wavenumbers, 2/3 dealiasing, evaluation on the stored grid
 *   etdrk4.c      ETDRK4 coefficients (contour integrals) and the step
 *   pde1d.c       linear symbols and the dealiased nonlinear term of KS, KdV, Burgers
 *   ic1d.c        parameter / initial-condition sampling from a trajectory's seed
 *   integrate1d.c fixed-step integration to a list of output times
 *   solver1d.c    the public object: options, grid/step selection, Richardson check, retries
 *   ts1d.c        the same right-hand side as a PETSc TS problem
 *
 * Spectral convention: a real field u on n points is stored as the n/2+1 coefficients
 * v_j = (1/n) sum_m u_m exp(-2 pi i j m / n), so u = c2r(v) without further scaling. */
#ifndef LIEREG_SOLVER1D_IMPL_H
#define LIEREG_SOLVER1D_IMPL_H

#include <complex.h> /* before fftw3.h: fftw_complex becomes double _Complex */
#include <fftw3.h>

#include "liereg/solvers.h"

/* ------------------------------------------------------------ spectral grid */
typedef struct {
  int n, nk, kcut; /* points, n/2+1 modes, highest mode kept by the 2/3 rule */
  double L;
  double *k;          /* nk wavenumbers 2 pi j / L */
  double *x;          /* n real work values (fftw_malloc, FFTW-aligned) */
  double complex *y;  /* nk complex work values (fftw_malloc) */
  fftw_plan r2c, c2r; /* x -> y, y -> x, made once with FFTW_ESTIMATE */
} lie_spec1d;

int lie_spec1d_create(int n, int dealias, lie_spec1d **sp);
int lie_spec1d_destroy(lie_spec1d **sp);
void lie_spec1d_set_length(lie_spec1d *sp, double L);
/* u (n real) -> v (nk coefficients), dealiased. */
void lie_spec1d_forward(lie_spec1d *sp, const double *u, double complex *v);
/* v (nk) -> u (n real); v is not modified. */
void lie_spec1d_backward(lie_spec1d *sp, const double complex *v, double *u);
/* Values of the trigonometric polynomial v at the nx points j L / nx. Exact point values
 * when n is a multiple of nx (subsampling) or n <= nx (zero padding); work: nx/2+1 complex
 * + nx real FFTW arrays and a c2r plan for nx, given by the caller through `out_sp`. */
int lie_spec1d_eval(lie_spec1d *sp, const double complex *v, lie_spec1d *out_sp, double *u);
/* Relative L2 norm of the top third of the kept modes (resolution indicator). */
double lie_spec1d_tail(const lie_spec1d *sp, const double complex *v);

/* ------------------------------------------------------------ PDE terms */
typedef struct {
  lie_pde pde;
  double nu; /* Burgers viscosity */
  lie_spec1d *sp;
} lie_pde1d;

/* Linear symbol Lk (nk) of u_t = L u + N(u) on the grid's current length. */
void lie_pde1d_linear(const lie_pde1d *p, double complex *Lk);
/* N(v) = -(1/2) d/dx (u^2), dealiased; v must already be dealiased. */
void lie_pde1d_nonlinear(const lie_pde1d *p, const double complex *v, double complex *Nv);

/* ------------------------------------------------------------ phi-functions (phi.c) */
#define LIE_PHI_MAX 9
/* phi_0..phi_kmax at z (kmax <= LIE_PHI_MAX) by the contour integral over M points. */
void lie_phi_contour(double complex z, int kmax, int M, double complex *phi);
/* e^{hL} as hi + lo (long double exponent): the propagator multiplies the solution once
 * per step, so a fixed rounding error eps of it perturbs the growth rate by eps / h. */
void lie_exp_split(double h, double complex L, double complex *hi, double complex *lo);

/* ------------------------------------------------------------ ETDRK4 */
typedef struct {
  int nk;
  double h;
  double complex *E, *E2, *Q, *f1, *f2, *f3;     /* Kassam & Trefethen (2005) eq. (2.5) */
  double complex *Elo;                           /* e^{hL} - E: the rounding error of E, applied too (lie_exp_split) */
  double complex *a, *b, *c, *Nv, *Na, *Nb, *Nc; /* stage work */
} lie_etd4;

int lie_etd4_create(int nk, lie_etd4 **e);
int lie_etd4_destroy(lie_etd4 **e);
/* Coefficients for step h and symbol Lk by the contour integral over M points of the
 * circle |r - hL| = 1 (the full circle: Lk may be complex). */
void lie_etd4_coeffs(lie_etd4 *e, const double complex *Lk, double h, int M);
void lie_etd4_step(lie_etd4 *e, const lie_pde1d *p, double complex *v);

/* ------------------------------------------------------------ ETD Adams-Bashforth (etdab.c) */
#define LIE_ETDAB_MAX_ORDER 8
typedef struct {
  int nk, q, head; /* head: ring slot of the next N value */
  double h;
  double complex *E;    /* nk: e^{hL} */
  double complex *Elo;  /* nk: e^{hL} - E (lie_exp_split) */
  double complex *w;    /* q x nk: weight of N_{n-j} */
  double complex *hist; /* q x nk ring of past nonlinear terms */
} lie_etdab;

int lie_etdab_create(int nk, int q, lie_etdab **e);
int lie_etdab_destroy(lie_etdab **e);
void lie_etdab_coeffs(lie_etdab *e, const double complex *Lk, double h, int M);
void lie_etdab_step(lie_etdab *e, const lie_pde1d *p, double complex *v);
void lie_etdab_push(lie_etdab *e, const lie_pde1d *p, const double complex *v);

/* ------------------------------------------------------------ integration driver */
/* Integrate v (in place) from time 0 through the increasing output times, with steps of
 * at most h (each interval split into equal steps); after reaching times[i], the values on
 * the nx-point output grid go to out[(i-first_out)*nx ...] for i >= first_out. Returns the number of steps taken, or -1
 * when the solution stopped being finite. *tail: max resolution indicator over outputs. */
long lie_integrate1d(lie_pde1d *p, lie_etd4 *e, double complex *v, const double complex *Lk, double h, int ntimes,
                     const double *times, int first_out, lie_spec1d *out_sp, double *out, double *tail);

long lie_integrate1d_ab(lie_pde1d *p, lie_etdab *ab, lie_etd4 *e4, double complex *v, const double complex *Lk,
                        double dt, int s, int sub, int ntimes, int first_out, lie_spec1d *out_sp, double *out,
                        double *tail);

/* ------------------------------------------------------------ initial conditions */
/* Physics and sampling settings of one PDE (from the options). */
typedef struct {
  double L, T, jitter;    /* L ~ U[L(1-jitter), L(1+jitter)), same for T */
  double nu_min, nu_max;  /* Burgers: nu log-uniform in [nu_min, nu_max) */
  int nwaves, lmin, lmax; /* l ~ randint(lmin, lmax), upper bound exclusive as numpy */
} lie_phys1d;

void lie_phys1d_default(lie_pde pde, lie_phys1d *c);
void lie_ic1d_sample(const lie_phys1d *c, lie_pde pde, uint64_t seed, lie_traj1d *p);
void lie_ic1d_coeffs(const lie_traj1d *p, const lie_spec1d *sp, double complex *v);
void lie_ic1d_eval(const lie_traj1d *p, int n, double *u);

/* ------------------------------------------------------------ PETSc TS path (ts1d.c) */
/* prefix: the solver's options prefix ("" = none), also the TS's (-<prefix>ts_type) */
int lie_ts1d_set_from_options(lie_ctx ctx, lie_pde pde, const char *prefix);
/* Same problem as the exponential integrator, integrated by a PETSc TS (any -ts_type);
 * n is the internal grid (a multiple or even divisor of nx). */
int lie_ts1d_solve(lie_ctx ctx, lie_pde pde, const lie_traj1d *p, int dealias, int nx, int n, int ntimes,
                   const double *times, int first_out, double tol, double *u, int *ok, const char *prefix);

#endif
