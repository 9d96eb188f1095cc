/* 1D PDE solvers (KS, KdV, Burgers): FFTW pseudo-spectral, ETDRK4-class exponential
 * integrators, and the same right-hand sides as a PETSc TS problem.
 *
 * Lifecycle (PETSc style): create -> set_from_options -> setup -> (sample, solve)* -> destroy.
 * Grid options are unprefixed and apply to the PDE being generated (-nx, -nt, -save_n,
 * -save_start, -accuracy); physics options carry the PDE's prefix (-ks_, -kdv_, -burgers_).
 * A host program sets an options prefix (lie_solver1d_set_options_prefix) so that none of
 * them collides with its own -nx or -ts_type. */
#ifndef LIEREG_SOLVERS_H
#define LIEREG_SOLVERS_H

#include "liereg/core.h"
#include "liereg/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* lie_pde and its names: core.h (every layer names PDEs). */

/* lie_traj1d (the stored record of a trajectory) and LIE_IC_MAX_WAVES: io.h. */

typedef struct lie_solver1d_s *lie_solver1d;

int lie_solver1d_create(lie_ctx ctx, lie_pde pde, lie_solver1d *s);
/* PETSc manners for hosts with their own options: every option of this solver (and of its
 * PETSc TS with -solver1d_method ts) is read as -<prefix>name, e.g. prefix "liereg_" reads
 * -liereg_nx, -liereg_burgers_nu_min, -liereg_ts_type. Call before set_from_options. */
int lie_solver1d_set_options_prefix(lie_solver1d s, const char *prefix);
int lie_solver1d_set_from_options(lie_solver1d s);
int lie_solver1d_setup(lie_solver1d s);
int lie_solver1d_destroy(lie_solver1d *s);

/* Stored grid: nx points, nt_total time points t = linspace(0, T, nt_total) of which
 * nt_saved starting at save_start are stored; nwaves initial-condition waves. */
int lie_solver1d_get_sizes(lie_solver1d s, int *nx, int *nt_total, int *nt_saved, int *save_start, int *nwaves);
lie_pde lie_solver1d_pde(lie_solver1d s);

/* Draw a trajectory's parameters (L/T jitter, nu, initial condition) from its seed alone. */
int lie_solver1d_sample(lie_solver1d s, uint64_t seed, lie_traj1d *p);

/* Solve one trajectory. u: nt_saved x nx (row-major, time-major), t: nt_saved, x: nx.
 * *ok = 0 when it could not be solved (NaN/blow-up even after retrying with smaller
 * steps); the arrays are then NaN-filled and the caller marks success = 0. */
int lie_solver1d_solve(lie_solver1d s, const lie_traj1d *p, double *u, double *t, double *x, int *ok);

/* Predicted cost of solving p, in arbitrary units proportional to CPU time (grid points x
 * log2 x steps of the Richardson pair, from the same grid and step choice the solve starts
 * with; refinements are not foreseen). Used to balance generation over ranks. */
int lie_solver1d_cost(lie_solver1d s, const lie_traj1d *p, double *cost);

/* Solve from arbitrary periodic initial data u0 (n points on [0, L)) and return the
 * solution at the given times (u: ntimes x n). Used by augmentation checks. */
int lie_solver1d_solve_from(lie_solver1d s, double L, double nu, const double *u0, int n, int ntimes,
                            const double *times, double *u);

/* What the last solve did (for benchmarks and logs). */
typedef struct {
  int n_internal;         /* internal grid points */
  int steps_per_interval; /* steps per stored time interval of the finer run */
  long steps;             /* total steps of all runs (Richardson pair, refinements) */
  double error_estimate;  /* estimated relative L2 error of the finer run */
  double tail;            /* relative L2 of the top third of the kept Fourier modes */
  int retries;            /* retries after a blow-up */
} lie_solver1d_stats;
int lie_solver1d_get_stats(lie_solver1d s, lie_solver1d_stats *st);
/* Programmatic overrides of -accuracy and -solver1d_n / -solver1d_steps (0 = automatic). */
int lie_solver1d_set_accuracy(lie_solver1d s, double accuracy);
int lie_solver1d_set_method(lie_solver1d s, int n_internal, int steps);
/* Time integrator "etdab" (exponential Adams-Bashforth of the given order, default 6),
 * "etdrk4" or "ts" (PETSc TS); order <= 0 keeps the current order. */
int lie_solver1d_set_integrator(lie_solver1d s, const char *name, int order);

/* ------------------------------------------------------------ generation */
/* Solve n trajectories of split `split` with the set-up solver and write them to path
 * (a temporary name; the caller renames). Row i holds global trajectory offset + i, whose
 * seed is lie_seed_derive(seed, split, offset + i): shards written with offsets 0, n, 2n, ...
 * are slices of one large dataset. *nfailed = trajectories with success = 0. */
int lie_generate1d(lie_ctx ctx, lie_solver1d solver, const char *path, lie_split split, int n, uint64_t seed,
                   uint64_t offset, int *nfailed);
/* The balance plan lie_generate1d uses (exposed for tests and benchmarks): m jobs of the
 * given costs go longest first (equal costs: lower index first) to the least-loaded of `size`
 * ranks (ties: lower rank) that holds fewer than cap jobs; owner[i] = rank of job i. */
int lie_generate1d_plan(const double *cost, int m, int size, int cap, int *owner);

#ifdef __cplusplus
}
#endif
#endif
