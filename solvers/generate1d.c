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
static int costs_rank0(lie_solver1d s, lie_split split, uint64_t seed, uint64_t first, int m, double *cost) {
  for (int i = 0; i < m; i++) {
    lie_traj1d p;
    LIE_CALL(lie_solver1d_sample(s, lie_seed_derive(seed, split, first + (uint64_t)i), &p));
    LIE_CALL(lie_solver1d_cost(s, &p, &cost[i]));
  }
  return LIE_OK;
}

static int predict_costs(lie_ctx ctx, lie_solver1d s, lie_split split, uint64_t seed, uint64_t first, int m,
                         double *cost) {
  LIE_CALL(lie_ctx_agree(ctx, lie_ctx_rank(ctx) == 0 ? costs_rank0(s, split, seed, first, m, cost) : LIE_OK));
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

/* What the chunks of one generation share (lie_generate1d). */
typedef struct {
  lie_ctx ctx;
  lie_solver1d solver;
  lie_writer1d w;
  lie_split split;
  uint64_t seed, offset;
  int n, nt_total, cap, chunk, failed;
  double t0, last, solve_cpu;
  double *cost;      /* (chunk) predicted solve costs */
  int *owner, *mine; /* (chunk) rank of each row; (cap) this rank's rows */
} gen_job;

/* A stop signal (generate installs the handlers) ends every rank here, together. */
static int chunk_begin(lie_ctx ctx, int first, int n) {
  LIE_CALL(lie_stop_check(ctx, first, n, "trajectories"));
  LIE_CALL(lie_fault(ctx, "generate")); /* test hook (src/core/fault.c) */
  return LIE_OK;
}

/* This rank's rows of chunk [first, first + m) by the plan (the same on every rank), solved. */
static int chunk_solve(gen_job *g, int first, int m, int *nmine, progress_state *ps) {
  LIE_CALL(plan_chunk(g->cost, m, lie_ctx_size(g->ctx), lie_ctx_rank(g->ctx), g->cap, g->owner, g->mine, nmine));
  for (int k = 0; k < *nmine; k++)
    g->mine[k] += first;
  LIE_CALL(
      solve_rows(g->ctx, g->solver, g->w, g->mine, *nmine, g->split, g->seed, g->offset, g->nt_total, ps, &g->failed));
  return LIE_OK;
}
/* Rows [first, first + m): costs predicted, planned over the ranks, solved, written collectively.
 * Every error that may differ between ranks is agreed before the next collective. */
static int chunk_run(gen_job *g, int first, int m) {
  int nmine = 0;
  LIE_CALL(lie_ctx_agree(g->ctx, chunk_begin(g->ctx, first, g->n)));
  LIE_CALL(predict_costs(g->ctx, g->solver, g->split, g->seed, g->offset + (uint64_t)first, m, g->cost));
  progress_state ps = {g->n, first, m, g->t0, g->last, 0};
  int err = chunk_solve(g, first, m, &nmine, &ps);
  g->last = ps.last;
  g->solve_cpu += ps.solve_cpu;
  LIE_CALL(lie_ctx_agree(g->ctx, err));
  LIE_CALL(lie_stop_check(g->ctx, first + m, g->n, "trajectories")); /* before the collective write */
  LIE_CALL(lie_writer1d_write_rows(g->w, nmine, g->mine));
  return LIE_OK;
}

int lie_generate1d(lie_ctx ctx, lie_solver1d solver, const char *path, lie_split split, int n, uint64_t seed,
                   uint64_t offset, int *nfailed) {
  int nx, nt_saved, save_start, nwaves, size = lie_ctx_size(ctx), err = LIE_OK;
  gen_job g = {.ctx = ctx, .solver = solver, .split = split, .seed = seed, .offset = offset, .n = n};
  g.t0 = g.last = lie_ctx_elapsed(ctx);
  LIE_CALL(lie_solver1d_get_sizes(solver, &nx, &g.nt_total, &nt_saved, &save_start, &nwaves));
  LIE_CALL_GOTO(lie_ctx_agree(
      ctx, lie_writer1d_create(ctx, path, split, lie_solver1d_pde(solver), n, nt_saved, nx, nwaves, &g.w)));
  g.cap = lie_writer1d_block(g.w);
  g.chunk = (long)size * g.cap < n ? size * g.cap : n;
  LIE_CALL_GOTO(lie_ctx_agree(ctx, alloc_work(g.chunk, g.cap, &g.cost, &g.owner, &g.mine)));
  for (int first = 0; first < n; first += g.chunk)
    LIE_CALL_GOTO(chunk_run(&g, first, n - first < g.chunk ? n - first : g.chunk));
  LIE_CALL_GOTO(lie_writer1d_destroy(&g.w));
  LIE_MPI_GOTO(MPI_Allreduce(&g.failed, nfailed, 1, MPI_INT, MPI_SUM, lie_ctx_comm(ctx)));
  progress(ctx, n, n, g.t0, &g.last, 1);
  LIE_CALL_GOTO(report_cpu(ctx, g.solve_cpu));
done:
  free(g.cost);
  free(g.owner);
  free(g.mine);
  lie_writer1d_destroy(&g.w); /* after an error: still open */
  return err;
}
