/* Generation driver for 1D datasets: trajectory i is solved by rank i % size from its own
 * seed lie_seed_derive(seed, split, i), so the file is identical for any rank count. */
#include "liereg/io.h"
#include "liereg/solvers.h"

#include <math.h>
#include <petscsys.h>

/* One progress line (rank 0) at most every 2 s, with throughput and ETA. */
static void progress(lie_ctx ctx, int done, int n, double t0, double *last, int force) {
  double now = lie_ctx_elapsed(ctx), rate = done / fmax(now - t0, 1e-9);
  if (!force && now - *last < 2.0) return;
  *last = now;
  lie_log_info(ctx, "generate: done=%d/%d rate=%.2f traj/s elapsed=%.1fs eta=%.1fs", done, n, rate, now - t0,
               (n - done) / fmax(rate, 1e-9));
}

int lie_generate1d(lie_ctx ctx, lie_solver1d solver, const char *path, lie_split split, int n, uint64_t seed,
                   uint64_t offset, int *nfailed) {
  int nx, nt_total, nt_saved, save_start, nwaves, failed = 0;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  lie_writer1d w = NULL;
  double t0 = lie_ctx_elapsed(ctx), last = t0;
  LIE_CALL(lie_solver1d_get_sizes(solver, &nx, &nt_total, &nt_saved, &save_start, &nwaves));
  int err =
      lie_ctx_agree(ctx, lie_writer1d_create(ctx, path, split, lie_solver1d_pde(solver), n, nt_saved, nx, nwaves, &w));
  /* Every rank runs every round, and agrees on errors before the round's collective flush: a
   * trajectory that fails with an error (not a blow-up, which is stored with success = 0) on one
   * rank ends all ranks with that error instead of leaving them waiting in the flush. */
  for (int round = 0; !err && round < lie_writer1d_rounds(w); round++) {
    int index = round * size + rank;
    /* a stop signal (generate installs the handlers) ends every rank here, together */
    err = lie_stop_check(ctx, round * size < n ? round * size : n, n, "trajectories");
    if (!err && index < n) {
      lie_traj1d p;
      double *u, *t, *x;
      int ok = 0;
      err = lie_fault(ctx, "generate");
      if (!err) err = lie_solver1d_sample(solver, lie_seed_derive(seed, split, offset + (uint64_t)index), &p);
      if (!err) err = lie_writer1d_slot(w, round, &u, &t, &x);
      if (!err) err = lie_solver1d_solve(solver, &p, u, t, x, &ok);
      if (!err) err = lie_writer1d_set(w, round, &p, p.T / (nt_total - 1), ok);
      if (!err && !ok) {
        failed++;
        lie_log_warn(ctx, "trajectory %llu (seed %llu) failed: stored with success=0",
                     (unsigned long long)(offset + index), (unsigned long long)p.seed);
      }
    }
    err = lie_ctx_agree(ctx, err);
    if (err) break;
    err = lie_ctx_agree(ctx, lie_writer1d_flush(w, round, round == lie_writer1d_rounds(w) - 1));
    if (err) break;
    if ((round + 1) * size < n) progress(ctx, (round + 1) * size, n, t0, &last, 0);
  }
  int derr = lie_writer1d_destroy(&w);
  LIE_CALL(err);
  LIE_CALL(derr);
  LIE_MPI(MPI_Allreduce(&failed, nfailed, 1, MPI_INT, MPI_SUM, lie_ctx_comm(ctx)));
  progress(ctx, n, n, t0, &last, 1);
  return LIE_OK;
}
