/* Generation driver for 1D datasets. Trajectory i is solved from its own seed
 * lie_seed_derive(seed, split, offset + i), so its data do not depend on which rank solves it:
 * the file is identical for any rank count. Work is balanced by predicted cost, not dealt
 * round-robin: a Burgers trajectory at small nu costs 25x one at large nu (docs/NUMERICS.md).
 *
 * The n trajectories are taken in chunks of size x slots (the writer's buffer, ~32 MB per
 * rank). Within a chunk, the jobs go longest first to the least-loaded rank that has a free
 * slot (LPT, Graham 1969), then every rank solves its rows and one collective write per
 * dataset stores the chunk. */
#include "liereg/io.h"
#include "liereg/solvers.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  int index;
  double cost;
} job;

/* One progress line (rank 0) at most every 2 s, with throughput and ETA. */
static void progress(lie_ctx ctx, int done, int n, double t0, double *last, int force) {
  double now = lie_ctx_elapsed(ctx), rate = done / fmax(now - t0, 1e-9);
  if (!force && now - *last < 2.0) return;
  *last = now;
  lie_log_info(ctx, "generate: done=%d/%d rate=%.2f traj/s elapsed=%.1fs eta=%.1fs", done, n, rate, now - t0,
               (n - done) / fmax(rate, 1e-9));
}

/* Costs of trajectories first..first+m-1, computed on rank 0 and broadcast: every rank then
 * builds the same plan even where FFTW's or libm's rounding differs between nodes. */
static int predict_costs(lie_ctx ctx, lie_solver1d s, lie_split split, uint64_t seed, uint64_t first, int m,
                         double *cost) {
  int err = LIE_OK;
  if (lie_ctx_rank(ctx) == 0)
    for (int i = 0; i < m && !err; i++) {
      lie_traj1d p;
      err = lie_solver1d_sample(s, lie_seed_derive(seed, split, first + (uint64_t)i), &p);
      if (!err) err = lie_solver1d_cost(s, &p, &cost[i]);
    }
  LIE_CALL(lie_ctx_agree(ctx, err));
  LIE_MPI(MPI_Bcast(cost, m, MPI_DOUBLE, 0, lie_ctx_comm(ctx)));
  return LIE_OK;
}

/* Longest first; equal costs by index, so the order is total. */
static int by_cost(const void *a, const void *b) {
  const job *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

int lie_generate1d_plan(const double *cost, int m, int size, int cap, int *owner) {
  job *jobs;
  double *load;
  int *count;
  LIE_CHECK(m >= 0 && size >= 1 && (long)size * cap >= m, LIE_ERR_ARG, "%d jobs do not fit %d ranks x %d slots", m,
            size, cap);
  LIE_ALLOC(jobs, (size_t)m + 1);
  LIE_ALLOC(load, (size_t)size);
  LIE_ALLOC(count, (size_t)size);
  for (int i = 0; i < m; i++)
    jobs[i] = (job){i, cost[i]};
  qsort(jobs, (size_t)m, sizeof *jobs, by_cost);
  for (int i = 0; i < m; i++) {
    int best = -1;
    for (int r = 0; r < size; r++)
      if (count[r] < cap && (best < 0 || load[r] < load[best])) best = r;
    load[best] += jobs[i].cost;
    count[best]++;
    owner[jobs[i].index] = best;
  }
  free(jobs);
  free(load);
  free(count);
  return LIE_OK;
}

/* This rank's chunk positions, increasing: the order the writer's row selection needs. */
static int plan_chunk(const double *cost, int m, int size, int rank, int cap, int *owner, int *mine, int *nmine) {
  LIE_CALL(lie_generate1d_plan(cost, m, size, cap, owner));
  *nmine = 0;
  for (int i = 0; i < m; i++)
    if (owner[i] == rank) mine[(*nmine)++] = i;
  return LIE_OK;
}

/* Solves this rank's rows of one chunk into the writer's slots 0..nmine-1. */
typedef struct {
  int n, first, m;  /* file size, this chunk's first row and length */
  double t0, last;  /* for the progress line */
  double solve_cpu; /* process CPU seconds inside lie_solver1d_solve (this rank) */
} progress_state;

/* Process CPU time: the solver's share of it is what start-up and I/O are measured against
 * (docs/BENCHMARKS.md), robust to other jobs on a shared node where wall time is not. */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int solve_rows(lie_ctx ctx, lie_solver1d s, lie_writer1d w, const int *rows, int nrows, lie_split split,
                      uint64_t seed, uint64_t offset, int nt_total, progress_state *ps, int *failed) {
  for (int k = 0; k < nrows && !lie_stop_pending(); k++) { /* a stop: the caller agrees, discards */
    lie_traj1d p;
    double *u, *t, *x;
    int ok = 0;
    uint64_t index = offset + (uint64_t)rows[k];
    LIE_CALL(lie_solver1d_sample(s, lie_seed_derive(seed, split, index), &p));
    LIE_CALL(lie_writer1d_slot(w, k, &u, &t, &x));
    double c0 = cpu_seconds();
    LIE_CALL(lie_solver1d_solve(s, &p, u, t, x, &ok));
    ps->solve_cpu += cpu_seconds() - c0;
    LIE_CALL(lie_writer1d_set(w, k, &p, p.T / (nt_total - 1), ok));
    if (!ok) {
      (*failed)++;
      lie_log_warn(ctx, "trajectory %llu (seed %llu) failed: stored with success=0", (unsigned long long)index,
                   (unsigned long long)p.seed);
    }
    /* rank 0's share of the chunk stands for everyone's: the plan balances the loads */
    int done = ps->first + (int)((double)(k + 1) * ps->m / nrows);
    if (done < ps->n) progress(ctx, done, ps->n, ps->t0, &ps->last, 0);
  }
  return LIE_OK;
}

static int alloc_work(int chunk, int cap, double **cost, int **owner, int **mine) {
  LIE_ALLOC(*cost, (size_t)chunk);
  LIE_ALLOC(*owner, (size_t)chunk);
  LIE_ALLOC(*mine, (size_t)cap);
  return LIE_OK;
}

/* Solver CPU per rank: the largest share against the mean is the balance the plan achieved,
 * measured in CPU time (robust on a shared node, where wall time measures the other jobs). */
static int report_cpu(lie_ctx ctx, double solve_cpu) {
  double mx, sum;
  LIE_MPI(MPI_Reduce(&solve_cpu, &mx, 1, MPI_DOUBLE, MPI_MAX, 0, lie_ctx_comm(ctx)));
  LIE_MPI(MPI_Reduce(&solve_cpu, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, lie_ctx_comm(ctx)));
  const int size = lie_ctx_size(ctx);
  lie_log_info(ctx,
               "generate: cpu: solver %.3f s on rank 0, max %.3f s, mean %.3f s over %d rank(s) (balance %.3f); "
               "rank 0 process %.3f s",
               solve_cpu, mx, sum / size, size, mx > 0 ? sum / size / mx : 1.0, cpu_seconds());
  return LIE_OK;
}

int lie_generate1d(lie_ctx ctx, lie_solver1d solver, const char *path, lie_split split, int n, uint64_t seed,
                   uint64_t offset, int *nfailed) {
  int nx, nt_total, nt_saved, save_start, nwaves, failed = 0;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  lie_writer1d w = NULL;
  double t0 = lie_ctx_elapsed(ctx), last = t0, *cost = NULL, solve_cpu = 0;
  int *mine = NULL, *owner = NULL;
  LIE_CALL(lie_solver1d_get_sizes(solver, &nx, &nt_total, &nt_saved, &save_start, &nwaves));
  int err = lie_writer1d_create(ctx, path, split, lie_solver1d_pde(solver), n, nt_saved, nx, nwaves, &w);
  err = lie_ctx_agree(ctx, err);
  const int cap = err ? 1 : lie_writer1d_block(w);
  const int chunk = (long)size * cap < n ? size * cap : n;
  if (!err) err = alloc_work(chunk, cap, &cost, &owner, &mine);
  err = lie_ctx_agree(ctx, err);
  for (int first = 0; !err && first < n; first += chunk) {
    const int m = n - first < chunk ? n - first : chunk;
    int nmine = 0;
    /* a stop signal (generate installs the handlers) ends every rank here, together */
    err = lie_stop_check(ctx, first, n, "trajectories");
    if (!err) err = lie_fault(ctx, "generate");
    err = lie_ctx_agree(ctx, err);
    if (!err) err = predict_costs(ctx, solver, split, seed, offset + (uint64_t)first, m, cost);
    if (!err) err = plan_chunk(cost, m, size, rank, cap, owner, mine, &nmine);
    for (int k = 0; k < nmine; k++)
      mine[k] += first;
    progress_state ps = {n, first, m, t0, last, 0};
    if (!err) err = solve_rows(ctx, solver, w, mine, nmine, split, seed, offset, nt_total, &ps, &failed);
    last = ps.last;
    solve_cpu += ps.solve_cpu;
    err = lie_ctx_agree(ctx, err);
    if (!err) err = lie_stop_check(ctx, first + m, n, "trajectories"); /* before the collective write */
    if (!err) err = lie_writer1d_write_rows(w, nmine, mine);
  }
  free(cost);
  free(owner);
  free(mine);
  int derr = lie_writer1d_destroy(&w);
  LIE_CALL(err);
  LIE_CALL(derr);
  LIE_MPI(MPI_Allreduce(&failed, nfailed, 1, MPI_INT, MPI_SUM, lie_ctx_comm(ctx)));
  progress(ctx, n, n, t0, &last, 1);
  LIE_CALL(report_cpu(ctx, solve_cpu));
  return LIE_OK;
}
